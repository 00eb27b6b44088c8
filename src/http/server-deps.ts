import type { FastifyBaseLogger } from 'fastify';
import type { RetryPolicy } from '../app/inbox/delivery-processor.ts';
import type { Config } from '../config.ts';
import type { Connection, Db } from '../db/connect.ts';

// What buildServer takes, in a file of its own: the route plugins read it without importing the
// server that registers them.
export interface ServerDeps {
  db: Db;
  /** LISTEN on the database, for live events across every server process. */
  listen: Connection['listen'];
  /** COPY out for large exports, on PostgreSQL (Connection.copyOut). */
  copyOut?: Connection['copyOut'];
  /** The PostgreSQL pool's use, for /metrics (Connection.poolUse). */
  poolUse?: Connection['poolUse'];
  config: Config;
  logger?: FastifyBaseLogger | boolean;
  /**
   * How often the processor looks for pending deliveries besides its own (left by a crash, a
   * database error, or stored by another process); 0 = never.
   */
  sweepIntervalMs?: number;
  /** Batches of deliveries applied at once; more than 1 only on PostgreSQL (a pool of connections). */
  processorWorkers?: number;
  /** Attempts and backoff of a delivery that fails while it is applied (tests shorten them). */
  deliveryRetry?: Partial<RetryPolicy>;
  /** How often an idle event stream gets a heartbeat, so proxies keep it open. */
  heartbeatMs?: number;
}
