import type { Migration, MigrationProvider } from 'kysely/migration';
import * as ledger from './0001-ledger.ts';

// Migrations are listed here in order; names sort as they apply.
const migrations: Record<string, Migration> = {
  '0001-ledger': ledger,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
