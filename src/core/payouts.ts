// Paying creators (SPEC §11): what is on hold, what is payable, and what a payout may pay.
// Amounts are minor units of the account's default currency.

export const HOLD_DAYS_DEFAULT = 15;
export const HOLD_DAYS_MAX = 365;
const DAY_MS = 86_400_000;

/** When a conversion's commission stops being on hold: its order's date plus the campaign's hold. */
export function holdEndsAt(orderDate: Date, holdDays: number): Date {
  return new Date(orderDate.getTime() + holdDays * DAY_MS);
}

/** On hold until the order is `holdDays` old; payable from that instant on. */
export function isOnHold(orderDate: Date, holdDays: number, now: Date): boolean {
  return holdEndsAt(orderDate, holdDays).getTime() > now.getTime();
}

export interface CreatorBalance {
  /** Commission of counted conversions in no open or paid payout, still on hold. */
  onHold: bigint;
  /** The same, past its hold. */
  payable: bigint;
  /** Adjustments in no open or paid payout (bonuses, deductions, clawbacks). */
  adjustments: bigint;
}

/** What the brand owes the creator now; negative when deductions and clawbacks exceed it. */
export function amountDue(balance: CreatorBalance): bigint {
  return balance.payable + balance.adjustments;
}

/**
 * The amount a payout authorized now would pay, or null when none is made: a balance at or
 * below zero is carried forward (it stays in the amount due and nets against later
 * commission), and so is one below the minimum asked for.
 */
export function payoutAmount(due: bigint, minimum: bigint = 0n): bigint | null {
  if (due <= 0n || due < minimum) return null;
  return due;
}
