import type { StoreOrder } from '../core/order.ts';
import type { RefundFact } from '../core/sale-value.ts';
import type { BaseStatus } from '../core/status.ts';

// What a delivery tells the ledger, reduced to the fields the rules read. This is what is kept
// of every accepted delivery, so the ledger can be rebuilt from the kept deliveries.
export type DeliveryFacts =
  | { kind: 'order'; order: StoreOrder }
  | { kind: 'refund'; orderExternalId: string; refund: RefundFact }
  | { kind: 'order_deleted'; externalId: string };

/**
 * A topic handler's verdict on a signed body: facts to keep and apply, `null` facts for a topic
 * that is acknowledged with nothing to keep, or the reason it cannot be processed.
 */
export type TopicResult = { ok: true; facts: DeliveryFacts | null } | { ok: false; reason: string };

export type TopicHandler = (body: Buffer, store: { currency: string }) => TopicResult;

export function sameCurrency(order: StoreOrder, store: { currency: string }): TopicResult {
  if (order.currency !== store.currency) {
    return { ok: false, reason: `the order is in ${order.currency} but the store is set to ${store.currency}` };
  }
  return { ok: true, facts: { kind: 'order', order } };
}

const refundJson = (r: RefundFact) => ({ id: r.id, amountMinor: r.amountMinor.toString() });
const refundOf = (r: { id: string; amountMinor: string }): RefundFact => ({ id: r.id, amountMinor: BigInt(r.amountMinor) });

/** JSON for the deliveries table: bigints as decimal text, instants as ISO strings. */
export function factsToJson(facts: DeliveryFacts): string {
  if (facts.kind !== 'order') return JSON.stringify(facts.kind === 'refund' ? { ...facts, refund: refundJson(facts.refund) } : facts);
  const o = facts.order;
  return JSON.stringify({
    kind: 'order',
    order: {
      ...o,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
      grossMinor: o.grossMinor.toString(),
      currentMinor: o.currentMinor?.toString() ?? null,
      refunds: o.refunds.map(refundJson),
    },
  });
}

type OrderJson = Omit<StoreOrder, 'createdAt' | 'updatedAt' | 'grossMinor' | 'currentMinor' | 'refunds' | 'base'> & {
  createdAt: string;
  updatedAt: string;
  grossMinor: string;
  currentMinor: string | null;
  refunds: Array<{ id: string; amountMinor: string }>;
  base: BaseStatus;
};

export function factsFromJson(value: unknown): DeliveryFacts {
  const facts = value as
    | { kind: 'order'; order: OrderJson }
    | { kind: 'refund'; orderExternalId: string; refund: { id: string; amountMinor: string } }
    | { kind: 'order_deleted'; externalId: string };
  if (facts.kind === 'refund') return { ...facts, refund: refundOf(facts.refund) };
  if (facts.kind === 'order_deleted') return facts;
  const o = facts.order;
  return {
    kind: 'order',
    order: {
      ...o,
      createdAt: new Date(o.createdAt),
      updatedAt: new Date(o.updatedAt),
      grossMinor: BigInt(o.grossMinor),
      currentMinor: o.currentMinor === null ? null : BigInt(o.currentMinor),
      refunds: o.refunds.map(refundOf),
    },
  };
}
