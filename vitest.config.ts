import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // Type-level tests (test/types/*.test-d.ts) run through the type checker as part of `npm test`.
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // The long runs (test/long: SIGKILLs mid-write, 50 clients for 60 s) run only in `npm run test:long`.
    exclude: ['node_modules/**', ...(process.env.CONFIDE_PROPERTY_RUNS === 'long' ? [] : ['test/long/**'])],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
