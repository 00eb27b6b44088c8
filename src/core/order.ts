import type { RefundFact } from './sale-value.ts';
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
