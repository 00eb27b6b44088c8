import { describe, expect, it } from 'vitest';
import { amountDue, holdEndsAt, isOnHold, payoutAmount } from '../../src/core/payouts.ts';

describe('hold', () => {
  const order = new Date('2026-03-01T10:00:00Z');
  it.each([
    [15, '2026-03-16T09:59:59.999Z', true],
    [15, '2026-03-16T10:00:00Z', false],
    [15, '2026-03-01T10:00:00Z', true],
    [0, '2026-03-01T10:00:00Z', false],
    [0, '2026-03-01T09:59:59Z', true],
    [365, '2027-03-01T09:59:59Z', true],
    [365, '2027-03-01T10:00:00Z', false],
  ])('holdDays %i at %s: on hold = %s', (days, now, held) => {
    expect(isOnHold(order, days, new Date(now))).toBe(held);
  });

  it('ends holdDays whole days after the order', () => {
    expect(holdEndsAt(order, 15).toISOString()).toBe('2026-03-16T10:00:00.000Z');
  });
});

describe('amount due and what a payout pays', () => {
  it.each([
    [{ onHold: 500n, payable: 1000n, adjustments: 0n }, 1000n],
    [{ onHold: 0n, payable: 1000n, adjustments: -400n }, 600n],
    [{ onHold: 9999n, payable: 0n, adjustments: -400n }, -400n],
    [{ onHold: 0n, payable: 0n, adjustments: 250n }, 250n],
  ])('%o is due %s (on hold is not)', (balance, due) => {
    expect(amountDue(balance)).toBe(due);
  });

  it.each([
    [1000n, 0n, 1000n],
    [1n, 0n, 1n],
    [0n, 0n, null],
    [-400n, 0n, null],
    [999n, 1000n, null],
    [1000n, 1000n, 1000n],
    [-5n, -10n, null],
  ])('due %s with minimum %s pays %s (a negative or zero balance is carried forward)', (due, minimum, paid) => {
    expect(payoutAmount(due, minimum)).toBe(paid);
  });
});
