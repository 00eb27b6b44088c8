import type { Approval } from '../approval.ts';
import type { Attribution } from '../attribution.ts';
import type { Terms } from '../commission.ts';
import type { RateLookup } from '../fx-convert.ts';
import type { RefundFact } from '../sale-value.ts';
import type { BaseStatus, StoreStatus } from '../status.ts';

// The ledger's stored state of one order, as plain data: what applyFact reads and returns.

/** An order as the ledger keeps it: the store's latest version and what the rules made of it. */
export interface OrderRecord {
  externalId: string;
  number: string;
  /** When the store says the order was placed; kept from the first version the ledger saw. */
  placedAt: Date;
  /** The store's updated_at of the kept version: an older version never replaces it. */
  updatedAt: Date;
  currency: string;
  base: BaseStatus;
  /** Sale value before refunds (value + refunded), in minor units. */
  grossMinor: bigint;
  refundedMinor: bigint;
  status: StoreStatus;
  /** The sale value: gross less refunds, 0 when refunded or canceled. */
  amountMinor: bigint;
  codes: string[];
  ref: string | null;
  country: string | null;
  /**
   * The store's own subtotal and current subtotal of the kept version (Shopify, WooCommerce), so
   * the value can be figured again when a refund arrives on its own. Null for custom stores.
   */
  subtotalMinor: bigint | null;
  currentMinor: bigint | null;
}

/** A conversion's derived figures in the account's default currency (SPEC §3, §4). */
export interface ConversionFigures {
  fxMissing: boolean;
  convertedMinor: bigint | null;
  commissionMinor: bigint | null;
  counted: boolean;
}

export interface ConversionRecord {
  attribution: Attribution;
  /** The order's placed_at: the day its rates are read for. */
  orderDate: Date;
  currency: string;
  status: StoreStatus;
  approval: Approval;
  amountMinor: bigint;
  /** The terms in force when the conversion was opened: later changes apply to new ones only. */
  terms: Terms;
  figures: ConversionFigures;
}

export interface LedgerState {
  order: OrderRecord | null;
  /** Every refund of the order known by id, in the order they became known; the first amount of an id counts. */
  refunds: readonly RefundFact[];
  conversion: ConversionRecord | null;
  /** When the store deleted the order, if it did: from then on it counts as canceled, whatever version comes. */
  deletedAt: Date | null;
}

export const EMPTY_STATE: LedgerState = { order: null, refunds: [], conversion: null, deletedAt: null };

/** A new order's member and the terms it snapshots. */
export interface Decision {
  attribution: Attribution;
  terms: Terms;
}

/** What the rules read besides the order's own state; loaded by the caller. */
export interface LedgerContext {
  defaultCurrency: string;
  rates: RateLookup;
  /**
   * The member an order goes to, by the codes and links known now (or, in a rebuild, as it was
   * decided when the order first came), with the terms in force; null when none.
   */
  decide(order: { codes: readonly string[]; ref: string | null; createdAt: Date }): Decision | null;
}
