import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { isDatabaseAway } from '../../db/outage.ts';
import { AppError } from '../errors.ts';

// Group commit of store deliveries. Concurrent webhook requests hand their verified, parsed
// delivery here; the batcher writes all of them with one INSERT … ON CONFLICT DO NOTHING and
// one COMMIT, and only then answers each request. So every delivery is durable before its 2xx
// (PostgreSQL's default synchronous_commit), without one fsync per delivery.
//
// A batch closes as soon as a writer is free (after the requests read in the same turn of the
// event loop have joined it), or when it holds `maxItems`. So a lone delivery is written at
// once, and under load the batches grow by themselves: whatever arrives while the writers
// commit goes into the next batch, and waits at most for one commit.
//
// When the database is away (a restart, a failover) the INSERT fails as a whole: nothing of the
// batch is kept, and every delivery in it is refused as `unavailable` (503), which stores send
// again later.

export interface NewDelivery {
  accountId: string;
  storeId: string;
  deliveryId: string;
  topic: string;
  /** The facts as JSON text, or null for a dead letter. */
  facts: string | null;
  status: 'pending' | 'dead';
  reason: string | null;
  raw: Buffer | null;
}

export type Kept = 'stored' | 'duplicate';

interface Waiting {
  row: NewDelivery;
  resolve: (kept: Kept) => void;
  reject: (error: unknown) => void;
}

export interface BatcherOptions {
  /** Most deliveries in one INSERT. */
  maxItems?: number;
  /** Batches committing at once (on the embedded database its one connection takes them in turn). */
  writers?: number;
  /** Called after each commit that stored at least one pending delivery. */
  onStored?: () => void;
}

const keyOf = (r: { accountId: string; storeId: string; deliveryId: string }) => `${r.accountId}\u0000${r.storeId}\u0000${r.deliveryId}`;

export class DeliveryBatcher {
  private queue: Waiting[] = [];
  private busy = 0;
  private stored = 0;
  private scheduled = false;
  private readonly maxItems: number;
  private readonly writers: number;
  private readonly onStored: () => void;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    options: BatcherOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 500;
    this.writers = options.writers ?? 3;
    this.onStored = options.onStored ?? (() => undefined);
  }

  /** Resolves once the delivery is committed ('stored') or was already kept ('duplicate'). */
  keep(row: NewDelivery): Promise<Kept> {
    return new Promise<Kept>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** How many new pending deliveries this batcher has committed: a running total. */
  storedTotal(): number {
    return this.stored;
  }

  /** Resolves when every delivery handed over so far is committed or refused. */
  async flushed(): Promise<void> {
    while (this.queue.length > 0 || this.flushing.size > 0) await Promise.all([...this.flushing, new Promise((r) => setImmediate(r))]);
  }

  private schedule(): void {
    if (this.busy >= this.writers || this.queue.length === 0) return;
    if (this.queue.length >= this.maxItems) {
      this.start();
      return;
    }
    // Give the requests already read in this turn of the event loop a place in the batch.
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.busy < this.writers && this.queue.length > 0) this.start();
    });
  }

  private start(): void {
    const batch = this.queue.splice(0, this.maxItems);
    this.busy += 1;
    const done: Promise<void> = this.write(batch).finally(() => {
      this.busy -= 1;
      this.flushing.delete(done);
      this.schedule();
    });
    this.flushing.add(done);
  }

  private async write(batch: Waiting[]): Promise<void> {
    // A resend inside one batch: the first is written, the others are duplicates of it.
    const first = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    for (const w of batch) {
      const key = keyOf(w.row);
      if (first.has(key)) repeats.push(w);
      else first.set(key, w);
    }
    const unique = [...first.values()];
    let stored: Set<string>;
    try {
      stored = await this.insert(unique.map((w) => w.row));
    } catch (error) {
      if (isDatabaseAway(error)) {
        for (const w of batch) w.reject(new AppError('unavailable'));
        return;
      }
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad row must not refuse its neighbours: write them one by one, in arrival order.
      for (const w of batch) await this.write([w]);
      return;
    }
    for (const w of unique) w.resolve(stored.has(keyOf(w.row)) ? 'stored' : 'duplicate');
    for (const w of repeats) w.resolve('duplicate');
    const pending = unique.filter((w) => w.row.status === 'pending' && stored.has(keyOf(w.row))).length;
    this.stored += pending;
    if (pending > 0) this.onStored();
  }

  /** One INSERT, committed on its own; returns the keys of the rows it wrote. */
  private async insert(rows: NewDelivery[]): Promise<Set<string>> {
    // The batch as one JSON document: one statement text and one parameter whatever the
    // batch's size, and each row's facts (JSON text already) go in as they are, not escaped
    // again as the elements of a text array.
    const written = await sql<{ account_id: string; store_id: string; delivery_id: string }>`/* statement: deliveries.insert */
      insert into deliveries (account_id, store_id, delivery_id, topic, facts, status, reason, raw)
      select r.account_id, r.store_id, r.delivery_id, r.topic, r.facts, r.status, r.reason, decode(r.raw, 'hex')
      from jsonb_to_recordset(${batchJson(rows)}::jsonb)
        as r(account_id bigint, store_id bigint, delivery_id text, topic text, facts jsonb, status text, reason text, raw text)
      on conflict (account_id, store_id, delivery_id) do nothing
      returning account_id, store_id, delivery_id`.execute(this.db);
    return new Set(written.rows.map((w) => keyOf({ accountId: w.account_id, storeId: w.store_id, deliveryId: w.delivery_id })));
  }
}

const ID = /^[0-9]+$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// A JSON string of the text. A lone surrogate (a body can spell one with a \u escape) is
// written as U+FFFD, as the UTF-8 encoding of a plain parameter writes it; jsonb refuses it.
const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value.replace(LONE_SURROGATE, '\ufffd')));

/** The rows as a JSON array of objects (raw bytes as hex); ids must be decimal digits. */
export function batchJson(rows: readonly NewDelivery[]): string {
  const parts: string[] = [];
  for (const r of rows) {
    if (!ID.test(r.accountId) || !ID.test(r.storeId)) throw new Error('an account or store id is not a decimal id');
    parts.push(
      `{"account_id":${r.accountId},"store_id":${r.storeId},"delivery_id":${text(r.deliveryId)},"topic":${text(r.topic)},` +
        `"facts":${r.facts ?? 'null'},"status":${text(r.status)},"reason":${text(r.reason)},` +
        `"raw":${r.raw === null ? 'null' : `"${r.raw.toString('hex')}"`}}`,
    );
  }
  return `[${parts.join(',')}]`;
}
