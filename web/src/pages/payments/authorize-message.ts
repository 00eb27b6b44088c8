import type { DueCreator, Payout } from '../../api/types.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';

// What an authorization did, in words: the payouts made and their total, then who it made none
// for. The amounts due come a page at a time, so the whole list is never on hand: for ticked
// creators (kept with their row as it was when ticked) it names whose negative balance is
// carried forward and counts those below the minimum; for everyone it counts the creators left
// with a balance (carried forward, below the minimum or still on hold).

/** Whom an authorization was for: the ticked creators, or every one of `creators` listed. */
export type Asked = { ticked: DueCreator[] } | { all: { creators: number } };

export function authorizeMessage(created: Payout[], asked: Asked, currency: string, minimum: string | null): string {
  const minor = created.reduce((sum, p) => sum + toMinor(p.amount.value), 0n);
  const total = formatMoney({ value: fromMinor(minor, created[0]?.amount.value ?? '0.00'), currency });
  const parts = [
    created.length === 0
      ? 'No payout was made.'
      : `${formatCount(created.length)} ${created.length === 1 ? 'payout' : 'payouts'} authorized, ${total} in all.`,
  ];
  if ('all' in asked) {
    const left = asked.all.creators - created.length;
    if (left > 0) {
      const who = left === 1 ? '1 other creator keeps a balance' : `${formatCount(left)} other creators keep a balance`;
      parts.push(`${who}: ${minimum === null ? 'carried forward or' : 'carried forward, below the minimum, or'} still on hold.`);
    }
    return parts.join(' ');
  }
  const paid = new Set(created.map((p) => p.creatorId));
  const unpaid = asked.ticked.filter((c) => !paid.has(c.creatorId));
  const negative = unpaid.filter((c) => isNegative(c.amountDue.value));
  if (negative.length > 0) {
    const names = negative.slice(0, 5).map((c) => `${c.name} (${formatMoney(c.amountDue)})`);
    const more = negative.length > 5 ? ` and ${formatCount(negative.length - 5)} more` : '';
    parts.push(`Carried forward, no payout: ${names.join(', ')}${more}: a negative balance nets against later commission.`);
  }
  const below = unpaid.filter((c) => !isNegative(c.amountDue.value) && !isZero(c.amountDue.value));
  if (minimum !== null && below.length > 0) {
    parts.push(`${formatCount(below.length)} below the minimum of ${formatMoney({ value: minimum, currency })} left for later.`);
  }
  return parts.join(' ');
}

const isNegative = (value: string) => value.startsWith('-');
const isZero = (value: string) => /^-?0(\.0+)?$/.test(value);

// Sums of decimal strings in minor units, never through a float.
function toMinor(value: string): bigint {
  return BigInt(value.replace('.', ''));
}

function fromMinor(minor: bigint, like: string): string {
  const digits = like.split('.')[1]?.length ?? 0;
  if (digits === 0) return minor.toString();
  const sign = minor < 0n ? '-' : '';
  const text = (minor < 0n ? -minor : minor).toString().padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
