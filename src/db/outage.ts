import type pg from 'pg';

// Database outages: a PostgreSQL restart or failover drops every connection, and new ones are
// refused for a while. Tally's processes stay up through it: the pools survive their
// connections dropping, and an error that means the database is away is told apart from one
// about the work itself, since the same work succeeds once the database is back (callers
// answer 503, or try again later, instead of recording a failure).

const NODE_AWAY = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
]);

// Messages of the driver's own errors (they carry no SQLSTATE) when a connection drops or
// cannot be had.
const DRIVER_AWAY = new RegExp(
  [
    'connection terminated',
    'connection error',
    'not queryable',
    'timeout exceeded when trying to connect',
    'cannot use a pool after calling end',
    'terminating connection',
  ].join('|'),
  'i',
);

/** Whether the error means the database is away (restarting, failing over, unreachable, out of connections, disk or memory). */
export function isDatabaseAway(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  // Connection exceptions (08), insufficient resources (53), system errors (58), and the
  // server shutting down or starting (57P01–57P03).
  if (/^(08|53|58)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code) || NODE_AWAY.has(code)) return true;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  // A database refusing connections (ALTER DATABASE … ALLOW_CONNECTIONS false, as while it is
  // taken down), and a standby that is not yet the primary during a failover.
  if (code === '55000' && /not currently accepting connections/i.test(message)) return true;
  if (code === '25006') return true;
  return !/^[0-9A-Z]{5}$/.test(code) && DRIVER_AWAY.test(message);
}

/** Where a PostgreSQL connection reports that it dropped (a pino logger fits). */
export interface ConnectionLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/**
 * Makes a pool survive its connections dropping (a PostgreSQL restart or failover terminates
 * them all with 57P01). pg reports a dropped connection as an `error` event, on the pool when
 * the connection was idle and on the client itself when it was checked out between two
 * queries; an `error` event nobody listens to ends the process. The pool then discards the
 * connection and opens new ones on demand; a query that was running fails and rejects as usual.
 */
export function surviveDrops(pool: pg.Pool, log: ConnectionLog, what: string): void {
  pool.on('error', (error) => log.warn({ pool: what, code: (error as { code?: string }).code }, 'a database connection dropped'));
  pool.on('connect', (client) => client.on('error', () => undefined));
}
