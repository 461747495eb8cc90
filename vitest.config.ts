import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/bench/**', 'test/extension/**', 'node_modules/**'],
        },
      },
      {
        // The extension's modules import `wxt/browser`: WxtVitest swaps in WXT's fake browser (one copy, WXT's own).
        plugins: [WxtVitest()],
        test: {
          ...shared,
          name: 'extension',
          include: ['test/extension/**/*.test.ts', 'test/extension/**/*.test.tsx'],
        },
      },
    ],
  },
});
