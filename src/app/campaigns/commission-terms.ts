import { resolveTerms, type Terms } from '../../core/commission.ts';
import { amountProblem } from '../../core/limits.ts';
import { type Money, MoneyError, parseMoney, toMoney } from '../../core/money.ts';
import { nullableBigint } from '../../db/values.ts';
import { assertCurrency } from '../accounts/accounts.ts';
import { AppError } from '../errors.ts';

// Commission terms as campaigns and members store them. On a campaign a null part means
// "none"; on a member it means "the campaign's" (see resolveTerms in core/commission.ts).
export interface TermColumns {
  commission_percent: string | null;
  commission_fixed_minor: string | null;
  commission_fixed_currency: string | null;
}

/** Terms in a request: percent a decimal string 0..100, fixed a Money. */
export interface CommissionInput {
  percent?: string | null;
  fixed?: Money | null;
}

export interface CommissionView {
  percent: string | null;
  fixed: Money | null;
}

export const NO_TERMS: TermColumns = { commission_percent: null, commission_fixed_minor: null, commission_fixed_currency: null };

/** "010.50" → "10.5": one spelling per value, whatever was sent or the numeric column returns. */
export function canonicalPercent(value: string): string {
  const [whole = '0', frac = ''] = value.split('.');
  const w = whole.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f === '' ? w : `${w}.${f}`;
}

function fixedMinor(fixed: { value: string; currency: string }): string {
  assertCurrency(fixed.currency);
  try {
    const minor = parseMoney(fixed.value, fixed.currency);
    // The route's schema refuses this already; kept for callers that do not come through one.
    const problem = amountProblem('commission.fixed', minor, fixed.currency);
    if (problem) throw new AppError('invalid_input', `${problem}.`);
    return minor.toString();
  } catch (error) {
    if (error instanceof MoneyError) {
      throw new AppError('invalid_amount', `commission.fixed: ${error.message}.`);
    }
    throw error;
  }
}

/**
 * The columns after applying `input` over `current` (JSON merge-patch: an absent part is
 * kept, null clears it). `null` as a whole clears every part.
 */
export function mergeTerms(current: TermColumns, input: CommissionInput | null | undefined): TermColumns {
  const next: TermColumns = {
    commission_percent: current.commission_percent,
    commission_fixed_minor: current.commission_fixed_minor,
    commission_fixed_currency: current.commission_fixed_currency,
  };
  if (input === undefined) return next;
  if (input === null) return { ...NO_TERMS };
  if (input.percent !== undefined) next.commission_percent = input.percent === null ? null : canonicalPercent(input.percent);
  if (input.fixed !== undefined) {
    next.commission_fixed_minor = input.fixed === null ? null : fixedMinor(input.fixed);
    next.commission_fixed_currency = input.fixed === null ? null : input.fixed.currency;
  }
  return next;
}

export function commissionView(row: TermColumns): CommissionView {
  const { commission_percent: percent, commission_fixed_minor: minor, commission_fixed_currency: currency } = row;
  return {
    percent: percent === null ? null : canonicalPercent(percent),
    fixed: minor === null || currency === null ? null : toMoney(BigInt(minor), currency),
  };
}

/** A member's override, or null when it has none and the campaign's terms apply. */
export function overrideView(row: TermColumns): CommissionView | null {
  return row.commission_percent === null && row.commission_fixed_minor === null ? null : commissionView(row);
}

/** A member's and its campaign's term columns, read side by side. */
export interface TermsRow {
  c_percent: string | null;
  c_fixed: string | null;
  c_fixed_currency: string | null;
  m_percent: string | null;
  m_fixed: string | null;
  m_fixed_currency: string | null;
}

/** A member's terms: its override over its campaign's. */
export function termsFromRow(row: TermsRow): Terms {
  const override: Partial<Terms> = {};
  if (row.m_percent !== null) override.percent = row.m_percent;
  if (row.m_fixed !== null) {
    override.fixedMinor = BigInt(row.m_fixed);
    override.fixedCurrency = row.m_fixed_currency;
  }
  return resolveTerms(
    { percent: row.c_percent, fixedMinor: nullableBigint(row.c_fixed), fixedCurrency: row.c_fixed_currency },
    Object.keys(override).length > 0 ? override : null,
  );
}
