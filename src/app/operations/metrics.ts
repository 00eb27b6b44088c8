import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db, PoolUse } from '../../db/connect.ts';
import { inboxBacklog } from '../inbox/backlog.ts';
import type { Settled } from '../inbox/delivery-processor.ts';
import { ANSWER_WITHIN_MS } from './readiness.ts';
import { within } from './within.ts';

// The server's figures in Prometheus's text format (GET /metrics). Labels name platforms,
// outcomes, routes and states, never an account, a store or anything a client sent, so the
// exposition holds no tenant's data and its size stays fixed.

/** What became of a store delivery: as it was received, then as the processor applied it. */
export type DeliveryOutcome =
  | 'stored'
  | 'duplicate'
  | 'ignored'
  | 'dead_letter'
  | 'rejected_signature'
  | 'unknown_store'
  | 'unavailable'
  | 'error'
  | 'applied'
  | 'failed';

export interface MetricsSources {
  db: Db;
  /** Event streams open in this process. */
  openStreams: () => number;
  /** The PostgreSQL pool's use (absent on the embedded database). */
  poolUse?: () => PoolUse;
}

// CPU, memory, event loop and garbage collection describe the process, not one server in it
// (tests build many): collected once per process, into a registry of their own.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SETTLED: Record<Settled['outcome'], DeliveryOutcome> = { done: 'applied', retry: 'failed', dead: 'dead_letter' };

export class ServerMetrics {
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly registry = new Registry();
  /** The platform of each store id seen, to label what the processor applied. */
  private readonly platforms = new Map<string, string>();
  private readonly lookups = new Set<Promise<void>>();
  private readonly deliveries: Counter<'platform' | 'outcome'>;
  private readonly applyLag: Histogram;
  private readonly requests: Histogram<'method' | 'route' | 'status'>;
  private readonly backlog: { up: Gauge; pending: Gauge; oldestDue: Gauge; dead: Gauge };

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: 'tally_deliveries_total',
      help:
        'Store deliveries by platform and outcome: as received ' +
        '(stored, duplicate, ignored, dead_letter, rejected_signature, unknown_store, unavailable, error), ' +
        'then as applied (applied, failed, dead_letter).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.applyLag = new Histogram({
      name: 'tally_delivery_apply_lag_seconds',
      help: 'From a delivery being stored to its being applied to the ledger.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.requests = new Histogram({
      name: 'tally_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    // Read by one statement on each scrape (see exposition).
    this.backlog = {
      up: new Gauge({ name: 'tally_database_up', help: '1 when the database answered this scrape, 0 when not.', registers }),
      pending: new Gauge({
        name: 'tally_inbox_pending',
        help: 'Deliveries stored and not yet applied, retries not yet due included.',
        registers,
      }),
      oldestDue: new Gauge({
        name: 'tally_inbox_oldest_due_seconds',
        help: 'How long the delivery due longest has waited to be applied.',
        registers,
      }),
      dead: new Gauge({ name: 'tally_dead_letters', help: 'Dead letters kept, waiting for a replay.', registers }),
    };
    new Gauge({
      name: 'tally_event_streams_open',
      help: 'Live event streams (GET /api/events) open in this process.',
      registers,
      collect() {
        this.set(sources.openStreams());
      },
    });
    const poolUse = sources.poolUse;
    if (poolUse) {
      const gauge = (name: string, help: string, of: (use: PoolUse) => number) =>
        new Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(of(poolUse()));
          },
        });
      gauge('tally_db_pool_connections', 'Connections the PostgreSQL pool holds, in use or idle.', (u) => u.total);
      gauge('tally_db_pool_idle_connections', 'Connections of the PostgreSQL pool that are idle.', (u) => u.idle);
      gauge('tally_db_pool_waiting_queries', 'Queries waiting for a connection of the PostgreSQL pool.', (u) => u.waiting);
    }
  }

  /** A delivery answered by the webhook endpoint of `platform` (its store's id when it was found). */
  received(platform: string, storeId: string | null, outcome: DeliveryOutcome): void {
    if (storeId !== null) this.platforms.set(storeId, platform);
    this.deliveries.inc({ platform, outcome });
  }

  /** Deliveries the processor settled, in a transaction that committed. */
  settled(settled: readonly Settled[]): void {
    const now = Date.now();
    for (const s of settled) if (s.outcome === 'done') this.applyLag.observe(Math.max(0, (now - s.receivedAt.getTime()) / 1000));
    const unknown = [...new Set(settled.map((s) => s.storeId).filter((id) => !this.platforms.has(id)))];
    const count = () => {
      for (const s of settled) this.deliveries.inc({ platform: this.platforms.get(s.storeId) ?? 'unknown', outcome: SETTLED[s.outcome] });
    };
    if (unknown.length === 0) {
      count();
      return;
    }
    // Stored by another process (or before this one started): its platform is read once.
    const lookup = this.sources.db
      .selectFrom('stores')
      .select(['id', 'platform'])
      .where('id', 'in', unknown)
      .execute()
      .then((rows) => {
        for (const r of rows) this.platforms.set(r.id, r.platform);
      })
      .catch(() => undefined)
      .then(count)
      .finally(() => this.lookups.delete(lookup));
    this.lookups.add(lookup);
  }

  /** One HTTP request answered: its route pattern (never the URL), method and status. */
  request(method: string, route: string | undefined, status: number, seconds: number): void {
    this.requests.observe({ method: METHODS.has(method) ? method : 'other', route: route ?? 'unmatched', status: String(status) }, seconds);
  }

  /** The text exposition: the process's default metrics, then this server's. */
  async exposition(): Promise<string> {
    await Promise.all([...this.lookups]);
    const backlog = await within(
      inboxBacklog(this.sources.db).catch(() => null),
      ANSWER_WITHIN_MS,
    );
    if (backlog === null || backlog === 'late') {
      // Left at their last values: the database did not say.
      this.backlog.up.set(0);
    } else {
      this.backlog.up.set(1);
      this.backlog.pending.set(backlog.pending);
      this.backlog.oldestDue.set(backlog.oldestDueSeconds);
      this.backlog.dead.set(backlog.dead);
    }
    return (await processMetrics().metrics()) + (await this.registry.metrics());
  }
}
