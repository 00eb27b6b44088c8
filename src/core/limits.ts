// What the ledger can hold (SPEC §8). Values outside these bounds are refused where they enter
// (a dead letter for a signed delivery, 400/422 for the API), with a reason naming the field,
// so the database never refuses them halfway through a write.
import { currencyDigits } from './money.ts';

/** The largest amount in major units of any currency: 10^12 (a trillion). */
export const MAX_MAJOR_UNITS = 10n ** 12n;

/** The first and last instant the ledger keeps: 1970-01-01 and the end of year 9999 (UTC). */
export const FIRST_INSTANT_MS = 0;
export const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The most digits a store's numeric id may have (Shopify ids are about 13 today). */
export const MAX_ID_DIGITS = 20;

/** The longest text the ledger keeps for a name, a code or a reason. */
export const MAX_TEXT_LENGTH = 1_000;

const INT8_MAX = 9_223_372_036_854_775_807n;

/** The largest minor amount of `currency` the ledger keeps; undefined for an unknown code. */
export function maxMinor(currency: string): bigint | undefined {
  const digits = currencyDigits(currency);
  return digits === undefined ? undefined : MAX_MAJOR_UNITS * 10n ** BigInt(digits);
}

/** Whether a minor amount of `currency` lies within 0 … 10^12 major units. */
export function amountWithinLimits(minor: bigint, currency: string): boolean {
  const max = maxMinor(currency);
  return max !== undefined && minor >= 0n && minor <= max;
}

// C0 controls (NUL included), DEL and the C1 controls. PostgreSQL cannot store NUL in text at
// all, and the others have no place in a name or a code.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

// A lone surrogate (JSON can spell one with a \u escape): no UTF-8 text holds it, and jsonb
// refuses its escape. With the u flag a well-formed pair is one code point, not a surrogate.
const LONE_SURROGATE = /\p{Surrogate}/u;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Whether an instant lies within the years 1970 to 9999 (an invalid Date does not). */
export function instantWithinLimits(at: Date): boolean {
  const ms = at.getTime();
  return Number.isFinite(ms) && ms >= FIRST_INSTANT_MS && ms <= LAST_INSTANT_MS;
}

/** Whether a decimal id read from text fits a signed 64-bit integer (the database's ids). */
export function isInt8Id(text: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(text) && BigInt(text) <= INT8_MAX;
}

/**
 * The first problem of a text the ledger would keep (an order number, a code, a ref, a
 * reason), naming `field`; null when it can be kept.
 */
export function textProblem(field: string, text: string, maxLength = MAX_TEXT_LENGTH): string | null {
  if (hasControlCharacters(text)) return `${field} holds a control character (such as NUL), which cannot be kept`;
  if (hasLoneSurrogate(text)) return `${field} holds a lone surrogate (not valid Unicode), which cannot be kept`;
  if (text.length > maxLength) return `${field} is longer than ${maxLength} characters`;
  return null;
}

/** The problem of a store id (order, refund) of digits, naming `field`; null when it can be kept. */
export function storeIdProblem(field: string, id: string): string | null {
  if (/^[0-9]+$/.test(id) && id.length > MAX_ID_DIGITS) return `${field} has more than ${MAX_ID_DIGITS} digits`;
  return textProblem(field, id, 255);
}

/** The problem of a minor amount, naming `field`; null when the ledger can hold it. */
export function amountProblem(field: string, minor: bigint, currency: string): string | null {
  if (minor < 0n) return `${field} is below zero`;
  const max = maxMinor(currency);
  if (max === undefined) return `${field} is in ${currency}, which is not an ISO 4217 currency`;
  if (minor > max) return `${field} is beyond 10^12 ${currency}`;
  return null;
}

/** The problem of an instant, naming `field`; null when it lies within 1970 … 9999. */
export function instantProblem(field: string, at: Date): string | null {
  if (!Number.isFinite(at.getTime())) return `${field} is not a valid date`;
  if (!instantWithinLimits(at)) return `${field} is before 1970 or after 9999`;
  return null;
}
