import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { asText, DATE, INT8, NUMERIC } from './connect.ts';
import type { Database } from './schema.ts';

// One database session that both COPYs and runs ordinary statements, for backup and restore:
// a dump is read in one snapshot and loaded in one transaction, so every COPY and every
// statement around it must go through the same session. `db` is a Kysely instance on that
// session alone; its transactions wrap the COPYs made meanwhile.

export interface CopySession {
  kind: 'pglite' | 'postgres';
  db: Kysely<Database>;
  /** The rows of `query` in COPY text format. */
  copyOut(query: string): Promise<Uint8Array>;
  /** Loads rows in COPY text format into the table's columns. */
  copyIn(table: string, columns: readonly string[], rows: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** The statement's rows as Kysely's PostgreSQL driver expects them from a `pg` client. */
export type SessionQuery = (
  text: string,
  values?: readonly unknown[],
) => Promise<{ rows: unknown[]; rowCount?: number | null; command?: string }>;

/** A Kysely instance whose every statement runs through `query`, on the one session it belongs to. */
export function sessionDb(query: SessionQuery): Kysely<Database> {
  const client = { query: (text: string, values?: readonly unknown[]) => query(text, values), release: () => undefined };
  const pool = { connect: async () => client, end: async () => undefined } as unknown as PostgresPool;
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export const copyColumns = (table: string, columns: readonly string[]) => `${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`;

/** A session of its own on the PostgreSQL database at `url`. */
export async function postgresCopySession(url: string): Promise<CopySession> {
  const parsers = new Map<number, (value: string) => unknown>([
    [INT8, asText],
    [NUMERIC, asText],
    [DATE, asText],
  ]);
  const client = new pg.Client({
    connectionString: url,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers.get(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  const db = sessionDb((text, values) => client.query(text, values as unknown[]));
  const drain = (stream: NodeJS.ReadableStream) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  return {
    kind: 'postgres',
    db,
    copyOut: (query) => drain(client.query(copyStreams.to(`copy (${query}) to stdout`))),
    copyIn: (table, columns, rows) =>
      new Promise<void>((resolve, reject) => {
        const stream = client.query(copyStreams.from(`copy ${copyColumns(table, columns)} from stdin`));
        stream.on('finish', () => resolve());
        stream.on('error', reject);
        stream.end(rows);
      }),
    close: () => client.end(),
  };
}
