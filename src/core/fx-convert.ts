// Currency conversion through the ECB's euro reference rates, in exact bigint arithmetic.
import { isIsoDay, type Rate } from './fx-parse.ts';
import { currencyDigits, MoneyError, parseDecimal, roundHalfEven } from './money.ts';

/**
 * perEur (units of currency per 1 EUR) of the latest rate on or before `day` (YYYY-MM-DD),
 * or undefined when there is none. Weekends and holidays therefore use the last business day.
 */
export type RateLookup = (currency: string, day: string) => string | undefined;

export type Conversion = { ok: true; minor: bigint } | { ok: false; missing: string };

type Series = { days: string[]; perEur: string[] };

/**
 * An in-memory lookup over a list of rates. When the same currency and day appear more than
 * once the later entry wins, so a caller can list the ECB snapshot first and its own
 * (account-added or newer imported) rates after it. EUR is always "1"; EUR entries are ignored.
 * Throws RangeError on a malformed day or a rate that is not a positive decimal.
 */
export function rateLookupFrom(rates: readonly Rate[]): RateLookup {
  const latest = new Map<string, Map<string, string>>();
  for (const { currency, day, perEur } of rates) {
    if (currency === 'EUR') continue;
    if (!isIsoDay(day)) throw new RangeError(`rate for ${currency}: ${JSON.stringify(day)} is not a YYYY-MM-DD day`);
    positiveRate(perEur, currency);
    let byDay = latest.get(currency);
    if (!byDay) latest.set(currency, (byDay = new Map()));
    byDay.set(day, perEur);
  }
  const series = new Map<string, Series>();
  for (const [currency, byDay] of latest) {
    // ISO days sort correctly as strings.
    const days = [...byDay.keys()].sort();
    series.set(currency, { days, perEur: days.map((d) => byDay.get(d) ?? '') });
  }
  return (currency, day) => {
    if (currency === 'EUR') return '1';
    const s = series.get(currency);
    if (!s) return undefined;
    // First index whose day is after `day`; the one before it is the answer.
    let lo = 0;
    let hi = s.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((s.days[mid] ?? '') <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : s.perEur[lo - 1];
  };
}

function positiveRate(perEur: string, currency: string): { mantissa: bigint; scale: number } {
  const rate = parseDecimal(perEur);
  if (rate.mantissa <= 0n) throw new RangeError(`rate for ${currency} is not positive: ${perEur}`);
  return rate;
}

function digitsOf(currency: string): number {
  const digits = currencyDigits(currency);
  if (digits === undefined) throw new MoneyError('unknown_currency', `unknown currency ${JSON.stringify(currency)}`);
  return digits;
}

/**
 * The exact factor that takes minor units of `from` to minor units of `to` at the rates of
 * `day`, crossing through EUR (to-per-from = perEur[to] / perEur[from]): a converted figure is
 * amount × numerator / denominator, rounded half-even once. Both sides are positive integers
 * with every power of ten moved onto one of them. A currency without a rate is reported.
 * Throws MoneyError('unknown_currency') for a code that is not ISO 4217 with minor units.
 */
export function conversionRatio(args: {
  from: string;
  to: string;
  day: string;
  rates: RateLookup;
}): { ok: true; numerator: bigint; denominator: bigint } | { ok: false; missing: string } {
  const { from, to, day, rates } = args;
  if (from === to) return { ok: true, numerator: 1n, denominator: 1n };
  const fromDigits = digitsOf(from);
  const toDigits = digitsOf(to);
  // EUR is handled here too, so a caller's own lookup need not know about it.
  const fromText = from === 'EUR' ? '1' : rates(from, day);
  if (fromText === undefined) return { ok: false, missing: from };
  const toText = to === 'EUR' ? '1' : rates(to, day);
  if (toText === undefined) return { ok: false, missing: to };
  const fromRate = positiveRate(fromText, from);
  const toRate = positiveRate(toText, to);
  // amount/10^fd * (mt/10^st) / (mf/10^sf) * 10^td, with every power moved to an integer side.
  const numerator = toRate.mantissa * 10n ** BigInt(toDigits + fromRate.scale);
  const denominator = fromRate.mantissa * 10n ** BigInt(fromDigits + toRate.scale);
  const common = gcd(numerator, denominator);
  return { ok: true, numerator: numerator / common, denominator: denominator / common };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * Converts minor units of `from` into minor units of `to` at the rates of `day` (see
 * conversionRatio). The whole product is one exact fraction rounded half-even once, so no
 * intermediate rounding leaks into the figure. A currency without a rate is reported, never
 * passed through unconverted.
 */
export function convertMinor(args: { amountMinor: bigint; from: string; to: string; day: string; rates: RateLookup }): Conversion {
  const ratio = conversionRatio(args);
  if (!ratio.ok) return ratio;
  return { ok: true, minor: roundHalfEven(args.amountMinor * ratio.numerator, ratio.denominator) };
}

/** The UTC calendar day of an instant: an order's rate date. */
export function dayOfUtc(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('dayOfUtc: invalid date');
  return d.toISOString().slice(0, 10);
}
