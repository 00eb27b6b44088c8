import { type Kysely, sql } from 'kysely';

// What a backup holds, read from the database's catalog rather than listed by hand, so a table
// or column a later migration adds is backed up without a change here: every table of schema
// public but Kysely's migration bookkeeping, with its stored columns.

// biome-ignore lint/suspicious/noExplicitAny: backups read and write tables by name, whatever migration the database is at.
type AnyDb = Kysely<any>;

export interface CatalogTable {
  name: string;
  columns: string[];
}

/** The session's settings for COPY text, so both databases write and read values alike. */
export async function setCopySettings(trx: AnyDb): Promise<void> {
  await sql`select set_config('timezone', 'UTC', true), set_config('datestyle', 'ISO, YMD', true),
                   set_config('intervalstyle', 'postgres', true), set_config('bytea_output', 'hex', true)`.execute(trx);
}

/** The last migration applied, or null when the database has no Tally schema. */
export async function currentMigration(trx: AnyDb): Promise<string | null> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('public.kysely_migration') is not null as present`.execute(trx);
  if (!rows[0]?.present) return null;
  const last = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(trx);
  return last.rows[0]?.name ?? null;
}

/** Tally's tables in load order: each after the tables it references; otherwise by name. */
export async function catalogTables(trx: AnyDb): Promise<CatalogTable[]> {
  const { rows: columns } = await sql<{ table: string; column: string }>`
    select c.relname as "table", a.attname as "column"
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    where n.nspname = 'public' and c.relkind = 'r' and c.relname not in ('kysely_migration', 'kysely_migration_lock')
    order by c.relname, a.attnum`.execute(trx);
  const { rows: references } = await sql<{ table: string; parent: string }>`
    select distinct c.relname as "table", p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`.execute(trx);

  const tables = new Map<string, string[]>();
  for (const r of columns) tables.set(r.table, [...(tables.get(r.table) ?? []), r.column]);
  const parents = new Map<string, Set<string>>([...tables.keys()].map((t) => [t, new Set<string>()]));
  for (const r of references) parents.get(r.table)?.add(r.parent);

  const ordered: CatalogTable[] = [];
  const placed = new Set<string>();
  while (placed.size < tables.size) {
    const next = [...tables.keys()].find((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    if (!next) throw new Error('The tables reference each other in a cycle; they cannot be loaded one after another.');
    placed.add(next);
    ordered.push({ name: next, columns: tables.get(next)! });
  }
  return ordered;
}

export interface IdentitySequence {
  table: string;
  column: string;
  /** The sequence, as a qualified, quoted name. */
  sequence: string;
}

/** Every identity column of schema public, with its sequence. */
export async function identitySequences(trx: AnyDb): Promise<IdentitySequence[]> {
  const { rows } = await sql<IdentitySequence>`
    select c.relname as "table", a.attname as "column",
           pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as sequence
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and a.attidentity in ('a', 'd') and not a.attisdropped
    order by c.relname, a.attname`.execute(trx);
  return rows;
}
