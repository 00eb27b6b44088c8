import { type RefundFact, refundedTotal, saleValueMinor } from './sale-value.ts';
import type { BaseStatus } from './status.ts';

// An order as a store reported it, reduced to the fields the rules read. Every platform's
// parser produces this; the ingestion path takes nothing else.
export interface IncomingOrder {
  externalId: string;
  number: string;
  createdAt: Date;
  updatedAt: Date;
  currency: string;
  /** sale value before refunds, in minor units of `currency` */
  grossMinor: bigint;
  /** what was refunded of the sale value, >= 0 */
  refundedMinor: bigint;
  base: BaseStatus;
  codes: string[];
  ref: string | null;
  country: string | null;
  /**
   * The store's own subtotal and current subtotal of this version (Shopify, WooCommerce), kept
   * so the value can be figured again when a refund arrives on its own. Absent for custom stores.
   */
  storeFigures?: { subtotalMinor: bigint; currentMinor: bigint | null };
}

/**
 * An order as a platform parser reads it (Shopify, WooCommerce), before the sale-value rule
 * (saleState) weighs its refunds. Refunds are kept one by one, by id, so a refund that also
 * arrives on its own (Shopify refunds/create) can be counted once.
 */
export interface StoreOrder {
  externalId: string;
  number: string;
  createdAt: Date;
  updatedAt: Date;
  currency: string;
  base: BaseStatus;
  /** subtotal after discounts, before refunds, excluding shipping and taxes */
  grossMinor: bigint;
  /** Shopify's current_subtotal (reflects edits and refunds); null where the store has none */
  currentMinor: bigint | null;
  refunds: RefundFact[];
  codes: string[];
  ref: string | null;
  country: string | null;
}

/**
 * The ledger's view of a store order, given every refund known by id (from this version and
 * from refunds that arrived on their own): gross = value + refunds, so the ledger's
 * resolveOrderState gives the status and amount the sale-value rule says.
 */
export function incomingFromStore(order: StoreOrder, knownRefunds: readonly RefundFact[]): IncomingOrder {
  const refunds = [...order.refunds, ...knownRefunds];
  const input = { base: order.base, grossMinor: order.grossMinor, currentMinor: order.currentMinor, refunds };
  const refundedMinor = refundedTotal(refunds);
  return {
    externalId: order.externalId,
    number: order.number,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    currency: order.currency,
    grossMinor: saleValueMinor(input) + refundedMinor,
    refundedMinor,
    base: order.base,
    codes: order.codes,
    ref: order.ref,
    country: order.country,
    storeFigures: { subtotalMinor: order.grossMinor, currentMinor: order.currentMinor },
  };
}
