import type { Kysely } from 'kysely';
// Migration 0007's counted contributions by account, local day and creator, and its upsert.
import { contributions, upsert } from './0007-creator-rollups.ts';
import { rollupTriggers } from './rollup-triggers.ts';
import { runStatements } from './run-statements.ts';

// Two more grains for the creator rollups, and an hour grain for the campaigns, so that a
// report range reads a few rows per creator or campaign whatever the data's size:
//   rollup_creator_quarters / _weeks  (account, bucket, creator)  orders, sales, commission
//     by quarter (its first day) and ISO week (its Monday) in the account's time zone; a range
//     of days is read as signed pieces of years, quarters, months, weeks and days (a year from
//     April as the year less a quarter plus a quarter; 18 to 31 May as two weeks and days).
//   rollup_campaign_hours             (account, hour, campaign)  orders, sales, commission
//     by UTC hour (a timestamptz on the hour): the part of a day cut by a timestamp bound is
//     read as its whole hours from here and only the minutes around them from the conversions.
//     UTC hours do not move with the account's time zone. (The few conversions left out for a
//     missing rate are still counted from the conversions, by their partial index.)
//
// The creator trigger functions of migration 0007 are replaced by ones that upsert five grains
// instead of three, in the same statement; the campaign hours get triggers of their own, after
// the same rule (a key-share lock on the account first, old rows' contributions subtracted and
// new rows' added, upserted in key order, nothing done under tally.rollups = 'rebuild').
// tally_rebuild_rollups rebuilds both: the creator grains from the member rollups, the hours from
// the conversions.

const SUMS = ['orders', 'sales', 'commission'];

// The creator grains: table suffix, column and its bucket as an expression over a day.
const CREATOR_GRAINS: Array<[string, string, (day: string) => string]> = [
  ['days', 'day', (day) => day],
  ['weeks', 'week', (day) => `date_trunc('week', ${day})::date`],
  ['months', 'month', (day) => `date_trunc('month', ${day})::date`],
  ['quarters', 'quarter', (day) => `date_trunc('quarter', ${day})::date`],
  ['years', 'year', (day) => `date_trunc('year', ${day})::date`],
];

// One statement that adds the `delta` rows into the five grains (unreferenced data-modifying
// CTEs run all the same), in the order of migration 0007's: days, then coarser.
const creatorDelta = (delta: string) => {
  const upserts = CREATOR_GRAINS.map(([table, column, bucket]) => upsert(`rollup_creator_${table}`, bucket('day'), column, 'daily'));
  return `
    with changes as (${delta}),
    daily as (
      select account_id, day, creator_id, ${SUMS.map((c) => `sum(${c}) as ${c}`).join(', ')}
      from changes group by 1, 2, 3
      having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
    ),
    ${CREATOR_GRAINS.slice(0, -1)
      .map(([table], i) => `${table} as (${upserts[i]})`)
      .join(',\n    ')}
    ${upserts.at(-1)}`;
};

// The new creator grains summed from the member days (a week or a quarter is not a sum of the
// member rollups' months or years), in key order.
const creatorFromMemberDays = (table: string, column: string, bucket: (day: string) => string, where: string) => `
      insert into rollup_creator_${table} (account_id, ${column}, creator_id, ${SUMS.join(', ')})
      select account_id, ${bucket('r.day')}, creator_id, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from rollup_member_days r ${where}
      group by 1, 2, 3 having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2, 3`;
const NEW_CREATOR_GRAINS = CREATOR_GRAINS.filter(([table]) => table === 'weeks' || table === 'quarters');

// As migration 0008's: the counted contributions, here by account, UTC hour and campaign.
const hourContributions = (source: string, sign: number) => `
      select r.account_id, date_trunc('hour', r.order_date, 'UTC') as hour, r.campaign_id,
             ${sign} as orders, ${sign} * r.converted_minor as sales, ${sign} * coalesce(r.commission_minor, 0) as commission
      from ${source} r
      where r.counted`;

const hourDelta = (delta: string) => `
      insert into rollup_campaign_hours as t (account_id, hour, campaign_id, ${SUMS.join(', ')})
      select account_id, hour, campaign_id, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from (${delta}) changes group by 1, 2, 3
      having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2, 3
      on conflict (account_id, hour, campaign_id) do update set ${SUMS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;

const hoursFromConversions = (where: string) => `
      insert into rollup_campaign_hours (account_id, hour, campaign_id, ${SUMS.join(', ')})
      select account_id, hour, campaign_id, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from (${hourContributions(`(select * from conversions ${where})`, 1)}) c
      group by 1, 2, 3 having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2, 3`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table rollup_creator_weeks (
      account_id bigint not null,
      week date not null check (extract(isodow from week) = 1),
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, week, creator_id)
    );

    create table rollup_creator_quarters (
      account_id bigint not null,
      quarter date not null check (extract(day from quarter) = 1 and extract(month from quarter) in (1, 4, 7, 10)),
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, quarter, creator_id)
    );

    create table rollup_campaign_hours (
      account_id bigint not null,
      hour timestamptz not null check (date_trunc('hour', hour at time zone 'UTC') = hour at time zone 'UTC'),
      campaign_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, hour, campaign_id)
    );

    -- The creator triggers of migration 0007, replaced by ones that keep five grains.
    drop trigger conversions_creator_rollups_inserted on conversions;
    drop trigger conversions_creator_rollups_deleted on conversions;
    drop trigger conversions_creator_rollups_updated on conversions;
    drop function tally_creator_rollups_inserted();
    drop function tally_creator_rollups_deleted();
    drop function tally_creator_rollups_updated();
    ${rollupTriggers('creator', contributions, creatorDelta)}

    ${rollupTriggers('hour', hourContributions, hourDelta)}

    create function tally_rebuild_finer_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      ${NEW_CREATOR_GRAINS.map(
        ([table, column, bucket]) => `delete from rollup_creator_${table} where account_id = p_account;
      ${creatorFromMemberDays(table, column, bucket, 'where r.account_id = p_account')};`,
      ).join('\n      ')}
      delete from rollup_campaign_hours where account_id = p_account;
      ${hoursFromConversions('where account_id = p_account')};
    end
    $$;

    create or replace function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      perform tally_rebuild_member_rollups(p_account);
      perform tally_rebuild_creator_rollups(p_account);
      perform tally_rebuild_account_rollups(p_account);
      perform tally_rebuild_finer_rollups(p_account);
    end
    $$;

    -- The conversions already there.
    ${NEW_CREATOR_GRAINS.map(([table, column, bucket]) => `${creatorFromMemberDays(table, column, bucket, '')};`).join('\n    ')}
    ${hoursFromConversions('')};
  `,
  );
}
