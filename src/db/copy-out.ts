import type { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { type ConnectionLog, surviveDrops } from './outage.ts';

// `COPY (query) TO STDOUT` as a stream, on PostgreSQL only: the fast path of large CSV
// exports. Each COPY holds a connection for as long as its reader takes, so copies run on a
// small pool of their own, apart from the one every request shares; when all of its
// connections are busy the caller is told so (null) and takes its ordinary path instead.

/** Connections kept for COPY: concurrent fast exports beyond this use the ordinary path. */
export const COPY_CONNECTIONS = 4;

export interface CompiledStatement {
  sql: string;
  parameters: readonly unknown[];
}

export interface CopyOut {
  /** The bytes of `COPY (statement) TO STDOUT WITH (options)`, or null when every COPY connection is busy. */
  open(statement: CompiledStatement, options: string): Promise<Readable | null>;
  close(): Promise<void>;
}

/** COPY out of the PostgreSQL database at `url`, on a pool of its own (opened on first use). */
export function createCopyOut(url: string, log: ConnectionLog): CopyOut {
  let pool: pg.Pool | undefined;
  const copier: CopyOut = {
    async open(statement, options) {
      if (!pool) {
        pool = new pg.Pool({ connectionString: url, max: COPY_CONNECTIONS });
        surviveDrops(pool, log, 'copy');
      }
      if (pool.totalCount >= COPY_CONNECTIONS && pool.idleCount === 0) return null;
      const client = await pool.connect();
      let released = false;
      const release = (error?: Error) => {
        if (released) return;
        released = true;
        // A COPY left unfinished leaves its session mid-protocol: the connection is dropped.
        client.release(error);
      };
      const stream = client.query(copyStreams.to(`copy (${inlineParameters(statement)}) to stdout with (${options})`));
      stream.on('end', () => release());
      stream.on('error', (error) => release(error));
      stream.on('close', () => release(stream.readableEnded ? undefined : new Error('the COPY was not read to its end')));
      return stream;
    },
    async close() {
      await pool?.end();
    },
  };
  return copier;
}

/**
 * COPY takes no bind parameters: each `$n` outside quotes becomes a literal, escaped as the
 * driver escapes them. Only the scalar types the export queries bind are accepted.
 */
export function inlineParameters({ sql, parameters }: CompiledStatement): string {
  const literal = (value: unknown): string => {
    if (typeof value === 'string') return pg.escapeLiteral(value);
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value))) return `'${String(value)}'`;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return 'null';
    if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
    throw new TypeError(`a COPY statement cannot bind a ${typeof value}`);
  };
  // Skips '…' literals and "…" identifiers (a doubled quote reads as two of them). The
  // statements given here write no E'…' strings, whose backslashes would need more.
  return sql.replace(/'[^']*'|"[^"]*"|\$(\d+)/g, (match, n: string | undefined) => {
    if (n === undefined) return match;
    const index = Number(n) - 1;
    if (index < 0 || index >= parameters.length) throw new RangeError(`no parameter ${match}`);
    return literal(parameters[index]);
  });
}
