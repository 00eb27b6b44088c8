import { applyFact } from '../../core/ledger/apply-fact.ts';
import { externalIdOfFact, type LedgerFact } from '../../core/ledger/facts.ts';
import type { Db } from '../../db/connect.ts';
import { type KeptFacts, ledgerFactOf } from './kept-facts.ts';
import { type Deciding, type FactAt, loadBatch, orderKey, refundKey } from './load-batch.ts';
import { type OrderWrites, writeBatch } from './write-batch.ts';

// The ledger's one write path: load → decide → write. Whatever carries a fact into the ledger
// (the processor's batch of webhook deliveries, a custom store's PUT, a backfill, a reject or
// an undo, the demo, a rebuild) calls applyBatch; a single fact is a batch of one. Loading and
// writing are set-based (a fixed number of statements per batch); deciding is the core's
// applyFact, fact by fact, in the order given.

export interface BatchDelivery {
  accountId: string;
  storeId: string;
  facts: KeptFacts | LedgerFact;
  receivedAt: Date;
  /** Who reviewed, and why, for an approval fact's audit entry. */
  review?: { actor: string; reason: string | null };
}

export interface Applied {
  orderId: string | null;
  conversionId: string | null;
  /** Whether this fact changed anything (false for a stale version, a duplicate refund…). */
  changed: boolean;
}

export interface ApplyOptions {
  /** How new orders are attributed: by what is known now (the default) or as recorded (a rebuild). */
  deciding?: Deciding;
  /**
   * The caller holds the account row FOR UPDATE (lockAccount: work on a whole account, in one
   * transaction): the orders' own locks are not taken. The facts must be of that account.
   */
  accountLocked?: boolean;
}

/** Applies the facts, in the order given, in the caller's transaction. */
export async function applyBatch(trx: Db, deliveries: readonly BatchDelivery[], options: ApplyOptions = {}): Promise<Applied[]> {
  if (deliveries.length === 0) return [];
  const facts: FactAt[] = deliveries.map((d) => {
    const fact = ledgerFactOf(d.facts, d.receivedAt);
    return { accountId: d.accountId, storeId: d.storeId, externalId: externalIdOfFact(fact), fact };
  });
  const deciding = options.deciding ?? { kind: 'live' };
  const batch = await loadBatch(trx, facts, deciding, options.accountLocked ?? false);

  const writes = new Map<string, OrderWrites>();
  const changed: boolean[] = [];
  for (const [i, f] of facts.entries()) {
    const key = orderKey(f.accountId, f.storeId, f.externalId);
    const order = batch.orders.get(key)!;
    let w = writes.get(key);
    if (!w) {
      w = { order, refundsAdded: [], orderChanged: false, deletedAt: null, conversion: null, approvals: [] };
      writes.set(key, w);
    }
    const fact = withoutForeignRefunds(f, batch.foreignRefunds);
    if (fact === null) {
      changed.push(false);
      continue;
    }
    const outcome = applyFact(order.state, fact, {
      defaultCurrency: batch.defaultCurrency.get(f.accountId)!,
      rates: batch.rates(f.accountId),
      decide: (o) => batch.decide(f, o),
    });
    order.state = outcome.state;
    w.refundsAdded.push(...outcome.refundsAdded);
    w.orderChanged ||= outcome.orderChanged;
    w.deletedAt ??= outcome.deletedAt;
    // A conversion opened in this batch is inserted with its last state; one stored before is updated.
    if (outcome.conversion === 'opened') w.conversion = 'opened';
    else if (outcome.conversion === 'changed' && w.conversion === null) w.conversion = order.conversionId === null ? 'opened' : 'changed';
    const delivery = deliveries[i]!;
    if (outcome.approval !== null) {
      w.approvals.push({ ...outcome.approval, actor: delivery.review?.actor ?? 'system', reason: delivery.review?.reason ?? null });
    }
    changed.push(outcome.orderChanged || outcome.conversion !== null || outcome.refundsAdded.length > 0 || outcome.deletedAt !== null);
  }

  await writeBatch(trx, [...writes.values()]);
  return facts.map((f, i) => {
    const order = batch.orders.get(orderKey(f.accountId, f.storeId, f.externalId))!;
    return { orderId: order.orderId, conversionId: order.conversionId, changed: changed[i]! };
  });
}

/** A refund id stored with another order of the store is that order's: it does not count here. */
function withoutForeignRefunds(f: FactAt, foreign: ReadonlySet<string>): LedgerFact | null {
  if (foreign.size === 0) return f.fact;
  const isForeign = (id: string) => foreign.has(refundKey(f.accountId, f.storeId, id));
  if (f.fact.kind === 'order')
    return { ...f.fact, order: { ...f.fact.order, refunds: f.fact.order.refunds.filter((r) => !isForeign(r.id)) } };
  if (f.fact.kind === 'refund' && isForeign(f.fact.refund.id)) return null;
  return f.fact;
}
