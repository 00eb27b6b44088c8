import { sql } from 'kysely';
import type { Approval } from '../core/approval.ts';
import { computeFigures } from '../core/commission.ts';
import { isCountable, isCounted } from '../core/counted.ts';
import { dayOfUtc, type RateLookup } from '../core/fx.ts';
import type { StoreStatus } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import { rateHistory, ratesOnDay } from './rates.ts';

// A conversion's stored figures (converted amount, commission, counted, fxMissing) are derived
// from its own facts by src/core; this module computes and saves them.

export interface FigureInput {
  currency: string;
  orderDate: Date;
  approval: Approval;
  status: StoreStatus;
  amountMinor: bigint;
  termsPercent: string | null;
  termsFixedMinor: bigint | null;
  termsFixedCurrency: string | null;
}

export interface StoredFigures {
  fx_missing: boolean;
  converted_minor: string | null;
  commission_minor: string | null;
  counted: boolean;
}

export function figure(row: FigureInput, defaultCurrency: string, rates: RateLookup): StoredFigures {
  const figures = computeFigures({
    amountMinor: row.amountMinor,
    currency: row.currency,
    defaultCurrency,
    day: dayOfUtc(row.orderDate),
    countable: isCountable({ approval: row.approval, status: row.status }),
    terms: { percent: row.termsPercent, fixedMinor: row.termsFixedMinor, fixedCurrency: row.termsFixedCurrency },
    rates,
  });
  return {
    fx_missing: figures.fxMissing,
    converted_minor: figures.convertedMinor?.toString() ?? null,
    commission_minor: figures.commissionMinor?.toString() ?? null,
    counted: isCounted({ approval: row.approval, status: row.status, fxMissing: figures.fxMissing }),
  };
}

export const nullableBigint = (v: string | null) => (v === null ? null : BigInt(v));

/** Figures one row with the rates of its own order day: the path of every single-row change. */
export async function figureOnItsDay(db: Db, accountId: string, row: FigureInput, defaultCurrency: string): Promise<StoredFigures> {
  const currencies = [row.currency, defaultCurrency, ...(row.termsFixedCurrency ? [row.termsFixedCurrency] : [])];
  const rates = await ratesOnDay(db, accountId, dayOfUtc(row.orderDate), currencies);
  return figure(row, defaultCurrency, rates);
}

const REFIGURE_BATCH = 10_000;

/**
 * Refigures the account's conversions that match the filter — after a rate was added, or the
 * default currency changed — and saves the rows whose figures changed. Returns how many changed.
 * The rows are read and saved in batches by id, so memory stays flat however many there are;
 * called inside a transaction, all of it commits at once.
 */
export async function refigureConversions(
  db: Db,
  accountId: string,
  filter: { currencies?: string[]; fromDay?: string } = {},
): Promise<number> {
  const account = await db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow();
  const page = (after: string | null) => {
    let query = db
      .selectFrom('conversions')
      .select([
        'id', 'currency', 'order_date', 'approval', 'status', 'amount_minor', 'terms_percent', 'terms_fixed_minor',
        'terms_fixed_currency', 'fx_missing', 'converted_minor', 'commission_minor', 'counted',
      ])
      .where('account_id', '=', accountId);
    if (after !== null) query = query.where('id', '>', after);
    if (filter.currencies) {
      const list = filter.currencies;
      query = query.where((eb) =>
        eb.or([eb('currency', 'in', list), eb('terms_fixed_currency', 'in', list), eb.val(list.includes(account.default_currency))]),
      );
    }
    if (filter.fromDay) query = query.where(sql<boolean>`(order_date at time zone 'UTC')::date >= ${filter.fromDay}::date`);
    return query.orderBy('id').limit(REFIGURE_BATCH).execute();
  };

  // Rates are loaded for the currencies met so far, and again when a batch brings a new one.
  const currencies = new Set<string>([account.default_currency]);
  let rates = await rateHistory(db, accountId, [...currencies]);

  let changedCount = 0;
  for (let after: string | null = null; ; ) {
    const rows = await page(after);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const unseen = rows.flatMap((r) => [r.currency, ...(r.terms_fixed_currency ? [r.terms_fixed_currency] : [])]).filter((c) => !currencies.has(c));
    if (unseen.length > 0) {
      for (const c of unseen) currencies.add(c);
      rates = await rateHistory(db, accountId, [...currencies]);
    }
    const changed: Array<StoredFigures & { id: string }> = [];
    for (const r of rows) {
      const next = figure(
        {
          currency: r.currency,
          orderDate: r.order_date,
          approval: r.approval,
          status: r.status as StoreStatus,
          amountMinor: BigInt(r.amount_minor),
          termsPercent: r.terms_percent,
          termsFixedMinor: nullableBigint(r.terms_fixed_minor),
          termsFixedCurrency: r.terms_fixed_currency,
        },
        account.default_currency,
        rates,
      );
      if (
        next.fx_missing !== r.fx_missing ||
        next.converted_minor !== r.converted_minor ||
        next.commission_minor !== r.commission_minor ||
        next.counted !== r.counted
      ) {
        changed.push({ id: r.id, ...next });
      }
    }
    if (changed.length > 0) await saveFigures(db, accountId, changed);
    changedCount += changed.length;
    if (rows.length < REFIGURE_BATCH) break;
  }
  return changedCount;
}

async function saveFigures(db: Db, accountId: string, changed: ReadonlyArray<StoredFigures & { id: string }>): Promise<void> {
  // The batch is in id order: bounding the ids keeps the plan an index range scan at any size.
  const first = changed[0]!.id;
  const last = changed.at(-1)!.id;
  await sql`
    update conversions c set
      fx_missing = u.fx_missing, converted_minor = u.converted_minor, commission_minor = u.commission_minor,
      counted = u.counted, updated_at = now()
    from unnest(${changed.map((c) => c.id)}::bigint[], ${changed.map((c) => c.fx_missing)}::boolean[],
                ${changed.map((c) => c.converted_minor)}::bigint[], ${changed.map((c) => c.commission_minor)}::bigint[],
                ${changed.map((c) => c.counted)}::boolean[])
      as u(id, fx_missing, converted_minor, commission_minor, counted)
    where c.account_id = ${accountId} and c.id = u.id and c.id between ${first}::bigint and ${last}::bigint`.execute(db);
}
