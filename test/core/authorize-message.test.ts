import { describe, expect, it } from 'vitest';
import type { DueCreator, Payout } from '../../web/src/api/types.ts';
import { authorizeMessage } from '../../web/src/pages/payments/authorize-message.ts';
import { formatMoney } from '../../web/src/ui/format.ts';

// The words after Authorize on Payments: the payouts made and their total, then, for ticked
// creators, whose balance is carried forward and how many are below the minimum, and for
// everyone, how many creators are left with a balance (the list is never all on hand).

const eur = (value: string) => ({ value, currency: 'EUR' });
const money = (value: string) => formatMoney(eur(value));
const creator = (creatorId: string, name: string, amountDue: string): DueCreator => ({
  creatorId,
  name,
  onHold: eur('0.00'),
  payable: eur('0.00'),
  adjustments: eur('0.00'),
  amountDue: eur(amountDue),
});
const payout = (creatorId: string, amount: string): Payout => ({
  id: `p${creatorId}`,
  creatorId,
  creatorName: `Creator ${creatorId}`,
  status: 'pending',
  amount: eur(amount),
  createdAt: '2026-03-06T10:00:00.000Z',
  paidAt: null,
  method: null,
  reference: null,
  note: null,
});

describe('authorizeMessage', () => {
  it('sums the payouts in minor units and names the ticked creators carried forward, five at most', () => {
    const ticked = [
      creator('1', 'Ann', '0.10'),
      creator('2', 'Bob', '0.20'),
      ...['3', '4', '5', '6', '7', '8'].map((id) => creator(id, `Neg ${id}`, `-${id}.00`)),
    ];
    expect(authorizeMessage([payout('1', '0.10'), payout('2', '0.20')], { ticked }, 'EUR', null)).toBe(
      `2 payouts authorized, ${money('0.30')} in all. Carried forward, no payout: Neg 3 (${money('-3.00')}), Neg 4 (${money('-4.00')}), ` +
        `Neg 5 (${money('-5.00')}), Neg 6 (${money('-6.00')}), Neg 7 (${money('-7.00')}) and 1 more: a negative balance nets against later commission.`,
    );
  });

  it('counts the ticked creators below the minimum, and says when no payout was made', () => {
    const ticked = [creator('1', 'Ann', '5.00'), creator('2', 'Bob', '0.00')];
    expect(authorizeMessage([], { ticked }, 'EUR', '10.00')).toBe(
      `No payout was made. 1 below the minimum of ${money('10.00')} left for later.`,
    );
  });

  it('counts, for everyone, the creators left with a balance', () => {
    expect(authorizeMessage([payout('1', '5.00')], { all: { creators: 3 } }, 'EUR', '1.00')).toBe(
      `1 payout authorized, ${money('5.00')} in all. 2 other creators keep a balance: carried forward, below the minimum, or still on hold.`,
    );
    expect(authorizeMessage([payout('1', '5.00')], { all: { creators: 2 } }, 'EUR', null)).toBe(
      `1 payout authorized, ${money('5.00')} in all. 1 other creator keeps a balance: carried forward or still on hold.`,
    );
    expect(authorizeMessage([payout('1', '5.00')], { all: { creators: 1 } }, 'EUR', null)).toBe(
      `1 payout authorized, ${money('5.00')} in all.`,
    );
  });
});
