import { defineContentScript } from 'wxt/utils/define-content-script';
import { runOnPage } from '../page.ts';

export default defineContentScript({
  // Not in the manifest: the background registers it for the server's origin and each console the admin adds.
  registration: 'runtime',
  main: (ctx) => runOnPage(ctx),
});
