import type { LedgerFact } from '../../core/ledger/facts.ts';
import type { IncomingOrder } from '../../core/order.ts';
import type { BaseStatus } from '../../core/status.ts';
import { type DeliveryFacts, factsFromJson, factsToJson } from '../../stores/facts.ts';

// Facts as the deliveries table keeps them (jsonb): bigints as decimal text, instants as ISO
// strings. Store deliveries keep their facts in the form of src/stores/facts.ts; the other ways
// into the ledger (a custom store's PUT, a backfill) add their own kinds here.

/** What a kept delivery holds: a store's facts, a custom order, or a backfill. */
export type KeptFacts = DeliveryFacts | Extract<LedgerFact, { kind: 'custom_order' | 'backfill' }>;

export function keptFactsToJson(facts: KeptFacts): string {
  if (facts.kind === 'backfill') return JSON.stringify(facts);
  if (facts.kind !== 'custom_order') return factsToJson(facts);
  const o = facts.order;
  return JSON.stringify({
    kind: 'custom_order',
    order: {
      ...o,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
      grossMinor: o.grossMinor.toString(),
      refundedMinor: o.refundedMinor.toString(),
    },
  });
}

export function keptFactsFromJson(value: unknown): KeptFacts {
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'backfill') return value as Extract<KeptFacts, { kind: 'backfill' }>;
  if (kind !== 'custom_order') return factsFromJson(value);
  const o = (value as { order: Record<string, unknown> }).order;
  const order: IncomingOrder = {
    externalId: String(o.externalId),
    number: String(o.number),
    createdAt: new Date(String(o.createdAt)),
    updatedAt: new Date(String(o.updatedAt)),
    currency: String(o.currency),
    grossMinor: BigInt(String(o.grossMinor)),
    refundedMinor: BigInt(String(o.refundedMinor)),
    base: o.base as BaseStatus,
    codes: o.codes as string[],
    ref: (o.ref as string | null) ?? null,
    country: (o.country as string | null) ?? null,
  };
  return { kind: 'custom_order', order };
}

/** A kept delivery's facts as the core's fact; a deletion counts from when it was received. */
export function ledgerFactOf(facts: KeptFacts | LedgerFact, receivedAt: Date): LedgerFact {
  if (facts.kind === 'order_deleted' && !('at' in facts)) return { ...facts, at: receivedAt };
  return facts as LedgerFact;
}
