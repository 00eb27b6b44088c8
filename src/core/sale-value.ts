// The sale value of an order (SPEC §3): the subtotal after discounts, excluding shipping and
// taxes, less what was refunded of it — and the store status that goes with it.
import { type BaseStatus, resolveOrderState, type StoreStatus } from './status.ts';

export type RefundFact = {
  /** the store's refund id; a refund known twice (order payload and refunds/create) counts once */
  id: string;
  /** what the refund took off the sale value, >= 0 (refunded line subtotals, not shipping) */
  amountMinor: bigint;
};

export type SaleStateInput = {
  base: BaseStatus;
  /** subtotal after discounts, before refunds */
  grossMinor: bigint;
  /** Shopify current_subtotal_price_set.shop_money; null where the store has no such figure */
  currentMinor: bigint | null;
  /** every refund known by id */
  refunds: readonly RefundFact[];
};

/** Σ refunds, each id once. A repeated id with a different amount is an upstream bug. */
export function refundedTotal(refunds: readonly RefundFact[]): bigint {
  const seen = new Map<string, bigint>();
  for (const refund of refunds) {
    if (refund.amountMinor < 0n) {
      throw new RangeError(`refund ${refund.id}: amountMinor must be >= 0, got ${refund.amountMinor}`);
    }
    const known = seen.get(refund.id);
    if (known === undefined) seen.set(refund.id, refund.amountMinor);
    else if (known !== refund.amountMinor) {
      throw new RangeError(`refund ${refund.id} known with two amounts: ${known} and ${refund.amountMinor}`);
    }
  }
  let total = 0n;
  for (const amount of seen.values()) total += amount;
  return total;
}

/**
 * The value before the status is applied: min(current, gross − refunds), never below 0.
 * `current` already reflects edits and the refunds Shopify had processed; gross − refunds
 * catches a refund that arrived (refunds/create) before the order update that reflects it.
 */
export function saleValueMinor(args: SaleStateInput): bigint {
  const { grossMinor, currentMinor } = args;
  if (grossMinor < 0n) throw new RangeError(`grossMinor must be >= 0, got ${grossMinor}`);
  if (currentMinor !== null && currentMinor < 0n) {
    throw new RangeError(`currentMinor must be >= 0, got ${currentMinor}`);
  }
  const refunded = refundedTotal(args.refunds);
  const afterRefunds = grossMinor > refunded ? grossMinor - refunded : 0n;
  return currentMinor !== null && currentMinor < afterRefunds ? currentMinor : afterRefunds;
}

/**
 * Status and amount of an order from its store reading and the refunds known by id.
 *
 * Only refunds count as refunded: an order edit that lowers current_subtotal lowers the value
 * but is not a refund. The status is resolveOrderState's, weighed against the value the
 * refunds came out of (value + refunds), so refunds that cover the whole (edited) value make
 * the order refunded, some refund on a paid order makes it partially_refunded, and canceled
 * wins. The returned amount is 0 when refunded or canceled.
 *
 * To feed the ledger's IncomingOrder, use grossMinor = saleValueMinor + refundedMinor: the
 * same resolveOrderState then gives back exactly this status and amount.
 */
export function saleState(args: SaleStateInput): {
  status: StoreStatus;
  amountMinor: bigint;
  refundedMinor: bigint;
} {
  const value = saleValueMinor(args);
  const refundedMinor = refundedTotal(args.refunds);
  const state = resolveOrderState({ base: args.base, grossMinor: value + refundedMinor, refundedMinor });
  return { status: state.status, amountMinor: state.amountMinor, refundedMinor };
}
