import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { asText, type Connection, DATE, INT8, NUMERIC } from './connect.ts';
import { type CopySession, copyColumns, sessionDb } from './copy-session.ts';
import { LockHeldError, lockDirectory } from './data-dir-lock.ts';
import type { Database } from './schema.ts';

// The embedded database (PGlite). Kept out of connect.ts so that a server on PostgreSQL never
// loads PGlite's WebAssembly build: the CLI imports this module only for a data directory.

export class DataDirLockedError extends Error {
  constructor(dir: string) {
    super(`The data directory ${dir} is in use by another Tally process. Stop it, or set TALLY_DATA_DIR to another directory.`);
  }
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
// one directory would corrupt it. The lock (data-dir-lock.ts) is released when the process
// exits, and a crashed holder's is taken over at once.
export async function openDataDir(dataDir: string): Promise<Connection & { pglite: PGlite }> {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  let release: () => void;
  try {
    release = await lockDirectory(dir);
  } catch (error) {
    if (error instanceof LockHeldError) throw new DataDirLockedError(dir);
    throw error;
  }
  const pglite = createPglite(path.join(dir, 'pgdata'));
  const connection = await connectPglite(pglite);
  return {
    ...connection,
    pglite,
    async close() {
      await connection.close();
      // Kysely closes PGlite only if it was used; a COPY session may have used it alone.
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}

/**
 * A COPY session on an embedded database (see copy-session.ts). PGlite has one session: use it
 * while nothing else does (the CLI's backup and restore hold the data directory alone).
 */
export function pgliteCopySession(pglite: PGlite): CopySession {
  return {
    kind: 'pglite',
    db: sessionDb(async (text, values) => {
      const result = await pglite.query(text, values as unknown[], { rowMode: 'object' });
      return { rows: result.rows, rowCount: result.affectedRows };
    }),
    async copyOut(query) {
      const result = await pglite.query(`copy (${query}) to '/dev/blob'`);
      return new Uint8Array(await result.blob!.arrayBuffer());
    },
    async copyIn(table, columns, rows) {
      await pglite.query(`copy ${copyColumns(table, columns)} from '/dev/blob'`, [], { blob: new Blob([rows]) });
    },
    // The session is the database's own: it closes with its connection.
    close: async () => undefined,
  };
}
