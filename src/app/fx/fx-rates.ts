import { sql } from 'kysely';
import { FxFileError, parseEcbFile, type Rate } from '../../core/fx.ts';
import { MoneyError, parseDecimal } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import { dayProblem, RATE_SHAPE } from '../../schemas/common.ts';
import { assertCurrency } from '../accounts/accounts.ts';
import { AppError } from '../errors.ts';
import { rateInEffectRow, storeRates } from './rates.ts';
import { refigureConversions } from './refigure-conversions.ts';

// Adding rates is followed at once by refiguring the conversions they can change: the ones
// that waited for a missing rate start counting, and later days pick up the new rate.

async function refigureAfter(db: Db, accountId: string | null, rates: readonly Rate[]): Promise<number> {
  if (rates.length === 0) return 0;
  const currencies = [...new Set(rates.map((r) => r.currency))];
  // biome-ignore lint/complexity/useMathMinMax: days are 'YYYY-MM-DD' strings, which Math.min would turn into NaN.
  const fromDay = rates.reduce((min, r) => (r.day < min ? r.day : min), rates[0]!.day);
  const accounts = accountId ? [accountId] : (await db.selectFrom('accounts').select('id').execute()).map((a) => a.id);
  let changed = 0;
  for (const id of accounts) changed += await refigureConversions(db, id, { currencies, fromDay });
  return changed;
}

export interface ImportResult {
  rates: number;
  currencies: string[];
  from: string;
  to: string;
  refigured: number;
}

/** Imports an ECB file: into the shared table (accountId null) or as one account's rates. */
export async function importRates(db: Db, accountId: string | null, bytes: Uint8Array): Promise<ImportResult> {
  let rates: Rate[];
  try {
    rates = parseEcbFile(bytes);
  } catch (error) {
    if (error instanceof FxFileError) throw new AppError('invalid_fx_file', error.message);
    throw error;
  }
  if (rates.length === 0) throw new AppError('invalid_fx_file', 'The file holds no rates.');
  for (const r of rates) {
    const problem = rateProblem(r);
    if (problem) throw new AppError('invalid_fx_file', problem);
  }
  const days = rates.map((r) => r.day).sort();
  return db.transaction().execute(async (trx) => {
    await storeRates(trx, accountId, rates);
    return {
      rates: rates.length,
      currencies: [...new Set(rates.map((r) => r.currency))].sort(),
      from: days[0]!,
      to: days[days.length - 1]!,
      refigured: await refigureAfter(trx, accountId, rates),
    };
  });
}

/** What keeps a rate out of the ledger (a day outside 1970 … 9999, a rate too long to be one), naming it. */
function rateProblem(rate: Rate): string | null {
  const day = dayProblem(rate.day);
  if (day) return `The rate of ${rate.currency} on ${rate.day}: the day ${day}.`;
  if (!RATE_SHAPE.test(rate.perEur))
    return `The rate of ${rate.currency} on ${rate.day} has more than 12 digits before the point or 30 after it.`;
  return null;
}

/** One reference rate an admin adds for the account: units of `currency` per 1 EUR on `day`. */
export async function addRate(db: Db, accountId: string, rate: Rate): Promise<{ rate: Rate; refigured: number }> {
  assertCurrency(rate.currency);
  const problem = rateProblem(rate);
  if (problem) throw new AppError('invalid_input', problem);
  if (rate.currency === 'EUR') throw new AppError('invalid_input', 'EUR is the base of the reference rates; it needs no rate.');
  try {
    if (parseDecimal(rate.perEur).mantissa <= 0n) throw new AppError('invalid_input', 'perEur must be greater than zero.');
  } catch (error) {
    if (error instanceof MoneyError) throw new AppError('invalid_input', `perEur "${rate.perEur}" is not a decimal number.`);
    throw error;
  }
  return db.transaction().execute(async (trx) => {
    await storeRates(trx, accountId, [rate]);
    return { rate, refigured: await refigureAfter(trx, accountId, [rate]) };
  });
}

/**
 * The rate in effect on `day` for every currency that has one, and where it came from. The
 * currencies are found by skipping through the primary key (currency, day) and each one's rate
 * by one index probe, so the history's 200,000 rates are never read one by one.
 */
export async function ratesInEffect(db: Db, accountId: string, day: string) {
  const rows = await sql<{ currency: string; per_eur: string; day: string; own: number }>`
    with recursive ecb (currency) as (
      (select currency from fx_rates order by currency limit 1)
      union all
      select (select f.currency from fx_rates f where f.currency > ecb.currency order by f.currency limit 1)
      from ecb where ecb.currency is not null
    ),
    currencies as (
      select currency from ecb where currency is not null
      union
      select distinct currency from account_fx_rates where account_id = ${accountId}
    )
    select k.currency, e.per_eur, e.day::text as day, e.own from currencies k
    cross join lateral ${rateInEffectRow(sql`${accountId}::bigint`, sql.ref('k.currency'), sql`${day}::date`)} e
    order by k.currency`.execute(db);
  return rows.rows.map((r) => ({
    currency: r.currency,
    perEur: r.per_eur,
    day: r.day,
    source: r.own === 1 ? ('account' as const) : ('ecb' as const),
  }));
}
