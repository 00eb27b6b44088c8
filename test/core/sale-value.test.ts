import { describe, expect, it } from 'vitest';
import { type RefundFact, refundedTotal, saleState, saleValueMinor } from '../../src/core/sale-value.ts';
import { type BaseStatus, resolveOrderState, type StoreStatus } from '../../src/core/status.ts';

const r = (id: string, amountMinor: bigint): RefundFact => ({ id, amountMinor });

type Row = [
  label: string,
  base: BaseStatus,
  grossMinor: bigint,
  currentMinor: bigint | null,
  refunds: RefundFact[],
  expected: { status: StoreStatus; amountMinor: bigint; refundedMinor: bigint },
];

describe('saleState', () => {
  it.each<Row>([
    // USD (2 decimals)
    ['paid, no refund, no current', 'paid', 40495n, null, [], { status: 'paid', amountMinor: 40495n, refundedMinor: 0n }],
    ['paid, current equals gross', 'paid', 40495n, 40495n, [], { status: 'paid', amountMinor: 40495n, refundedMinor: 0n }],
    // The docs sample's current (414.95) exceeds its subtotal (404.95): the subtotal caps it.
    ['current above gross is capped at gross', 'paid', 40495n, 41495n, [], { status: 'paid', amountMinor: 40495n, refundedMinor: 0n }],
    ['order edit lowers current: not a refund', 'paid', 10000n, 6000n, [], { status: 'paid', amountMinor: 6000n, refundedMinor: 0n }],
    [
      'refund known before the order update (stale current)',
      'paid',
      10000n,
      10000n,
      [r('1', 3000n)],
      { status: 'partially_refunded', amountMinor: 7000n, refundedMinor: 3000n },
    ],
    [
      'refund known in both places counts once',
      'partially_refunded',
      10000n,
      7000n,
      [r('1', 3000n)],
      { status: 'partially_refunded', amountMinor: 7000n, refundedMinor: 3000n },
    ],
    [
      'same refund id twice counts once',
      'paid',
      10000n,
      null,
      [r('1', 3000n), r('1', 3000n)],
      { status: 'partially_refunded', amountMinor: 7000n, refundedMinor: 3000n },
    ],
    [
      'two refunds',
      'paid',
      10000n,
      null,
      [r('1', 3000n), r('2', 2500n)],
      { status: 'partially_refunded', amountMinor: 4500n, refundedMinor: 5500n },
    ],
    [
      'refunds covering the whole value → refunded',
      'paid',
      10000n,
      null,
      [r('1', 6000n), r('2', 4000n)],
      { status: 'refunded', amountMinor: 0n, refundedMinor: 10000n },
    ],
    [
      'refunds beyond the value → refunded, never negative',
      'paid',
      18000n,
      null,
      [r('622', 22371n)],
      { status: 'refunded', amountMinor: 0n, refundedMinor: 22371n },
    ],
    [
      'edit then refund of the rest → refunded',
      'paid',
      10000n,
      0n,
      [r('1', 5000n)],
      { status: 'refunded', amountMinor: 0n, refundedMinor: 5000n },
    ],
    [
      'edit then partial refund',
      'paid',
      10000n,
      2000n,
      [r('1', 3000n)],
      { status: 'partially_refunded', amountMinor: 2000n, refundedMinor: 3000n },
    ],
    [
      'canceled wins over a paid, partly refunded order',
      'canceled',
      10000n,
      7000n,
      [r('1', 3000n)],
      { status: 'canceled', amountMinor: 0n, refundedMinor: 3000n },
    ],
    ['canceled with nothing refunded', 'canceled', 40495n, 41495n, [], { status: 'canceled', amountMinor: 0n, refundedMinor: 0n }],
    [
      'store says refunded before any refund is known',
      'refunded',
      10000n,
      10000n,
      [],
      { status: 'refunded', amountMinor: 0n, refundedMinor: 0n },
    ],
    [
      'pending with a partial refund stays pending',
      'pending',
      10000n,
      null,
      [r('1', 1000n)],
      { status: 'pending', amountMinor: 9000n, refundedMinor: 1000n },
    ],
    ['free order stays paid at 0', 'paid', 0n, 0n, [], { status: 'paid', amountMinor: 0n, refundedMinor: 0n }],
    [
      'a zero-amount refund (shipping only) changes nothing',
      'paid',
      10000n,
      null,
      [r('1', 0n)],
      { status: 'paid', amountMinor: 10000n, refundedMinor: 0n },
    ],
    // JPY (0 decimals)
    ['JPY paid', 'paid', 12345n, 12345n, [], { status: 'paid', amountMinor: 12345n, refundedMinor: 0n }],
    [
      'JPY partial refund',
      'paid',
      12345n,
      12345n,
      [r('9', 2345n)],
      { status: 'partially_refunded', amountMinor: 10000n, refundedMinor: 2345n },
    ],
    [
      'JPY edit to ¥9,800 then refund of ¥9,800',
      'paid',
      12345n,
      0n,
      [r('9', 9800n)],
      { status: 'refunded', amountMinor: 0n, refundedMinor: 9800n },
    ],
    // KWD (3 decimals)
    ['KWD partial refund', 'paid', 12345n, null, [r('k', 1n)], { status: 'partially_refunded', amountMinor: 12344n, refundedMinor: 1n }],
  ])('%s', (_label, base, grossMinor, currentMinor, refunds, expected) => {
    const got = saleState({ base, grossMinor, currentMinor, refunds });
    expect(got).toEqual(expected);
    // The ledger's IncomingOrder (gross = value + refunded) resolves to the same state.
    const value = saleValueMinor({ base, grossMinor, currentMinor, refunds });
    expect(resolveOrderState({ base, grossMinor: value + got.refundedMinor, refundedMinor: got.refundedMinor })).toEqual({
      status: got.status,
      amountMinor: got.amountMinor,
    });
  });

  it('refuses negative inputs (an upstream parsing bug)', () => {
    expect(() => saleState({ base: 'paid', grossMinor: -1n, currentMinor: null, refunds: [] })).toThrow(RangeError);
    expect(() => saleState({ base: 'paid', grossMinor: 1n, currentMinor: -1n, refunds: [] })).toThrow(RangeError);
    expect(() => saleState({ base: 'paid', grossMinor: 1n, currentMinor: null, refunds: [r('1', -1n)] })).toThrow(RangeError);
  });

  it('refuses one refund id known with two amounts', () => {
    expect(() => refundedTotal([r('1', 100n), r('1', 200n)])).toThrow(/two amounts/);
  });
});
