import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { type DeliveryFacts, factsFromJson } from '../stores/facts.ts';
import { applyBatch } from './apply-batch.ts';
import { processDelivery } from './deliveries.ts';
import { orderLockKey } from './ledger/lock-orders.ts';

// Applies stored deliveries to the ledger, in batches. A batch claims pending deliveries
// FOR UPDATE SKIP LOCKED (so any number of server processes share the work without a
// coordinator), marking them done in the same statement, applies them grouped by order with
// the same rules as one delivery (apply-batch.ts: a fixed number of statements per batch) and
// commits once. Orders are locked in one global order (their lock key), so two batches never
// wait on each other in a cycle. If anything in a batch fails, the batch is rolled back (its
// deliveries are pending again) and they are applied one by one, each in its own
// transaction: a delivery that cannot be applied becomes a dead letter, the others go through.

interface Claimed {
  accountId: string;
  id: string;
  storeId: string;
  facts: DeliveryFacts;
  receivedAt: Date;
}

const externalIdOf = (facts: DeliveryFacts) =>
  facts.kind === 'order' ? facts.order.externalId : facts.kind === 'refund' ? facts.orderExternalId : facts.externalId;

// The moment a fact speaks for: an order version its store updated_at; a refund or a deletion
// when it was received. The rules give the same result in any order; this one avoids
// overwriting a version with an older one only to have it overwritten again.
const momentOf = (d: Claimed) => (d.facts.kind === 'order' ? d.facts.order.updatedAt.getTime() : d.receivedAt.getTime());

/** The claimed deliveries, grouped by order in lock order, each group in store updated_at order. */
export function inApplyOrder(claimed: readonly Claimed[]): Claimed[] {
  const keyed = claimed.map((d) => ({ d, key: orderLockKey({ accountId: d.accountId, storeId: d.storeId }, externalIdOf(d.facts)) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : momentOf(a.d) - momentOf(b.d) || Number(BigInt(a.d.id) - BigInt(b.d.id))));
  return keyed.map((k) => k.d);
}

/** Claims up to `limit` pending deliveries and applies them; returns how many it settled (done or dead). */
export async function processPendingBatch(db: Db, limit: number): Promise<number> {
  let claimed: Array<Omit<Claimed, 'facts'> & { facts: unknown }> = [];
  try {
    await db.transaction().execute(async (trx) => {
      // Claimed and marked done in one statement: if the batch fails, the rollback makes them pending again.
      const rows = await sql<{ account_id: string; id: string; store_id: string; facts: unknown; received_at: Date }>`/* statement: deliveries.claim */
        update deliveries d set status = 'done', processed_at = now()
        from (select account_id, id from deliveries where status = 'pending' order by id limit ${limit} for update skip locked) p
        where d.account_id = p.account_id and d.id = p.id
        returning d.account_id, d.id, d.store_id, d.facts, d.received_at`.execute(trx);
      claimed = rows.rows.map((r) => ({ accountId: r.account_id, id: r.id, storeId: r.store_id, facts: r.facts, receivedAt: r.received_at }));
      if (claimed.length === 0) return;
      const parsed = claimed.map((d) => ({ ...d, facts: factsFromJson(d.facts) }));
      await applyBatch(trx, inApplyOrder(parsed));
    });
    return claimed.length;
  } catch (error) {
    // The claim itself failed (the database is away): nothing was taken, the sweeper tries again.
    if (claimed.length === 0) throw error;
    let settled = 0;
    for (const d of claimed) {
      const outcome = await processDelivery(db, d.accountId, d.id).catch(() => 'pending' as const);
      if (outcome === 'done' || outcome === 'dead') settled += 1;
    }
    return settled;
  }
}

export interface ProcessorOptions {
  /** Most deliveries claimed and applied in one transaction. */
  batchSize?: number;
  /**
   * Batches applied at once, each in its own transaction on its own connection (they claim
   * disjoint deliveries). 1 on the embedded database, which has one connection.
   */
  workers?: number;
  /**
   * The inbox's running count of the pending deliveries it stored (`DeliveryBatcher.storedTotal`).
   * While it grows during full batches, the inbox goes first: see `DeliveryProcessor`.
   */
  inboxStored?: () => number;
  onError?: (error: unknown) => void;
}

/** The longest rest between two batches during a burst. */
const MAX_REST_MS = 1_000;

/**
 * One per server process: woken after each commit of stored deliveries and by the sweeper's
 * interval, it applies batches until nothing it can claim is left. A wake starts a worker when
 * none runs; a worker that claimed a full batch (a backlog) brings in another, up to `workers`.
 * More workers than the backlog needs would only split it into smaller batches that wait on
 * each other (they update the same rollup rows), so a worker that claimed less than a full batch
 * stops while another runs. The last worker stops when a claim finds nothing and no wake came
 * since the claim began.
 *
 * The inbox goes first. A burst is answered at the speed of the inbox and applied at the speed
 * of the ledger, and both share the machine (this process's event loop, the database's CPU).
 * During a burst (a batch claimed full, so a backlog, while the inbox stored more deliveries)
 * one worker applies, and after each batch it rests as long as the batch took. So the ledger
 * takes about half of the time it would otherwise, it never stops, and it applies the backlog
 * at full speed once the burst ends. A steady stream the ledger keeps up with never fills a
 * batch, and is applied as it comes.
 */
export class DeliveryProcessor {
  private readonly loops = new Set<Promise<void>>();
  // Workers between their start and their last decision; a worker leaves this count as it
  // decides to stop, before its promise settles, so a wake or a worker deciding at the same
  // moment sees it gone.
  private active = 0;
  private wakes = 0;
  private stopping = false;
  private readonly batchSize: number;
  private readonly workers: number;
  private readonly inboxStored: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly resting = new Set<() => void>();

  constructor(
    private readonly db: Db,
    options: ProcessorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.workers = options.workers ?? 1;
    this.inboxStored = options.inboxStored ?? (() => 0);
    this.onError = options.onError ?? (() => undefined);
  }

  wake(): void {
    if (this.stopping) return;
    this.wakes += 1;
    if (this.active === 0) this.spawn();
  }

  /** Resolves once this process has applied every pending delivery it could claim. */
  async settle(): Promise<void> {
    this.wake();
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  /** Finishes the batches in hand and takes no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const end of [...this.resting]) end();
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  private spawn(): void {
    this.active += 1;
    const loop: Promise<void> = this.loop().finally(() => this.loops.delete(loop));
    this.loops.add(loop);
  }

  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.resting.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.resting.add(end);
    });
  }

  private async loop(): Promise<void> {
    // The finally runs as a return is taken, in the same turn: the worker is no longer counted
    // by the time anything else runs.
    try {
      while (!this.stopping) {
        const seen = this.wakes;
        const started = performance.now();
        const storedBefore = this.inboxStored();
        let settled: number;
        try {
          settled = await processPendingBatch(this.db, this.batchSize);
        } catch (error) {
          // The database is away: the sweeper's next wake tries again.
          this.onError(error);
          return;
        }
        // A burst: a backlog (a full batch) while more deliveries keep coming in.
        if (settled >= this.batchSize && this.inboxStored() > storedBefore) {
          if (this.active > 1) return; // one worker is enough while the inbox goes first
          await this.rest(Math.min(performance.now() - started, MAX_REST_MS));
          continue;
        }
        if (settled >= this.batchSize && this.active < this.workers) this.spawn();
        else if (settled < this.batchSize && this.active > 1) return; // the backlog is gone: one worker keeps up
        if (settled === 0 && this.wakes === seen) return;
      }
    } finally {
      this.active -= 1;
    }
  }
}
