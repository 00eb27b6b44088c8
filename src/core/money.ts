// Money is integer minor units (bigint) of an ISO 4217 currency. Decimal strings exist only at
// the edges (API, exports, store payloads); floating point never touches an amount.
import { data as isoCurrencies } from 'currency-codes';

// currency-codes reports "N.A." minor units (metals, SDR, test and "no currency" codes) as 0,
// which would let gold be booked as if it were yen. ISO List One marks exactly these as N.A.
const MINOR_UNITS_NOT_APPLICABLE = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

const DIGITS: ReadonlyMap<string, number> = new Map(
  isoCurrencies.filter((c) => !MINOR_UNITS_NOT_APPLICABLE.has(c.code)).map((c) => [c.code, c.digits] as const),
);

const CODE_SHAPE = /^[A-Z]{3}$/;

/** ISO 4217 minor-unit digits, or undefined for unknown codes and codes without minor units. */
export function currencyDigits(code: string): number | undefined {
  // The package upper-cases its input; we do not, so "eur" is not silently accepted.
  if (!CODE_SHAPE.test(code)) return undefined;
  return DIGITS.get(code);
}

/** Every known currency code grouped by its minor-unit digits (e.g. 0 → JPY, KRW, …). */
export function currenciesByDigits(): ReadonlyMap<number, readonly string[]> {
  const groups = new Map<number, string[]>();
  for (const [code, digits] of DIGITS) groups.set(digits, [...(groups.get(digits) ?? []), code]);
  return groups;
}

export function isCurrencyCode(code: string): boolean {
  return currencyDigits(code) !== undefined;
}

export type MoneyErrorCode = 'invalid_amount' | 'unknown_currency' | 'too_many_decimals';

export class MoneyError extends Error {
  readonly code: MoneyErrorCode;
  constructor(code: MoneyErrorCode, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.code = code;
  }
}

// ASCII digits only: \d would be fine without the u flag, but being explicit keeps it so.
const DECIMAL_SHAPE = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

function digitsOrThrow(currency: string): number {
  const digits = currencyDigits(currency);
  if (digits === undefined) {
    throw new MoneyError('unknown_currency', `unknown currency ${JSON.stringify(currency)}`);
  }
  return digits;
}

/**
 * A plain decimal string to minor units. Deliberately strict: no exponent, sign "+", spaces,
 * grouping, or bare ".5" — stores send plain decimals, and anything else is a bug to surface.
 * Extra decimals are accepted only when they are zeros ("1000.00" JPY), so no value is rounded.
 */
export function parseMoney(value: string, currency: string, opts?: { allowNegative?: boolean }): bigint {
  const digits = digitsOrThrow(currency);
  const m = DECIMAL_SHAPE.exec(value);
  if (!m) throw new MoneyError('invalid_amount', `not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign = '', whole = '', frac = ''] = m;
  if (sign === '-' && !opts?.allowNegative) {
    throw new MoneyError('invalid_amount', `negative amount not allowed: ${JSON.stringify(value)}`);
  }
  const kept = frac.slice(0, digits);
  if (/[^0]/.test(frac.slice(digits))) {
    throw new MoneyError('too_many_decimals', `${JSON.stringify(value)} has more than ${digits} decimal(s) for ${currency}`);
  }
  const minor = BigInt(whole + kept.padEnd(digits, '0'));
  return sign === '-' ? -minor : minor;
}

/** Minor units to a decimal string with exactly the currency's number of decimals. */
export function formatMoney(minor: bigint, currency: string): string {
  const digits = digitsOrThrow(currency);
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const text = digits === 0 ? whole : `${whole}.${abs.slice(abs.length - digits)}`;
  return negative ? `-${text}` : text;
}

/**
 * numerator / denominator rounded to the nearest integer, ties to even (banker's rounding),
 * so that rounding many rows does not drift totals in one direction.
 */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('roundHalfEven: denominator is zero');
  let n = numerator;
  let d = denominator;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  // bigint division truncates toward zero; shift to floor so the remainder is in [0, d).
  let q = n / d;
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  const twice = 2n * r;
  if (twice > d) return q + 1n;
  if (twice < d) return q;
  return q % 2n === 0n ? q : q + 1n;
}

export type Money = { value: string; currency: string };

export function toMoney(minor: bigint, currency: string): Money {
  return { value: formatMoney(minor, currency), currency };
}

/**
 * A decimal string (rates, percents) as an exact fraction mantissa / 10^scale, so ratios
 * can be computed in bigint without ever going through a float.
 */
export function parseDecimal(value: string): { mantissa: bigint; scale: number } {
  const m = DECIMAL_SHAPE.exec(value);
  if (!m) throw new MoneyError('invalid_amount', `not a decimal number: ${JSON.stringify(value)}`);
  const [, sign = '', whole = '', frac = ''] = m;
  const mantissa = BigInt(whole + frac);
  return { mantissa: sign === '-' ? -mantissa : mantissa, scale: frac.length };
}
