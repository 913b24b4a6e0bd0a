import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // The long runs (test/long: SIGKILLs mid-write, 50 clients for 60 s) run only in `npm run test:long`.
    exclude: ['node_modules/**', ...(process.env.CONFIDE_PROPERTY_RUNS === 'long' ? [] : ['test/long/**'])],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
