import type { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { CopySession } from '../../db/copy-session.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import { catalogTables, currentMigration, identitySequences, setCopySettings } from './catalog.ts';
import { BackupRefused, type DumpHeader, readDump } from './dump-format.ts';

// `tally restore`: a backup loaded into a database that holds no account, of either kind, in
// one transaction: the schema brought to the backup's migration, every table's rows loaded as
// they were (rollups and the event log included, so no trigger runs while they load), identity
// sequences set past the loaded ids, each table's row count checked against the header, then
// the schema brought up to date. If anything fails, the database is left as it was.

// biome-ignore lint/suspicious/noExplicitAny: backups read and write tables by name, whatever migration the database is at.
type AnyDb = Kysely<any>;

/** Loads the backup read from `input` into the session's database; returns its header. */
export async function restoreBackup(
  session: CopySession,
  input: Readable,
  onTable: (name: string, rows: number) => void = () => undefined,
): Promise<DumpHeader> {
  const parts = readDump(input);
  try {
    const first = await parts.next();
    if (first.done || first.value.kind !== 'header') throw new BackupRefused('This is not a Tally backup.');
    const header = first.value.header;
    const known = Object.keys(await migrationProvider.getMigrations());
    if (!known.includes(header.migration)) {
      throw new BackupRefused(
        `The backup was taken at migration ${header.migration}, which this Tally does not know (its latest is ${known.at(-1)}): ` +
          `restore it with a Tally at least as new as the one that took it.`,
      );
    }

    await session.db.transaction().execute(async (trx) => {
      await refuseUnlessEmpty(trx, header.migration);
      await migrate(trx, (m) => m.migrateTo(header.migration));
      await setCopySettings(trx);
      await checkSchema(trx, header);
      const tables = header.tables.map((t) => sql.table(t.name));
      // The accountless tables (the ECB rates a first start loads) are replaced by the backup's.
      await sql`truncate table ${sql.join(tables)}`.execute(trx);
      const triggered = await tablesWithTriggers(trx, header);
      for (const t of triggered) await sql`alter table ${sql.table(t)} disable trigger user`.execute(trx);

      for (let next = await parts.next(); !next.done; next = await parts.next()) {
        const part = next.value;
        if (part.kind === 'rows') await session.copyIn(part.table.name, part.table.columns, part.data);
        else if (part.kind === 'end') onTable(part.table.name, part.table.rows);
      }

      for (const t of triggered) await sql`alter table ${sql.table(t)} enable trigger user`.execute(trx);
      await setSequences(trx, header);
      for (const table of header.tables) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table.name)}`.execute(trx);
        if (Number(rows[0]!.n) !== table.rows)
          throw new Error(`${table.name} holds ${rows[0]!.n} rows after the restore where the backup has ${table.rows}.`);
      }
      await migrate(trx, (m) => m.migrateToLatest());
    });
    return header;
  } finally {
    await parts.return(undefined);
  }
}

async function refuseUnlessEmpty(trx: AnyDb, migration: string): Promise<void> {
  const current = await currentMigration(trx);
  if (current === null) return;
  if (current > migration) {
    throw new BackupRefused(
      `The database is at migration ${current}, newer than the backup's ${migration}: ` +
        `restore into a new, empty database (the restore brings it up to date after loading).`,
    );
  }
  const { rows } = await sql<{ present: boolean }>`select to_regclass('public.accounts') is not null as present`.execute(trx);
  if (!rows[0]?.present) return;
  // Held until the restore commits, so no account appears meanwhile.
  await sql`lock table accounts in share row exclusive mode`.execute(trx);
  const { rows: held } = await sql<{ n: string }>`select count(*) as n from accounts`.execute(trx);
  if (held[0]!.n !== '0') {
    throw new BackupRefused(
      `The database already holds ${held[0]!.n} account(s): a backup is restored only into a database without accounts.`,
    );
  }
}

async function migrate(trx: AnyDb, run: (migrator: Migrator) => ReturnType<Migrator['migrateToLatest']>): Promise<void> {
  const { error, results } = await run(new Migrator({ db: trx, provider: migrationProvider }));
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
}

/** The database at the backup's migration must have the backup's tables and columns, no more and no fewer. */
async function checkSchema(trx: AnyDb, header: DumpHeader): Promise<void> {
  const here = new Map((await catalogTables(trx)).map((t) => [t.name, [...t.columns].sort().join(', ')]));
  const there = new Map(header.tables.map((t) => [t.name, [...t.columns].sort().join(', ')]));
  for (const [name, columns] of there) {
    if (here.get(name) !== columns)
      throw new BackupRefused(`The backup's table ${name} (${columns}) does not match this database's at migration ${header.migration}.`);
  }
  for (const name of here.keys()) {
    if (!there.has(name))
      throw new BackupRefused(`The backup has no table ${name}, which this database has at migration ${header.migration}.`);
  }
}

async function tablesWithTriggers(trx: AnyDb, header: DumpHeader): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    select distinct c.relname as "table"
    from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and not g.tgisinternal`.execute(trx);
  const names = new Set(header.tables.map((t) => t.name));
  return rows.map((r) => r.table).filter((t) => names.has(t));
}

/** Each identity sequence where it was, and never at or below an id the table holds. */
async function setSequences(trx: AnyDb, header: DumpHeader): Promise<void> {
  const kept = new Map(header.sequences.map((s) => [`${s.table}.${s.column}`, s]));
  for (const s of await identitySequences(trx)) {
    const dumped = kept.get(`${s.table}.${s.column}`);
    const last = dumped?.called ? BigInt(dumped.lastValue) : 0n;
    const { rows } = await sql<{ max: string | null }>`select max(${sql.ref(s.column)})::text as max from ${sql.table(s.table)}`.execute(
      trx,
    );
    const max = BigInt(rows[0]!.max ?? '0');
    const value = last > max ? last : max;
    if (value > 0n) await sql`select setval(${s.sequence}, ${value.toString()}::bigint, true)`.execute(trx);
    else await sql`select setval(${s.sequence}, 1, false)`.execute(trx);
  }
}
