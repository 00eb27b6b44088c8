import type { ApprovalAction } from '../approval.ts';
import type { IncomingOrder, StoreOrder } from '../order.ts';
import type { RefundFact } from '../sale-value.ts';

// What can happen to an order in the ledger. Every way into the ledger — a store's webhook, a
// custom store's PUT, a backfill, a reviewer's reject or undo — is one of these, applied by
// applyFact, whatever path carried it.
export type LedgerFact =
  /** A version of the order as a store platform reported it (Shopify, WooCommerce), refunds by id. */
  | { kind: 'order'; order: StoreOrder }
  /** A version of a custom store's order: its refunded total instead of refunds by id. */
  | { kind: 'custom_order'; order: IncomingOrder }
  /** A refund on its own (Shopify refunds/create); it may arrive before its order. */
  | { kind: 'refund'; orderExternalId: string; refund: RefundFact }
  /** The store deleted the order (WooCommerce order.deleted): canceled from `at` on. */
  | { kind: 'order_deleted'; externalId: string; at: Date }
  /** The brand asked to attribute a stored, unattributed order to a member of this campaign. */
  | { kind: 'backfill'; externalId: string; campaignId: string }
  /** The brand's review: reject, or undo a reject. */
  | { kind: 'approval'; externalId: string; action: ApprovalAction };

export const externalIdOfFact = (fact: LedgerFact): string => {
  switch (fact.kind) {
    case 'order':
    case 'custom_order':
      return fact.order.externalId;
    case 'refund':
      return fact.orderExternalId;
    default:
      return fact.externalId;
  }
};
