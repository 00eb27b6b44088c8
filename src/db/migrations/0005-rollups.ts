import type { Kysely } from 'kysely';
import { countableSql } from '../../core/counted.ts';
import { rollupTriggers } from './rollup-triggers.ts';
import { runStatements } from './run-statements.ts';

// Pre-aggregated sums of the counted conversions, so a report reads a few rows per day or per
// month instead of every conversion (the dashboard, a campaign's Performance, the Community).
// Five grains, by day, month (its first day) or year (its 1 January) in the account's time zone:
//   rollup_member_days / _months / _years    (account, bucket, campaign, creator)
//                                            orders, sales, commission
//   rollup_campaign_days / _months           (account, bucket, campaign)
//                                            the same, and fx_missing: the countable conversions
//                                            left out for a missing rate (the dashboard's)
// They are maintained by statement-level triggers on conversions in the changing transaction:
// the old rows' contributions are subtracted, the new rows' added, and the sums upserted in key
// order (so two transactions touching the same rollup rows lock them in the same order and
// cannot deadlock). Rows that reach zero are kept. Each statement first takes a key-share lock
// on the account row; a change of time zone (which rebuilds the account's rollups) locks that
// row FOR UPDATE before anything else, so it waits for the writers in flight and writers wait
// for it: no delta lands in an old day bucket. Other account updates (a new default currency)
// do not conflict with the key-share lock, so they never wait for, or deadlock with, writers.

// The (approval, status) pairs the core calls countable, as a SQL predicate over a row `r`.
const COUNTABLE_SQL = countableSql('r');

// The contributions of the rows of `source` (conversions or a transition table) with a sign.
const contributions = (source: string, sign: number) => `
      select r.account_id, r.campaign_id, r.creator_id, (r.order_date at time zone a.time_zone)::date as day,
             case when r.counted then ${sign} else 0 end as orders,
             case when r.counted then ${sign} * r.converted_minor else 0 end as sales,
             case when r.counted then ${sign} * coalesce(r.commission_minor, 0) else 0 end as commission,
             case when r.fx_missing and ${COUNTABLE_SQL} then ${sign} else 0 end as fx_missing
      from ${source} r join accounts a on a.id = r.account_id`;

const SUMS = ['orders', 'sales', 'commission'];

// An upsert of `source`'s rows, summed by `bucket` (a date expression over `day`) and the keys,
// into `table`; rows go in key order, so concurrent writers lock rollup rows in one order.
function upsert(table: string, bucket: string, column: string, keys: string[], sums: string[], source: string): string {
  const key = ['account_id', column, ...keys];
  const n = key.map((_, i) => i + 1).join(', ');
  return `
      insert into ${table} as t (${[...key, ...sums].join(', ')})
      select account_id, ${bucket}, ${keys.join(', ')}, ${sums.map((c) => `sum(${c})`).join(', ')}
      from ${source} group by ${n}
      having ${sums.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by ${n}
      on conflict (${key.join(', ')}) do update set ${sums.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;
}

// The rows of `source` summed by day and `keys`, zero sums left out.
const grouped = (keys: string[], sums: string[], source: string) => `
      select account_id, day, ${keys.join(', ')}, ${sums.map((c) => `sum(${c}) as ${c}`).join(', ')}
      from ${source} group by account_id, day, ${keys.join(', ')}
      having ${sums.map((c) => `sum(${c}) <> 0`).join(' or ')}`;

// One statement that adds the summed `delta` rows into the five rollups. Unreferenced
// data-modifying CTEs run all the same.
const MEMBER = ['campaign_id', 'creator_id'];
const CAMPAIGN_SUMS = [...SUMS, 'fx_missing'];
const applyDelta = (delta: string) => `
    with changes as (${delta}),
    member_delta as (${grouped(MEMBER, SUMS, 'changes')}),
    campaign_delta as (${grouped(['campaign_id'], CAMPAIGN_SUMS, 'changes')}),
    member_days as (${upsert('rollup_member_days', 'day', 'day', MEMBER, SUMS, 'member_delta')}),
    member_months as (${upsert('rollup_member_months', "date_trunc('month', day)::date", 'month', MEMBER, SUMS, 'member_delta')}),
    member_years as (${upsert('rollup_member_years', "date_trunc('year', day)::date", 'year', MEMBER, SUMS, 'member_delta')}),
    campaign_days as (${upsert('rollup_campaign_days', 'day', 'day', ['campaign_id'], CAMPAIGN_SUMS, 'campaign_delta')})
    ${upsert('rollup_campaign_months', "date_trunc('month', day)::date", 'month', ['campaign_id'], CAMPAIGN_SUMS, 'campaign_delta')}`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table rollup_member_days (
      account_id bigint not null,
      day date not null,
      campaign_id bigint not null,
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, day, campaign_id, creator_id)
    );
    create index rollup_member_days_campaign on rollup_member_days (account_id, campaign_id, day);

    create table rollup_member_months (
      account_id bigint not null,
      month date not null check (extract(day from month) = 1),
      campaign_id bigint not null,
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, month, campaign_id, creator_id)
    );
    create index rollup_member_months_campaign on rollup_member_months (account_id, campaign_id, month);

    create table rollup_member_years (
      account_id bigint not null,
      year date not null check (extract(doy from year) = 1),
      campaign_id bigint not null,
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, year, campaign_id, creator_id)
    );
    create index rollup_member_years_campaign on rollup_member_years (account_id, campaign_id, year);

    create table rollup_campaign_months (
      account_id bigint not null,
      month date not null check (extract(day from month) = 1),
      campaign_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      fx_missing bigint not null,
      primary key (account_id, month, campaign_id)
    );

    create table rollup_campaign_days (
      account_id bigint not null,
      day date not null,
      campaign_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      fx_missing bigint not null,
      primary key (account_id, day, campaign_id)
    );

    ${rollupTriggers('', contributions, applyDelta)}

    -- A change of time zone moves every day bucket: the account's rollups are summed afresh.
    create function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      delete from rollup_member_days where account_id = p_account;
      delete from rollup_member_months where account_id = p_account;
      delete from rollup_member_years where account_id = p_account;
      delete from rollup_campaign_days where account_id = p_account;
      delete from rollup_campaign_months where account_id = p_account;
      ${applyDelta(contributions('(select * from conversions where account_id = p_account)', 1))};
    end
    $$;

    -- The conversions already there.
    ${applyDelta(contributions('conversions', 1))};

    -- The Orders table pages by (order_date, id) within a campaign (conversions_campaign_date);
    -- filtered by creator it walks that creator's rows only.
    create index conversions_creator_date on conversions (account_id, creator_id, order_date desc, id desc);
  `,
  );
}
