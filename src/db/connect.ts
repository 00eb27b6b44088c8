import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type CopyOut, createCopyOut } from './copy-out.ts';
import { type ConnectionLog, surviveDrops } from './outage.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface Connection {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Calls `onNotify` for each NOTIFY on the channel, from any process; resolves to an unlisten. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** COPY out, on PostgreSQL: the fast path of large exports; absent on the embedded database. */
  copyOut?: CopyOut;
  /** The connection pool's use right now, on PostgreSQL (the embedded database has one connection). */
  poolUse?: () => PoolUse;
  close(): Promise<void>;
}

export interface PoolUse {
  /** Connections open, idle or in use. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

// Both drivers return these types as text, so int8 ids and sums never pass through a JS
// number and a date column stays the calendar day it names.
export const INT8 = 20;
export const NUMERIC = 1700;
export const DATE = 1082;
export const asText = (value: string) => value;

export async function connectPostgres(url: string, options: { max?: number; log?: ConnectionLog } = {}): Promise<Connection> {
  const log = options.log ?? { warn: () => undefined, info: () => undefined };
  const parsers = new Map<number, (value: string) => unknown>([
    [INT8, asText],
    [NUMERIC, asText],
    [DATE, asText],
  ]);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers.get(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  surviveDrops(pool, log, 'queries');
  pool.on('connect', (client) => prepareMarkedStatements(client));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const copier = createCopyOut(url, log);
  return {
    db,
    kind: 'postgres',
    copyOut: copier,
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify, log),
    async close() {
      await copier.close();
      await db.destroy();
    },
  };
}

// A statement whose text starts with `/* statement: NAME */` is sent as a
// named prepared statement: each connection parses it once, and after a few runs PostgreSQL
// keeps its plan instead of planning it on every run. Only fixed statement texts are marked
// (those passing their rows as column arrays), so a connection holds a handful of them.
const MARKED = /^\s*\/\* statement: ([a-z0-9_.-]+) \*\//;

const names = new Map<string, string | null>();

/** The name of a marked statement's text: its mark and a hash of the text, so one name is never given two texts. */
export function statementName(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    const mark = MARKED.exec(text)?.[1];
    name = mark === undefined ? null : `${mark}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    // Marked texts are few and fixed; others are not kept.
    if (name !== null) names.set(text, name);
  }
  return name;
}

function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? statementName(text) : null;
    return name === null ? query(...args) : query({ name, text, values });
  };
}

// LISTEN needs a session of its own, kept open. When it drops (a restart, a failover), new
// ones are tried after 0.25 s, then twice as long each time up to 10 s, until one opens; the
// listener is then told once, since notifications may have been missed meanwhile.
const LISTEN_RETRY_FIRST_MS = 250;
const LISTEN_RETRY_MAX_MS = 10_000;

async function listenPostgres(url: string, channel: string, onNotify: () => void, log: ConnectionLog): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = LISTEN_RETRY_FIRST_MS;
  const open = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    // Only the session in use reconnects: errors of one still opening reject open() instead,
    // and a dropped session may report more than one error.
    next.on('error', (error) => {
      if (client !== next) return;
      client = null;
      void next.end().catch(() => undefined);
      log.warn({ code: (error as { code?: string }).code }, 'the LISTEN connection dropped; reconnecting');
      reconnect();
    });
    try {
      await next.connect();
      await next.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) await next.end().catch(() => undefined);
    else client = next;
  };
  const reconnect = (): void => {
    if (stopped) return;
    retry = setTimeout(() => {
      open().then(
        () => {
          if (stopped) return;
          delay = LISTEN_RETRY_FIRST_MS;
          log.info({}, 'the LISTEN connection is open again');
          onNotify();
        },
        () => {
          delay = Math.min(delay * 2, LISTEN_RETRY_MAX_MS);
          reconnect();
        },
      );
    }, delay);
    retry.unref();
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
