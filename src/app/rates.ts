import { sql } from 'kysely';
import { type Rate, type RateLookup, rateLookupFrom } from '../core/fx.ts';
import type { Db } from '../db/connect.ts';

// Reference rates as the core wants them. An account's own rates sit beside the ECB's and win
// on the same day.

/** The latest rate on or before `day` of each currency: enough to figure rows of one day. */
export async function ratesOnDay(db: Db, accountId: string, day: string, currencies: string[]): Promise<RateLookup> {
  const wanted = [...new Set(currencies)].filter((c) => c !== 'EUR');
  const found = new Map<string, string>();
  for (const currency of wanted) {
    const row = await sql<{ per_eur: string }>`
      select per_eur from (
        (select day, per_eur, 1 as own from account_fx_rates
          where account_id = ${accountId} and currency = ${currency} and day <= ${day}::date
          order by day desc limit 1)
        union all
        (select day, per_eur, 0 as own from fx_rates
          where currency = ${currency} and day <= ${day}::date
          order by day desc limit 1)
      ) r order by day desc, own desc limit 1`.execute(db);
    const perEur = row.rows[0]?.per_eur;
    if (perEur) found.set(currency, perEur);
  }
  return (currency, onDay) => {
    if (currency === 'EUR') return '1';
    if (onDay !== day) throw new Error(`rates were loaded for ${day}, not ${onDay}`);
    return found.get(currency);
  };
}

/** Every known rate of these currencies: for refiguring many rows across many days. */
export async function rateHistory(db: Db, accountId: string, currencies: string[]): Promise<RateLookup> {
  const wanted = [...new Set(currencies)].filter((c) => c !== 'EUR');
  if (wanted.length === 0) return rateLookupFrom([]);
  const ecb = await db
    .selectFrom('fx_rates')
    .select(['currency', 'day', 'per_eur'])
    .where('currency', 'in', wanted)
    .execute();
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
