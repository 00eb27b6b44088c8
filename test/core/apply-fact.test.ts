import { describe, expect, it } from 'vitest';
import { ApprovalError } from '../../src/core/approval.ts';
import { rateLookupFrom } from '../../src/core/fx.ts';
import { applyFact } from '../../src/core/ledger/apply-fact.ts';
import type { LedgerFact } from '../../src/core/ledger/facts.ts';
import { type Decision, EMPTY_STATE, type LedgerContext, type LedgerState } from '../../src/core/ledger/state.ts';
import type { StoreOrder } from '../../src/core/order.ts';

// The ledger's rules, fact by fact, on plain data.

const MIA: Decision = {
  attribution: { member: { campaignId: '1', creatorId: '7' }, via: { type: 'code', value: 'MIA10' } },
  terms: { percent: '10', fixedMinor: 200n, fixedCurrency: 'EUR' },
};

const ctx = (over: Partial<LedgerContext> = {}): LedgerContext => ({
  defaultCurrency: 'EUR',
  // 1.1561 USD per EUR on 2026-03-06: 115.61 USD are 100.00 EUR.
  rates: rateLookupFrom([{ currency: 'USD', day: '2026-03-06', perEur: '1.1561' }]),
  decide: (o) => (o.codes.some((c) => c.trim().toLowerCase() === 'mia10') ? MIA : null),
  ...over,
});

const version = (over: Partial<StoreOrder> = {}): StoreOrder => ({
  externalId: '820982911946154508',
  number: '#1001',
  createdAt: new Date('2026-03-06T10:00:00Z'),
  updatedAt: new Date('2026-03-06T10:00:00Z'),
  currency: 'USD',
  base: 'paid',
  grossMinor: 11_561n,
  currentMinor: 11_561n,
  refunds: [],
  codes: ['MIA10'],
  ref: null,
  country: 'US',
  ...over,
});

const at = (iso: string) => new Date(iso);
const order = (o: StoreOrder): LedgerFact => ({ kind: 'order', order: o });
const refund = (id: string, amountMinor: bigint): LedgerFact => ({
  kind: 'refund',
  orderExternalId: '820982911946154508',
  refund: { id, amountMinor },
});

function run(facts: LedgerFact[], context = ctx(), from: LedgerState = EMPTY_STATE): LedgerState {
  return facts.reduce((state, fact) => applyFact(state, fact, context).state, from);
}

