import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src/core/approval.ts';
import { isCountable, isCounted, sumTotals, type TotalsRow } from '../../src/core/counted.ts';
import type { StoreStatus } from '../../src/core/status.ts';

// Every status × approval × fxMissing, with the expected answers spelled out.
const CASES: Array<[Approval, StoreStatus, boolean, countable: boolean, counted: boolean]> = [
  ['approved', 'pending', false, false, false],
  ['approved', 'pending', true, false, false],
  ['approved', 'paid', false, true, true],
  ['approved', 'paid', true, true, false],
  ['approved', 'partially_refunded', false, true, true],
  ['approved', 'partially_refunded', true, true, false],
  ['approved', 'refunded', false, false, false],
  ['approved', 'refunded', true, false, false],
  ['approved', 'canceled', false, false, false],
  ['approved', 'canceled', true, false, false],
  ['rejected', 'pending', false, false, false],
  ['rejected', 'pending', true, false, false],
  ['rejected', 'paid', false, false, false],
  ['rejected', 'paid', true, false, false],
  ['rejected', 'partially_refunded', false, false, false],
  ['rejected', 'partially_refunded', true, false, false],
  ['rejected', 'refunded', false, false, false],
  ['rejected', 'refunded', true, false, false],
  ['rejected', 'canceled', false, false, false],
  ['rejected', 'canceled', true, false, false],
];

describe('isCounted / isCountable', () => {
  it.each(CASES)('%s %s fxMissing=%s → countable %s, counted %s', (approval, status, fxMissing, countable, counted) => {
    expect(isCountable({ approval, status })).toBe(countable);
    expect(isCounted({ approval, status, fxMissing })).toBe(counted);
  });
});

describe('sumTotals', () => {
  it.each<[string, TotalsRow[], { orders: number; salesMinor: bigint; commissionMinor: bigint }]>([
    ['no rows', [], { orders: 0, salesMinor: 0n, commissionMinor: 0n }],
    [
      'mixed rows: only counted ones add up',
      [
        { counted: true, convertedMinor: 12345n, commissionMinor: 1235n },
        { counted: false, convertedMinor: 99999n, commissionMinor: 0n }, // rejected
        { counted: true, convertedMinor: 7450n, commissionMinor: 745n }, // partially refunded
        { counted: false, convertedMinor: null, commissionMinor: null }, // fxMissing
        { counted: false, convertedMinor: 0n, commissionMinor: 0n }, // canceled
        { counted: true, convertedMinor: 1n, commissionMinor: 0n },
      ],
      { orders: 3, salesMinor: 19796n, commissionMinor: 1980n },
    ],
    [
      'only uncounted rows',
      [
        { counted: false, convertedMinor: 500n, commissionMinor: 50n },
        { counted: false, convertedMinor: null, commissionMinor: null },
      ],
      { orders: 0, salesMinor: 0n, commissionMinor: 0n },
    ],
    [
      'beyond 2^53 stays exact',
      [
        { counted: true, convertedMinor: 9007199254740993n, commissionMinor: 900719925474099n },
        { counted: true, convertedMinor: 9007199254740993n, commissionMinor: 900719925474099n },
      ],
      { orders: 2, salesMinor: 18014398509481986n, commissionMinor: 1801439850948198n },
    ],
  ])('%s', (_name, rows, expected) => {
    expect(sumTotals(rows)).toEqual(expected);
  });

  it('matches the row-by-row sum of isCounted rows', () => {
    const rows: TotalsRow[] = CASES.map(([approval, status, fxMissing], i) => ({
      counted: isCounted({ approval, status, fxMissing }),
      convertedMinor: fxMissing ? null : BigInt(1000 + i),
      commissionMinor: fxMissing ? null : BigInt(100 + i),
    }));
    // counted rows are indices 2 and 4 (approved paid / partially_refunded with a rate)
    expect(sumTotals(rows)).toEqual({ orders: 2, salesMinor: 2006n, commissionMinor: 206n });
  });

  it.each<TotalsRow>([
    { counted: true, convertedMinor: null, commissionMinor: 10n },
    { counted: true, convertedMinor: 10n, commissionMinor: null },
  ])('a counted row without figures is a bug: %o', (row) => {
    expect(() => sumTotals([row])).toThrow(TypeError);
  });
});
