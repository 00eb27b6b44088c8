import type { DueCreator, Payout } from '../../api/types.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';

// What an authorization did, in words: the payouts made and their total, and the creators it
// made none for because their balance is negative (carried forward) or below the minimum.

export function authorizeMessage(created: Payout[], asked: DueCreator[], currency: string, minimum: string | null): string {
  const paid = new Set(created.map((p) => p.creatorId));
  const minor = created.reduce((sum, p) => sum + toMinor(p.amount.value), 0n);
  const total = formatMoney({ value: fromMinor(minor, created[0]?.amount.value ?? '0.00'), currency });
  const parts = [
    created.length === 0
      ? 'No payout was made.'
      : `${formatCount(created.length)} ${created.length === 1 ? 'payout' : 'payouts'} authorized, ${total} in all.`,
  ];
  const unpaid = asked.filter((c) => !paid.has(c.creatorId));
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
