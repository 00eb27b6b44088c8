import { type Approval, transitionApproval } from '../approval.ts';
import { type IncomingOrder, incomingFromStore, type StoreOrder } from '../order.ts';
import type { RefundFact } from '../sale-value.ts';
import { resolveOrderState } from '../status.ts';
import type { LedgerFact } from './facts.ts';
import { figureConversion } from './figure-conversion.ts';
import type { ConversionRecord, Decision, LedgerContext, LedgerState, OrderRecord } from './state.ts';

// The ledger's rules for one order, in one place: the stored state of an order and its
// conversion, plus one fact, give the new state. Every path into the ledger (the batch of
// webhook deliveries, a custom store's PUT, a backfill, a reject or an undo, the demo, a
// rebuild) loads the state, calls this, and writes what changed; none restates a rule.
//
// The rules, in the order a reader looks for them:
// - an order's state never goes back to a strictly older version (store updated_at); the
//   placed_at of the first version the ledger saw is kept;
// - refunds count once each, by id, whichever fact brought them (the order's payload or a
//   refund on its own, before or after the order): the first amount stored for an id wins;
// - a refund that arrives before its order is kept and counts when the order comes;
// - a deletion counts as canceled from the moment it was received, for good: a version that
//   comes after it (or one that was on its way) is kept, canceled; one that arrives before its
//   order is kept and applied when the order comes;
// - a new order is attributed once, when it is first stored (ctx.decide: codes beat links),
//   and its conversion is approved, with the terms in force then;
// - a conversion follows its order's status and amount; approval is the brand's alone;
// - a conversion's figures are derived from its facts (figureConversion).

export interface FactOutcome {
  state: LedgerState;
  /** Refunds this fact made known, to be stored. */
  refundsAdded: RefundFact[];
  /** The order record changed (a new order, a newer version, a refund or deletion applied). */
  orderChanged: boolean;
  /** The deletion this fact made known, to be stored. */
  deletedAt: Date | null;
  conversion: 'opened' | 'changed' | null;
  /** The member and terms of a conversion this fact opened. */
  decision: Decision | null;
  /** An approval change, for the audit log. */
  approval: { from: Approval; to: Approval } | null;
}

const unchanged = (state: LedgerState): FactOutcome => ({
  state,
  refundsAdded: [],
  orderChanged: false,
  deletedAt: null,
  conversion: null,
  decision: null,
  approval: null,
});

export function applyFact(state: LedgerState, fact: LedgerFact, ctx: LedgerContext): FactOutcome {
  switch (fact.kind) {
    case 'order': {
      const added = unknownRefunds(state.refunds, fact.order.refunds);
      const refunds = added.length === 0 ? state.refunds : [...state.refunds, ...added];
      const withRefunds = { ...state, refunds };
      const stale = state.order !== null && state.order.updatedAt.getTime() > fact.order.updatedAt.getTime();
      // A stale version's refunds still count: they are known by id whichever fact brought them.
      const outcome = stale ? refigureOrder(withRefunds, ctx) : applyVersion(withRefunds, storeVersion(fact.order, refunds), ctx);
      return { ...outcome, refundsAdded: added };
    }
    case 'custom_order': {
      if (state.order !== null && state.order.updatedAt.getTime() > fact.order.updatedAt.getTime()) return unchanged(state);
      return applyVersion(state, fact.order, ctx);
    }
    case 'refund': {
      const added = unknownRefunds(state.refunds, [fact.refund]);
      if (added.length === 0) return unchanged(state);
      const outcome = refigureOrder({ ...state, refunds: [...state.refunds, ...added] }, ctx);
      return { ...outcome, refundsAdded: added };
    }
    case 'order_deleted': {
      if (state.deletedAt !== null) return unchanged(state);
      const deleted = { ...state, deletedAt: fact.at };
      return { ...refigureOrder(deleted, ctx), deletedAt: fact.at };
    }
    case 'backfill': {
      const order = state.order;
      if (order === null || state.conversion !== null) return unchanged(state);
      const decision = ctx.decide({ codes: order.codes, ref: order.ref, createdAt: order.placedAt });
      if (decision === null || decision.attribution.member.campaignId !== fact.campaignId) return unchanged(state);
      return openConversion(state, order, decision, ctx);
    }
    case 'approval': {
      const conversion = state.conversion;
      if (conversion === null) return unchanged(state);
      const approval = transitionApproval(conversion.approval, fact.action);
      const next = refigured({ ...conversion, approval }, ctx);
      return { ...unchanged({ ...state, conversion: next }), conversion: 'changed', approval: { from: conversion.approval, to: approval } };
    }
  }
}

/** The refunds of `incoming` whose ids are not known yet, each id once, first amount first. */
function unknownRefunds(known: readonly RefundFact[], incoming: readonly RefundFact[]): RefundFact[] {
  const ids = new Set(known.map((r) => r.id));
  const added: RefundFact[] = [];
  for (const refund of incoming) {
    if (ids.has(refund.id)) continue;
    ids.add(refund.id);
    added.push(refund);
  }
  return added;
}

