import type { Migration, MigrationProvider } from 'kysely/migration';
import * as ledger from './0001-ledger.ts';
import * as links from './0002-links.ts';

// Migrations are listed here in order; names sort as they apply.
const migrations: Record<string, Migration> = {
  '0001-ledger': ledger,
  '0002-links': links,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
