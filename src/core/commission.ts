// The per-row figures of a conversion: its amount in the account's default currency and the
// commission it earns. Each figure is rounded half-even once; totals are sums of these.
import { conversionRatio, type RateLookup } from './fx-convert.ts';
import { parseDecimal, roundHalfEven } from './money.ts';

export type Terms = {
  /** decimal string, e.g. "10" or "12.5"; null = no percent part */
  percent: string | null;
  /** fixed amount per order in minor units of fixedCurrency; null together with fixedCurrency */
  fixedMinor: bigint | null;
  fixedCurrency: string | null;
};

export type Figures = {
  fxMissing: boolean;
  convertedMinor: bigint | null;
  commissionMinor: bigint | null;
};

export class TermsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TermsError';
  }
}

function fixedOf(terms: Terms): { minor: bigint; currency: string } | null {
  const { fixedMinor, fixedCurrency } = terms;
  if (fixedMinor === null && fixedCurrency === null) return null;
  if (fixedMinor === null || fixedCurrency === null) {
    throw new TermsError('a fixed commission needs both an amount and a currency');
  }
  return { minor: fixedMinor, currency: fixedCurrency };
}

const MISSING: Figures = { fxMissing: true, convertedMinor: null, commissionMinor: null };

/** An exact factor from minor units of one currency to minor units of another. */
export type Ratio = { numerator: bigint; denominator: bigint };

/**
 * The factors a row's figures need on its day: its sale's, and its fixed part's when its terms
 * have one; null when either rate is missing (the row is fxMissing). The fixed currency's rate
 * counts even for uncounted rows, so whether a row is fxMissing does not flip when it is
 * rejected or undone.
 */
export function figureRatios(args: {
  currency: string;
  fixedCurrency: string | null;
  defaultCurrency: string;
  day: string;
  rates: RateLookup;
}): { sale: Ratio; fixed: Ratio | null } | null {
  const { currency, fixedCurrency, defaultCurrency, day, rates } = args;
  const sale = conversionRatio({ from: currency, to: defaultCurrency, day, rates });
  if (!sale.ok) return null;
  if (fixedCurrency === null) return { sale, fixed: null };
  const fixed = conversionRatio({ from: fixedCurrency, to: defaultCurrency, day, rates });
  return fixed.ok ? { sale, fixed } : null;
}

const apply = (minor: bigint, ratio: Ratio) => roundHalfEven(minor * ratio.numerator, ratio.denominator);

/**
 * `terms` must be the terms snapshotted on the conversion when it was created, not the
 * campaign's current ones: later edits apply to new conversions only.
 */
export function computeFigures(args: {
  amountMinor: bigint;
  currency: string;
  defaultCurrency: string;
  day: string;
  /** approved and paid/partially_refunded; the fx question is answered here */
  countable: boolean;
  terms: Terms;
  rates: RateLookup;
}): Figures {
  const { amountMinor, currency, defaultCurrency, day, countable, terms, rates } = args;
  const fixed = fixedOf(terms);
  const ratios = figureRatios({ currency, fixedCurrency: fixed?.currency ?? null, defaultCurrency, day, rates });
  if (ratios === null) return MISSING;
  const converted = apply(amountMinor, ratios.sale);
  if (!countable) return { fxMissing: false, convertedMinor: converted, commissionMinor: 0n };

  const fixedPart = fixed && ratios.fixed ? apply(fixed.minor, ratios.fixed) : 0n;
  let percentPart = 0n;
  if (terms.percent !== null) {
    // From the rounded converted figure, so anyone can recompute it from an export row.
    const p = parseDecimal(terms.percent);
    percentPart = roundHalfEven(converted * p.mantissa, 100n * 10n ** BigInt(p.scale));
  }
  return { fxMissing: false, convertedMinor: converted, commissionMinor: percentPart + fixedPart };
}

/**
 * A member's override replaces the campaign's percent and/or its fixed part. In the override,
 * undefined means "inherit" and null means "none"; fixedMinor and fixedCurrency are replaced
 * together, so an override giving only one of them is rejected.
 */
export function resolveTerms(campaign: Terms, memberOverride: Partial<Terms> | null): Terms {
  if (!memberOverride) return { ...campaign };
  const percent = memberOverride.percent !== undefined ? memberOverride.percent : campaign.percent;
  const overridesFixed = memberOverride.fixedMinor !== undefined || memberOverride.fixedCurrency !== undefined;
  const resolved: Terms = overridesFixed
    ? { percent, fixedMinor: memberOverride.fixedMinor ?? null, fixedCurrency: memberOverride.fixedCurrency ?? null }
    : { percent, fixedMinor: campaign.fixedMinor, fixedCurrency: campaign.fixedCurrency };
  fixedOf(resolved);
  return resolved;
}
