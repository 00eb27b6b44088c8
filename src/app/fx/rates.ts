import { type RawBuilder, sql } from 'kysely';
import { type Rate, type RateLookup, rateLookupFrom } from '../../core/fx.ts';
import type { Db } from '../../db/connect.ts';

// Reference rates as the core wants them. An account's own rates sit beside the ECB's and win
// on the same day.

/**
 * The rate in effect for an account, a currency and a day, as a SQL row (day, per_eur, own) over
 * three expressions: the latest rate on or before the day, the account's own winning over the
 * ECB's on the same day. The same rule as rateLookupFrom in the core over the ECB's rates
 * followed by the account's (rateHistory below); test/integration/rates-sql.test.ts holds the
 * two equal. Every query of a rate in effect reads it from here.
 */
export function rateInEffectRow(
  account: RawBuilder<unknown>,
  currency: RawBuilder<unknown>,
  day: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`(
    select r.day, r.per_eur, r.own from (
      (select a.day, a.per_eur, 1 as own from account_fx_rates a
        where a.account_id = ${account} and a.currency = ${currency} and a.day <= ${day}
        order by a.day desc limit 1)
      union all
      (select f.day, f.per_eur, 0 as own from fx_rates f
        where f.currency = ${currency} and f.day <= ${day}
        order by f.day desc limit 1)
    ) r order by r.day desc, r.own desc limit 1)`;
}

/** The per_eur of rateInEffectRow, as a scalar. */
export function rateInEffectSql(
  account: RawBuilder<unknown>,
  currency: RawBuilder<unknown>,
  day: RawBuilder<unknown>,
): RawBuilder<string | null> {
  return sql<string | null>`(select e.per_eur from ${rateInEffectRow(account, currency, day)} e)`;
}

/** Every known rate of these currencies: for refiguring many rows across many days. */
export async function rateHistory(db: Db, accountId: string, currencies: string[]): Promise<RateLookup> {
  const wanted = [...new Set(currencies)].filter((c) => c !== 'EUR');
  if (wanted.length === 0) return rateLookupFrom([]);
  const ecb = await db.selectFrom('fx_rates').select(['currency', 'day', 'per_eur']).where('currency', 'in', wanted).execute();
  const own = await db
    .selectFrom('account_fx_rates')
    .select(['currency', 'day', 'per_eur'])
    .where('account_id', '=', accountId)
    .where('currency', 'in', wanted)
    .execute();
  // Later entries win on the same day, so the account's own rates go last.
  const rates: Rate[] = [...ecb, ...own].map((r) => ({ currency: r.currency, day: r.day, perEur: r.per_eur }));
  return rateLookupFrom(rates);
}

const CHUNK = 5_000;

/** Adds ECB rates (accountId null) or an account's own rates; a rate already there is replaced. */
export async function storeRates(db: Db, accountId: string | null, rates: readonly Rate[]): Promise<number> {
  for (let i = 0; i < rates.length; i += CHUNK) {
    const chunk = rates.slice(i, i + CHUNK);
    const currencies = chunk.map((r) => r.currency);
    const days = chunk.map((r) => r.day);
    const values = chunk.map((r) => r.perEur);
    if (accountId === null) {
      await sql`
        insert into fx_rates (currency, day, per_eur)
        select * from unnest(${currencies}::text[], ${days}::date[], ${values}::numeric[])
        on conflict (currency, day) do update set per_eur = excluded.per_eur`.execute(db);
    } else {
      await sql`
        insert into account_fx_rates (account_id, currency, day, per_eur)
        select ${accountId}::bigint, * from unnest(${currencies}::text[], ${days}::date[], ${values}::numeric[])
        on conflict (account_id, currency, day) do update set per_eur = excluded.per_eur`.execute(db);
    }
  }
  return rates.length;
}