describe('applyFact', () => {
  it('stores a new order with its status and sale value, and opens its approved conversion with the terms in force', () => {
    const outcome = applyFact(EMPTY_STATE, order(version()), ctx());
    expect(outcome.orderChanged).toBe(true);
    expect(outcome.conversion).toBe('opened');
    expect(outcome.decision).toEqual(MIA);
    expect(outcome.state.order).toMatchObject({
      status: 'paid',
      amountMinor: 11_561n,
      grossMinor: 11_561n,
      refundedMinor: 0n,
      subtotalMinor: 11_561n,
    });
    expect(outcome.state.conversion).toMatchObject({
      approval: 'approved',
      status: 'paid',
      amountMinor: 11_561n,
      terms: MIA.terms,
      // 100.00 EUR; 10% is 10.00 and the fixed part 2.00.
      figures: { fxMissing: false, convertedMinor: 10_000n, commissionMinor: 1_200n, counted: true },
    });
  });

  it('stores an order that matches nothing, unattributed', () => {
    const outcome = applyFact(EMPTY_STATE, order(version({ codes: ['WELCOME'] })), ctx());
    expect(outcome.conversion).toBeNull();
    expect(outcome.state.conversion).toBeNull();
    expect(outcome.state.order?.status).toBe('paid');
  });

  it('never goes back to an older version, and keeps the first placed_at', () => {
    const newer = version({ updatedAt: at('2026-03-07T00:00:00Z'), base: 'canceled', createdAt: at('2026-03-06T11:00:00Z') });
    const state = run([order(version()), order(newer)]);
    expect(state.order).toMatchObject({ status: 'canceled', amountMinor: 0n, placedAt: at('2026-03-06T10:00:00Z') });
    const stale = applyFact(state, order(version({ updatedAt: at('2026-03-06T12:00:00Z') })), ctx());
    expect(stale.orderChanged).toBe(false);
    expect(stale.state).toEqual(state);
  });

  it('makes the conversion follow its order: partial refund, full refund, cancel', () => {
    const partial = run([
      order(version()),
      order(version({ updatedAt: at('2026-03-07T00:00:00Z'), refunds: [{ id: 'r1', amountMinor: 1_561n }], currentMinor: 10_000n })),
    ]);
    expect(partial.conversion).toMatchObject({ status: 'partially_refunded', amountMinor: 10_000n });
    // 10,000 USD cents are 86.50 EUR (half to even), 8.65 + 2.00 commission.
    expect(partial.conversion?.figures).toEqual({ fxMissing: false, convertedMinor: 8_650n, commissionMinor: 1_065n, counted: true });
    const full = run([refund('r2', 10_000n)], ctx(), partial);
    expect(full.conversion).toMatchObject({
      status: 'refunded',
      amountMinor: 0n,
      figures: { convertedMinor: 0n, commissionMinor: 0n, counted: false },
    });
  });

  it('counts a refund once by id, the first amount stored winning, whichever fact brought it', () => {
    const state = run([refund('r1', 1_000n), order(version({ refunds: [{ id: 'r1', amountMinor: 9_999n }] })), refund('r1', 1_000n)]);
    expect(state.refunds).toEqual([{ id: 'r1', amountMinor: 1_000n }]);
    expect(state.order).toMatchObject({ status: 'partially_refunded', refundedMinor: 1_000n, amountMinor: 10_561n });
  });

  it('keeps a refund that arrives before its order, and counts it when the order comes', () => {
    const waiting = applyFact(EMPTY_STATE, refund('r1', 561n), ctx());
    expect(waiting.refundsAdded).toEqual([{ id: 'r1', amountMinor: 561n }]);
    expect(waiting.state.order).toBeNull();
    const state = run([order(version())], ctx(), waiting.state);
    expect(state.order).toMatchObject({ status: 'partially_refunded', amountMinor: 11_000n });
  });

  it('counts the new refunds of a stale version', () => {
    const state = run([
      order(version({ updatedAt: at('2026-03-08T00:00:00Z') })),
      order(version({ updatedAt: at('2026-03-07T00:00:00Z'), refunds: [{ id: 'r9', amountMinor: 11_561n }] })),
    ]);
    expect(state.order).toMatchObject({ status: 'refunded', amountMinor: 0n, updatedAt: at('2026-03-08T00:00:00Z') });
  });

  it('counts a deletion as canceled for good, whether it comes before the order, between its versions or after them', () => {
    const deletion: LedgerFact = { kind: 'order_deleted', externalId: '820982911946154508', at: at('2026-03-09T00:00:00Z') };
    const v1 = order(version());
    const v2 = order(version({ updatedAt: at('2026-03-10T00:00:00Z'), number: '#1001-b' }));
    const deleted = run([v1, deletion]);
    expect(deleted.deletedAt).toEqual(at('2026-03-09T00:00:00Z'));
    expect(deleted.order).toMatchObject({ status: 'canceled', base: 'canceled', updatedAt: at('2026-03-06T10:00:00Z') });
    expect(deleted.conversion).toMatchObject({ status: 'canceled', figures: { commissionMinor: 0n, counted: false } });
    const orders = [
      [v1, deletion, v2],
      [deletion, v1, v2],
      [v1, v2, deletion],
      [v2, deletion, v1],
      [deletion, v2, v1],
    ].map((facts) => run(facts));
    for (const state of orders) expect(state).toEqual(orders[0]);
    expect(orders[0]!.order).toMatchObject({ status: 'canceled', number: '#1001-b', updatedAt: at('2026-03-10T00:00:00Z') });
    // A second deletion changes nothing; one of an unknown order is kept for when it comes.
    expect(applyFact(deleted, { ...deletion, at: at('2026-03-12T00:00:00Z') }, ctx()).deletedAt).toBeNull();
    const waiting = applyFact(EMPTY_STATE, deletion, ctx());
    expect({ deletedAt: waiting.deletedAt, orderChanged: waiting.orderChanged, order: waiting.state.order }).toEqual({
      deletedAt: at('2026-03-09T00:00:00Z'),
      orderChanged: false,
      order: null,
    });
  });

  it('takes a custom store’s refunded total as it is, and its versions by updated_at', () => {
    const custom = (updatedAt: string, refundedMinor: bigint): LedgerFact => ({
      kind: 'custom_order',
      order: { ...version({ updatedAt: at(updatedAt) }), grossMinor: 11_561n, refundedMinor, storeFigures: undefined },
    });
    const state = run([custom('2026-03-06T10:00:00Z', 0n), custom('2026-03-08T00:00:00Z', 2_000n), custom('2026-03-07T00:00:00Z', 0n)]);
    expect(state.order).toMatchObject({ status: 'partially_refunded', refundedMinor: 2_000n, amountMinor: 9_561n, subtotalMinor: null });
  });

  it('attributes an order once, when first stored: a code added later changes nothing until a backfill asks', () => {
    const unattributed = run([order(version({ codes: ['LATER'] }))]);
    const later = ctx({ decide: (o) => (o.codes.includes('LATER') ? MIA : null) });
    expect(run([order(version({ codes: ['LATER'], updatedAt: at('2026-03-07T00:00:00Z') }))], later, unattributed).conversion).toBeNull();
    expect(run([{ kind: 'backfill', externalId: '820982911946154508', campaignId: '2' }], later, unattributed).conversion).toBeNull();
    const backfilled = run([{ kind: 'backfill', externalId: '820982911946154508', campaignId: '1' }], later, unattributed);
    expect(backfilled.conversion).toMatchObject({ attribution: MIA.attribution, status: 'paid', approval: 'approved' });
  });

  it('rejects and undoes without touching the store status, and refuses a repeat', () => {
    const state = run([order(version())]);
    const rejected = applyFact(state, { kind: 'approval', externalId: '820982911946154508', action: 'reject' }, ctx());
    expect(rejected.approval).toEqual({ from: 'approved', to: 'rejected' });
    expect(rejected.state.conversion).toMatchObject({
      status: 'paid',
      approval: 'rejected',
      figures: { convertedMinor: 10_000n, commissionMinor: 0n, counted: false },
    });
    expect(() => applyFact(rejected.state, { kind: 'approval', externalId: '820982911946154508', action: 'reject' }, ctx())).toThrow(
      ApprovalError,
    );
    const undone = run([{ kind: 'approval', externalId: '820982911946154508', action: 'approve' }], ctx(), rejected.state);
    expect(undone.conversion?.figures).toEqual({ fxMissing: false, convertedMinor: 10_000n, commissionMinor: 1_200n, counted: true });
  });

  it('flags a conversion whose currency has no rate, and leaves it out', () => {
    const state = run([order(version({ currency: 'NGN' }))]);
    expect(state.conversion?.figures).toEqual({ fxMissing: true, convertedMinor: null, commissionMinor: null, counted: false });
  });

  it('changes nothing on a repeat of the same version', () => {
    const state = run([order(version())]);
    const again = applyFact(state, order(version()), ctx());
    expect(again).toMatchObject({ orderChanged: false, conversion: null, refundsAdded: [] });
  });
});
