import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface Connection {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Calls `onNotify` for each NOTIFY on the channel, from any process; resolves to an unlisten. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Both drivers return these types as text, so int8 ids and sums never pass through a JS
// number and a date column stays the calendar day it names.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const asText = (value: string) => value;

export class DataDirLockedError extends Error {
  constructor(dir: string) {
    super(`The data directory ${dir} is in use by another Tally process. Stop it, or set TALLY_DATA_DIR to another directory.`);
  }
}

export async function connectPostgres(url: string, options: { max?: number } = {}): Promise<Connection> {
  const parsers = new Map<number, (value: string) => unknown>([[INT8, asText], [NUMERIC, asText], [DATE, asText]]);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers.get(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', listen: (channel, onNotify) => listenPostgres(url, channel, onNotify), close: () => db.destroy() };
}

// LISTEN needs a session of its own, kept open; when it drops, a new one is opened and the
// listener is told once, since notifications may have been missed meanwhile.
async function listenPostgres(url: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  const reopen = (): void => {
    if (!stopped) setTimeout(() => void open().then(onNotify, reopen), 1_000).unref();
  };
  const open = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    next.on('error', () => {
      client = null;
      reopen();
    });
    await next.connect();
    await next.query(`listen "${channel.replaceAll('"', '""')}"`);
    client = next;
  };
  await open();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

export function createPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): PGlite {
  return new PGlite({
    dataDir,
    parsers: { [INT8]: asText, [NUMERIC]: asText, [DATE]: asText },
    loadDataDir: options.loadDataDir,
  });
}

export async function connectPglite(pglite: PGlite): Promise<Connection> {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    listen: async (channel, onNotify) => pglite.listen(channel, () => onNotify()),
    close: () => db.destroy(),
  };
}

// One process per data directory: PGlite is a single-process database, and two of them on
// one directory would corrupt it. The lock is released when the process exits.
export async function openDataDir(dataDir: string): Promise<Connection> {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, { lockfilePath: path.join(dir, 'tally.lock'), stale: 15_000, update: 5_000 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirLockedError(dir);
    throw error;
  }
  const connection = await connectPglite(createPglite(path.join(dir, 'pgdata')));
  return {
    ...connection,
    async close() {
      await connection.close();
      await release();
    },
  };
}
