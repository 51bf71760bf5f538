import { defineConfig } from 'vitest/config';
import { packageAliases } from './harness/repo.js';

// Three tiers (docs/design.md §7). Browser and e2e files drive real Chromium, which is heavy on a
// 2-core machine, so those run one file at a time.
export default defineConfig({
  resolve: { alias: packageAliases() },
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