/** A store platform's version with every refund known by id (the first amount of an id counts). */
const storeVersion = (order: StoreOrder, refunds: readonly RefundFact[]): IncomingOrder =>
  incomingFromStore({ ...order, refunds: [] }, refunds);

/** The kept version of an order, figured again with the refunds known now. */
function versionOf(order: OrderRecord, refunds: readonly RefundFact[]): IncomingOrder {
  const base = {
    externalId: order.externalId,
    number: order.number,
    createdAt: order.placedAt,
    updatedAt: order.updatedAt,
    currency: order.currency,
    base: order.base,
    codes: order.codes,
    ref: order.ref,
    country: order.country,
  };
  // A custom store reports its refunded total itself: there are no refunds by id to weigh.
  if (order.subtotalMinor === null) return { ...base, grossMinor: order.grossMinor, refundedMinor: order.refundedMinor };
  return storeVersion({ ...base, grossMinor: order.subtotalMinor, currentMinor: order.currentMinor, refunds: [] }, refunds);
}

/** The order as it stands, figured again after refunds became known; nothing when it is not stored yet. */
function refigureOrder(state: LedgerState, ctx: LedgerContext): FactOutcome {
  if (state.order === null) return unchanged(state);
  return applyVersion(state, versionOf(state.order, state.refunds), ctx);
}

/** Stores a version no older than the kept one; a new order is attributed, a known one's conversion follows it. */
function applyVersion(state: LedgerState, reported: IncomingOrder, ctx: LedgerContext): FactOutcome {
  const version: IncomingOrder = state.deletedAt === null ? reported : { ...reported, base: 'canceled' };
  const { status, amountMinor } = resolveOrderState({
    base: version.base,
    grossMinor: version.grossMinor,
    refundedMinor: version.refundedMinor,
  });
  const order: OrderRecord = {
    externalId: version.externalId,
    number: version.number,
    placedAt: state.order?.placedAt ?? version.createdAt,
    updatedAt: version.updatedAt,
    currency: version.currency,
    base: version.base,
    grossMinor: version.grossMinor,
    refundedMinor: version.refundedMinor,
    status,
    amountMinor,
    codes: version.codes,
    ref: version.ref,
    country: version.country,
    subtotalMinor: version.storeFigures?.subtotalMinor ?? null,
    currentMinor: version.storeFigures?.currentMinor ?? null,
  };
  const orderChanged = state.order === null || !sameOrder(state.order, order);
  const next = { ...state, order };

  if (state.order === null) {
    const decision = ctx.decide({ codes: order.codes, ref: order.ref, createdAt: order.placedAt });
    if (decision !== null) return { ...openConversion(next, order, decision, ctx), orderChanged: true };
    return { ...unchanged(next), orderChanged: true };
  }
  const conversion = state.conversion;
  if (conversion === null || (conversion.status === status && conversion.amountMinor === amountMinor)) {
    return { ...unchanged(next), orderChanged };
  }
  return {
    ...unchanged({ ...next, conversion: refigured({ ...conversion, status, amountMinor }, ctx) }),
    orderChanged,
    conversion: 'changed',
  };
}

function openConversion(state: LedgerState, order: OrderRecord, decision: Decision, ctx: LedgerContext): FactOutcome {
  const conversion = refigured(
    {
      attribution: decision.attribution,
      orderDate: order.placedAt,
      currency: order.currency,
      status: order.status,
      approval: 'approved',
      amountMinor: order.amountMinor,
      terms: decision.terms,
      figures: { fxMissing: false, convertedMinor: null, commissionMinor: null, counted: false },
    },
    ctx,
  );
  return { ...unchanged({ ...state, conversion }), conversion: 'opened', decision };
}

const refigured = (c: ConversionRecord, ctx: LedgerContext): ConversionRecord => ({
  ...c,
  figures: figureConversion(c, ctx.defaultCurrency, ctx.rates),
});

function sameOrder(a: OrderRecord, b: OrderRecord): boolean {
  return (
    a.number === b.number &&
    a.placedAt.getTime() === b.placedAt.getTime() &&
    a.updatedAt.getTime() === b.updatedAt.getTime() &&
    a.currency === b.currency &&
    a.base === b.base &&
    a.grossMinor === b.grossMinor &&
    a.refundedMinor === b.refundedMinor &&
    a.status === b.status &&
    a.amountMinor === b.amountMinor &&
    a.codes.length === b.codes.length &&
    a.codes.every((c, i) => c === b.codes[i]) &&
    a.ref === b.ref &&
    a.country === b.country &&
    a.subtotalMinor === b.subtotalMinor &&
    a.currentMinor === b.currentMinor
  );
}
