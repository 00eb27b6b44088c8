import { MoneyError, parseMoney } from '../../../src/core/money.ts';
import type { Commission } from '../api/types.ts';
import { formatMoney } from './format.ts';

// The commission terms form's text fields, and their check before they are sent: the same
// rules the API applies (a percent from 0 to 100 with at most 4 decimals; a fixed amount is
// read by the core's own money rule: a plain decimal, an ISO 4217 currency, no more decimals
// than it has), so a typo is explained before a round trip.

export interface TermsDraft {
  percent: string;
  fixedValue: string;
  fixedCurrency: string;
}

export function draftOf(commission: Commission | null, defaultCurrency: string): TermsDraft {
  return {
    percent: commission?.percent ?? '',
    fixedValue: commission?.fixed?.value ?? '',
    fixedCurrency: commission?.fixed?.currency ?? defaultCurrency,
  };
}

const PERCENT = /^[0-9]{1,3}(\.[0-9]{1,4})?$/;

/** What is wrong with a fixed amount in its currency, by the core's money rule, or null. */
function moneyProblem(value: string, currency: string, typed: string): string | null {
  try {
    parseMoney(value, currency);
    return null;
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    if (error.code === 'unknown_currency') return `"${typed}" is not a currency: give a three-letter ISO 4217 code such as EUR.`;
    if (error.code === 'too_many_decimals') return `"${value}" has more decimals than ${currency} has.`;
    return `"${value}" is not an amount: give a decimal such as 2.50.`;
  }
}

/** The request body for a draft (an empty field clears its part), or what is wrong with it. */
export function termsBody(draft: TermsDraft): { body: Commission } | { error: string } {
  const percent = draft.percent.trim().replace(/%$/, '').trim();
  const value = draft.fixedValue.trim();
  const currency = draft.fixedCurrency.trim().toUpperCase();
  if (percent !== '' && (!PERCENT.test(percent) || Number(percent) > 100)) {
    return { error: `"${draft.percent.trim()}" is not a percent: give a number from 0 to 100 with at most 4 decimals, such as 12.5.` };
  }
  const amountError = value === '' ? null : moneyProblem(value, currency, draft.fixedCurrency.trim());
  if (amountError) return { error: amountError };
  return { body: { percent: percent === '' ? null : percent, fixed: value === '' ? null : { value, currency } } };
}

/** Terms in words, e.g. "10% + €2.00 per order". */
export function describeTerms(commission: Commission): string {
  const parts = [
    commission.percent !== null && `${commission.percent}%`,
    commission.fixed !== null && `${formatMoney(commission.fixed)} per order`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' + ') : 'No commission';
}
