import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../background/index.ts';

export default defineBackground(() => {
  startBackground();
});
