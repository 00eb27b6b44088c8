import { defineConfig } from 'vitest/config';

// The pure core and the real server process once each, the integration suite once per database.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['test/core/**/*.test.ts', 'test/stores/**/*.test.ts'] } },
      { test: { name: 'server', include: ['test/server/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'pglite',
          include: ['test/integration/**/*.test.ts'],
          env: { TALLY_TEST_DB: 'pglite' },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts'],
          env: { TALLY_TEST_DB: 'postgres' },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
