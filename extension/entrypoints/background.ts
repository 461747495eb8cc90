import { defineBackground } from 'wxt/utils/define-background';
import { z } from 'zod';
import { startBackground } from '../background/index.ts';

export default defineBackground(() => {
  // zod would first try `new Function` to compile its parsers, which the extension's CSP refuses (Firefox logs each
  // refusal): parse without compiling.
  z.config({ jitless: true });
  startBackground();
});
