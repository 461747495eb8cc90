import { defineBackground } from 'wxt/utils/define-background';

export default defineBackground(() => {
  // Filled in by the extension issue: only the background talks to the server.
});
