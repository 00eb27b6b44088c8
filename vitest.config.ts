import { defineConfig } from 'vitest/config';

// The pure core and the real server process once each, the integration suite once per database,
// and the web app in a real browser against a real server.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['test/core/**/*.test.ts', 'test/stores/**/*.test.ts'] } },
      { test: { name: 'server', include: ['test/server/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'pglite',
          include: ['test/integration/**/*.test.ts'],
          // What exists only on PostgreSQL (the COPY export path).
          exclude: ['test/integration/postgres-only/**'],
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
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          env: { TALLY_TEST_DB: 'pglite' },
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
