import { MoneyError, parseMoney } from '../../core/money.ts';
import { AppError } from '../errors.ts';

/** A request's amount in minor units of the account's default currency, or a 422 saying why not. */
export function defaultCurrencyMinor(
  field: string,
  money: { value: string; currency: string },
  defaultCurrency: string,
  allowNegative: boolean,
): bigint {
  if (money.currency !== defaultCurrency) {
    throw new AppError('wrong_currency', `${field}: amounts here are in the account's default currency, ${defaultCurrency}.`);
  }
  try {
    // The schema already refused amounts beyond the ledger's limit.
    return parseMoney(money.value, money.currency, { allowNegative });
  } catch (error) {
    if (error instanceof MoneyError) throw new AppError('invalid_amount', `${field}: ${error.message}.`);
    throw error;
  }
}
