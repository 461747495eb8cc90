// Global setup of the project that runs the browser tests: both test builds of the extension are made here, one after
// the other, before any test file starts. The Chromium and Firefox tests run in parallel workers, and two `wxt build`
// processes at once would both rewrite .wxt/ (the generated types and config they read).
import { ensureExtensionBuilt } from '../e2e/extension-harness.ts';

export default function setup(): void {
  ensureExtensionBuilt('chrome');
  ensureExtensionBuilt('firefox');
}
