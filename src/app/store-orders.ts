import { sql } from 'kysely';
import { incomingFromStore, type StoreOrder } from '../core/order.ts';
import type { RefundFact } from '../core/sale-value.ts';
import type { BaseStatus } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import { type IngestResult, ingestOrder } from './ingest-order.ts';

// Webhook facts applied to the ledger, one order at a time: each use case takes a transaction
// lock on the order's key first, so deliveries of one order never interleave, whichever
// process or request carries them. Every write below has a natural key, so applying the same
// fact twice changes nothing.

export type Target = { accountId: string; storeId: string };

/** The key of an order's lock; a transaction that locks several orders takes them in its order. */
export const orderLockKey = ({ accountId, storeId }: Target, externalId: string) => `${accountId}:${storeId}:${externalId}`;

export async function lockOrder(trx: Db, target: Target, externalId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${orderLockKey(target, externalId)}, 0))`.execute(trx);
}

async function saveRefunds(trx: Db, { accountId, storeId }: Target, externalId: string, refunds: readonly RefundFact[]): Promise<number> {
  let added = 0;
  for (const refund of refunds) {
    const row = await trx
      .insertInto('refunds')
      .values({ account_id: accountId, store_id: storeId, refund_id: refund.id, order_external_id: externalId, amount_minor: refund.amountMinor.toString() })
      .onConflict((oc) => oc.columns(['account_id', 'store_id', 'refund_id']).doNothing())
      .returning('refund_id')
      .executeTakeFirst();
    if (row) added += 1;
  }
  return added;
}

async function knownRefunds(trx: Db, { accountId, storeId }: Target, externalId: string): Promise<RefundFact[]> {
  const rows = await trx
    .selectFrom('refunds')
    .select(['refund_id', 'amount_minor'])
    .where('account_id', '=', accountId)
    .where('store_id', '=', storeId)
    .where('order_external_id', '=', externalId)
    .execute();
  return rows.map((r) => ({ id: r.refund_id, amountMinor: BigInt(r.amount_minor) }));
}

/** The stored latest version of an order, as the store reported it. */
async function storedOrder(trx: Db, { accountId, storeId }: Target, externalId: string): Promise<StoreOrder | null> {
  const o = await trx
    .selectFrom('orders')
    .select(['number', 'placed_at', 'store_updated_at', 'currency', 'base_status', 'subtotal_minor', 'current_minor', 'codes', 'ref', 'country'])
    .where('account_id', '=', accountId)
    .where('store_id', '=', storeId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return o ? orderVersionFromRow(externalId, o) : null;
}

/** The stored columns of an order that make up its latest version as the store reported it. */
export interface OrderVersionRow {
  number: string;
  placed_at: Date;
  store_updated_at: Date;
  currency: string;
  base_status: string;
  subtotal_minor: string | null;
  current_minor: string | null;
  codes: string[];
  ref: string | null;
  country: string | null;
}

/** An order's stored latest version; null for an order stored before its subtotal was kept. */
export function orderVersionFromRow(externalId: string, o: OrderVersionRow): StoreOrder | null {
  if (o.subtotal_minor === null) return null;
  return {
    externalId,
    number: o.number,
    createdAt: o.placed_at,
    updatedAt: o.store_updated_at,
    currency: o.currency,
    base: o.base_status as BaseStatus,
    grossMinor: BigInt(o.subtotal_minor),
    currentMinor: o.current_minor === null ? null : BigInt(o.current_minor),
    refunds: [],
    codes: o.codes,
    ref: o.ref,
    country: o.country,
  };
}

/** A version of an order (Shopify orders/*, WooCommerce order.created/updated). */
export async function applyStoreOrder(trx: Db, target: Target, order: StoreOrder): Promise<IngestResult> {
  await lockOrder(trx, target, order.externalId);
  await saveRefunds(trx, target, order.externalId, order.refunds);
  // The first amount stored for a refund id is the one that counts.
  const refunds = await knownRefunds(trx, target, order.externalId);
  return ingestOrder(trx, target, incomingFromStore({ ...order, refunds: [] }, refunds));
}

/**
 * A refund on its own (Shopify refunds/create). It is kept by id; when the order is known its
 * value is figured again at once, otherwise the order counts it when it arrives.
 */
export async function applyRefund(
  trx: Db,
  target: Target,
  fact: { orderExternalId: string; refund: RefundFact },
): Promise<'applied' | 'waiting' | 'duplicate'> {
  await lockOrder(trx, target, fact.orderExternalId);
  if ((await saveRefunds(trx, target, fact.orderExternalId, [fact.refund])) === 0) return 'duplicate';
  const order = await storedOrder(trx, target, fact.orderExternalId);
  if (!order) return 'waiting';
  await ingestOrder(trx, target, incomingFromStore(order, await knownRefunds(trx, target, fact.orderExternalId)));
  return 'applied';
}

/** A deleted order (WooCommerce order.deleted) counts as canceled from the moment of deletion. */
export async function applyDeletion(trx: Db, target: Target, fact: { externalId: string; at: Date }): Promise<'applied' | 'unknown'> {
  await lockOrder(trx, target, fact.externalId);
  const order = await storedOrder(trx, target, fact.externalId);
  if (!order) return 'unknown';
  const updatedAt = fact.at > order.updatedAt ? fact.at : order.updatedAt;
  await ingestOrder(trx, target, incomingFromStore({ ...order, base: 'canceled', updatedAt }, await knownRefunds(trx, target, fact.externalId)));
  return 'applied';
}
