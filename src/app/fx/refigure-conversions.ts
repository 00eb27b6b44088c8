import { type RawBuilder, sql } from 'kysely';
import { figureRatios, type Ratio } from '../../core/commission.ts';
import { countableSql } from '../../core/counted.ts';
import type { RateLookup } from '../../core/fx.ts';
import type { Db } from '../../db/connect.ts';
import { rateHistory } from './rates.ts';

// Refiguring many conversions at once (a new rate, a new default currency): the figures the
// core derives for one row (src/core/ledger/figure-conversion.ts), computed by the database
// with the core's ratios and rounding.

// The (approval, status) pairs the core calls countable, as a SQL predicate over a row `r`.
const COUNTABLE_SQL = countableSql('r');

/** Rows updated per statement: enough to amortise a statement, few enough to keep memory flat. */
const REFIGURE_CHUNK = 100_000;
/** Ratios at most this big go to SQL as bigints (tally_scale_half_even's fast path). */
const BIGINT_SIDE = 2n ** 62n;

/** How rows of one currency, one fixed-commission currency and one UTC day convert. */
interface DayRatio {
  currency: string;
  fixed: string;
  day: string;
  /** Null when a rate is missing, for the sale or for the fixed part (the row is fxMissing). */
  sale: Ratio | null;
  /** Null also when there is no fixed part. */
  fixedPart: Ratio | null;
}

/** A ratio's sides as SQL arrays: as bigints when both fit the fast path, and as numerics. */
function ratioColumns(ratios: readonly DayRatio[], pick: (r: DayRatio) => Ratio | null) {
  const fits = (q: Ratio | null): q is Ratio => q !== null && q.numerator <= BIGINT_SIDE && q.denominator <= BIGINT_SIDE;
  const picked = ratios.map(pick);
  return sql`${picked.map((q) => (fits(q) ? q.numerator.toString() : null))}::bigint[],
      ${picked.map((q) => (fits(q) ? q.denominator.toString() : null))}::bigint[],
      ${picked.map((q) => q?.numerator.toString() ?? null)}::numeric[], ${picked.map((q) => q?.denominator.toString() ?? null)}::numeric[]`;
}

/**
 * Refigures the account's conversions that match the filter — after a rate was added, or the
 * default currency changed — and saves the rows whose figures changed. Returns how many changed.
 *
 * The figures are computed by the database, not row by row here: the conversion ratio of every
 * (currency, fixed-commission currency, day) the rows need comes from the core
 * (conversionRatio, with the same rate lookup as single rows), and an UPDATE applies them with
 * the core's rounding written in SQL (migration 0009). test/integration/figures-sql.test.ts
 * holds the two to the same results. The rows go in chunks of REFIGURE_CHUNK ids, so no
 * statement grows with the account; called inside a transaction, all of it commits at once.
 */
export async function refigureConversions(
  db: Db,
  accountId: string,
  filter: { currencies?: string[]; fromDay?: string } = {},
): Promise<number> {
  const account = await db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow();
  const target = account.default_currency;
  const conditions: RawBuilder<boolean>[] = [sql<boolean>`r.account_id = ${accountId}`];
  if (filter.currencies) {
    const list = filter.currencies;
    if (!list.includes(target)) {
      conditions.push(sql<boolean>`(r.currency = any(${list}::text[]) or r.terms_fixed_currency = any(${list}::text[]))`);
    }
  }
  if (filter.fromDay) conditions.push(sql<boolean>`(r.order_date at time zone 'UTC')::date >= ${filter.fromDay}::date`);
  const where = sql.join(conditions, sql` and `);

  // The currencies and days there are to convert: a few thousand groups for millions of rows.
  const { rows: groups } = await sql<{ currency: string; fixed: string; day: string }>`
    select r.currency, coalesce(r.terms_fixed_currency, '') as fixed, (r.order_date at time zone 'UTC')::date::text as day
    from conversions r where ${where} group by 1, 2, 3`.execute(db);
  if (groups.length === 0) return 0;
  const currencies = [...new Set([target, ...groups.flatMap((g) => (g.fixed ? [g.currency, g.fixed] : [g.currency]))])];
  const rates = await rateHistory(db, accountId, currencies);
  const ratios = groups.map((g) => dayRatio(g, target, rates));

  const table = sql`unnest(
      ${ratios.map((r) => r.currency)}::text[], ${ratios.map((r) => r.fixed)}::text[], ${ratios.map((r) => r.day)}::date[],
      ${ratios.map((r) => r.sale === null)}::boolean[],
      ${ratioColumns(ratios, (r) => r.sale)},
      ${ratioColumns(ratios, (r) => r.fixedPart)}
    ) as p(currency, fixed, day, missing, num, den, num_n, den_n, fixed_num, fixed_den, fixed_num_n, fixed_den_n)`;

  let changed = 0;
  for (let after = '0'; ; ) {
    // The chunk's last id: an index-only walk of the account's ids.
    const { rows: bound } = await sql<{ id: string }>`
      select r.id::text as id from conversions r where ${where} and r.id > ${after}::bigint
      order by r.id offset ${REFIGURE_CHUNK - 1} limit 1`.execute(db);
    const last = bound[0]?.id ?? null;
    const chunk = last === null ? sql<boolean>`r.id > ${after}::bigint` : sql<boolean>`r.id > ${after}::bigint and r.id <= ${last}::bigint`;
    const result = await sql`
      update conversions c set
        fx_missing = n.fx_missing, converted_minor = n.converted_minor, commission_minor = n.commission_minor,
        counted = n.counted, updated_at = now()
      from (
        select r.id, p.missing as fx_missing, v.converted as converted_minor,
               case when p.missing then null
                    when ${sql.raw(COUNTABLE_SQL)}
                      then coalesce(tally_percent_of(v.converted, r.terms_percent), 0) + coalesce(v.fixed_part, 0)
                    else 0 end as commission_minor,
               not p.missing and ${sql.raw(COUNTABLE_SQL)} as counted
        from conversions r
        join ${table} on p.currency = r.currency and p.fixed = coalesce(r.terms_fixed_currency, '')
                      and p.day = (r.order_date at time zone 'UTC')::date
        -- offset 0 keeps the converted figure computed once a row: the commission reads it.
        cross join lateral (
          select case when p.missing then null else tally_scale_half_even(r.amount_minor, p.num, p.den, p.num_n, p.den_n) end as converted,
                 case when p.missing or p.fixed = '' then null
                      else tally_scale_half_even(r.terms_fixed_minor, p.fixed_num, p.fixed_den, p.fixed_num_n, p.fixed_den_n)
                 end as fixed_part
          offset 0
        ) v
        where ${where} and ${chunk}
      ) n
      where c.account_id = ${accountId} and c.id = n.id
        and (c.fx_missing, c.converted_minor, c.commission_minor, c.counted)
            is distinct from (n.fx_missing, n.converted_minor, n.commission_minor, n.counted)`.execute(db);
    changed += Number(result.numAffectedRows ?? 0n);
    if (last === null) break;
    after = last;
  }
  return changed;
}

/** The ratios of the rows of one currency, fixed-commission currency ('' for none) and day. */
function dayRatio(group: { currency: string; fixed: string; day: string }, target: string, rates: RateLookup): DayRatio {
  const { currency, fixed, day } = group;
  const ratios = figureRatios({ currency, fixedCurrency: fixed || null, defaultCurrency: target, day, rates });
  return { currency, fixed, day, sale: ratios?.sale ?? null, fixedPart: ratios?.fixed ?? null };
}
