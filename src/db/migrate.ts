import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Db } from './connect.ts';
import { migrationProvider } from './migrations/index.ts';

/** The migrations the code knows of that the database has not recorded as applied, in order. */
export async function missingMigrations(db: Db): Promise<string[]> {
  const known = Object.keys(await migrationProvider.getMigrations());
  const { rows } = await sql<{ present: boolean }>`select to_regclass('kysely_migration') is not null as present`.execute(db);
  if (!rows[0]?.present) return known;
  const applied = new Set((await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}

export async function migrateToLatest(db: Db): Promise<void> {
  // Two reads instead of the Migrator's table checks, lock and transaction on every start; the
  // Migrator runs (and takes its lock) only when something is left to apply.
  if ((await missingMigrations(db)).length === 0) return;
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
