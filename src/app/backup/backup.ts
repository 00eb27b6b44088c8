import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'kysely';
import { type CopySession, quoteIdent } from '../../db/copy-session.ts';
import { catalogTables, currentMigration, identitySequences, setCopySettings } from './catalog.ts';
import { BackupRefused, countLines, DUMP_FORMAT, DUMP_VERSION, type DumpHeader, END_OF_TABLE, writeTo } from './dump-format.ts';

// `tally backup`: the whole database, every account, in the portable format of dump-format.ts,
// read in one repeatable-read snapshot: on PostgreSQL it is consistent while servers write.
//
// A table is copied a range of its pages at a time (a TID range scan), so neither database
// holds more than one range's text at once, whatever the table's size. Any row the snapshot
// sees lies in the pages the table had when the snapshot was taken, so the ranges cover it.

/** Pages per COPY: 8 MiB of table. */
const PAGES_PER_COPY = 1024;

/** Writes a backup of the session's database to `out` (ended when done); returns its header. */
export async function takeBackup(
  session: CopySession,
  out: Writable,
  onTable: (name: string, rows: number) => void = () => undefined,
): Promise<DumpHeader> {
  return session.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await setCopySettings(trx);
      const migration = await currentMigration(trx);
      if (!migration) throw new BackupRefused('The database has no Tally schema: there is nothing to back up.');
      const tables = [];
      for (const t of await catalogTables(trx)) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(t.name)}`.execute(trx);
        tables.push({ ...t, rows: Number(rows[0]!.n) });
      }
      const sequences = [];
      for (const s of await identitySequences(trx)) {
        const { rows } = await sql<{
          last_value: string;
          is_called: boolean;
        }>`select last_value, is_called from ${sql.raw(s.sequence)}`.execute(trx);
        sequences.push({ table: s.table, column: s.column, lastValue: String(rows[0]!.last_value), called: rows[0]!.is_called });
      }
      const header: DumpHeader = {
        format: DUMP_FORMAT,
        version: DUMP_VERSION,
        migration,
        takenAt: new Date().toISOString(),
        source: session.kind,
        tables,
        sequences,
      };

      const gzip = createGzip();
      const written = pipeline(gzip, out);
      // Awaited below; whatever stops the backup first, the output is closed with the gzip stream.
      written.catch(() => undefined);
      try {
        await writeTo(gzip, `${JSON.stringify(header)}\n`);
        for (const table of tables) {
          const { rows } = await sql<{ pages: string }>`
            select pg_relation_size(quote_ident(${table.name})::regclass) / current_setting('block_size')::int as pages`.execute(trx);
          const pages = Number(rows[0]!.pages);
          const select = `select ${table.columns.map(quoteIdent).join(', ')} from ${quoteIdent(table.name)}`;
          let copied = 0;
          for (let from = 0; from < pages; from += PAGES_PER_COPY) {
            const data = await session.copyOut(`${select} where ctid >= '(${from},0)'::tid and ctid < '(${from + PAGES_PER_COPY},0)'::tid`);
            copied += countLines(data);
            await writeTo(gzip, data);
          }
          if (copied !== table.rows)
            throw new Error(`${table.name}: copied ${copied} rows of the ${table.rows} counted in the same snapshot.`);
          await writeTo(gzip, END_OF_TABLE);
          onTable(table.name, table.rows);
        }
        gzip.end();
        await written;
      } catch (error) {
        gzip.destroy(error as Error);
        throw error;
      }
      return header;
    });
}
