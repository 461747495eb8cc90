import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// The extension lives in extension/; imports stay explicit so a reader sees where each name comes from.
export default defineConfig({
  srcDir: 'extension',
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'Seatkeeper',
    description: 'Shows whether each user on an admin console counts as an Internal or External licence seat.',
    permissions: ['storage'],
  },
});
