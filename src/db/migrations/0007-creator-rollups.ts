import type { Kysely } from 'kysely';
import { rollupTriggers } from './rollup-triggers.ts';
import { runStatements } from './run-statements.ts';

// Per-creator sums across campaigns, for the Community: one row per creator and period instead
// of one per membership. Three grains, by day, month (its first day) or year (its 1 January) in
// the account's time zone:
//   rollup_creator_days / _months / _years   (account, bucket, creator)  orders, sales, commission
// Every counted conversion of the creator is in them, whichever campaign it came through and
// whether or not the member was removed since (the Community counts those too).
//
// They are kept by triggers of their own on conversions (tally_creator_rollups_*), after the
// same rule as migration 0005's: in the changing transaction, a key-share lock on the account
// first, the old rows' contributions subtracted and the new rows' added, upserted in key order;
// rows that reach zero are kept; nothing is done under tally.rollups = 'rebuild'. The rebuild
// (tally_rebuild_rollups) rebuilds migration 0005's rollups as before, then sums these from the
// member rollups it has just written.

const SUMS = ['orders', 'sales', 'commission'];

// The counted contributions of the rows of `source` with a sign, by account, day and creator.
export const contributions = (source: string, sign: number) => `
      select r.account_id, (r.order_date at time zone a.time_zone)::date as day, r.creator_id,
             ${sign} as orders, ${sign} * r.converted_minor as sales, ${sign} * coalesce(r.commission_minor, 0) as commission
      from ${source} r join accounts a on a.id = r.account_id
      where r.counted`;

// Upserts `source`'s rows summed by `bucket` (a date expression over `day`) and creator into
// `table`, in key order, zero sums left out.
export const upsert = (table: string, bucket: string, column: string, source: string) => `
      insert into ${table} as t (account_id, ${column}, creator_id, ${SUMS.join(', ')})
      select account_id, ${bucket}, creator_id, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from ${source} group by 1, 2, 3
      having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2, 3
      on conflict (account_id, ${column}, creator_id) do update set ${SUMS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;

// One statement that adds the `delta` rows into the three rollups.
const applyDelta = (delta: string) => `
    with changes as (${delta}),
    daily as (
      select account_id, day, creator_id, ${SUMS.map((c) => `sum(${c}) as ${c}`).join(', ')}
      from changes group by 1, 2, 3
      having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
    ),
    days as (${upsert('rollup_creator_days', 'day', 'day', 'daily')}),
    months as (${upsert('rollup_creator_months', "date_trunc('month', day)::date", 'month', 'daily')})
    ${upsert('rollup_creator_years', "date_trunc('year', day)::date", 'year', 'daily')}`;

// The member rollups of one grain summed per creator into the creator rollup, in key order so
// that a period's rows sit together on disk.
const fromMembers = (table: string, column: string, where: string) => `
      insert into rollup_creator_${table} (account_id, ${column}, creator_id, ${SUMS.join(', ')})
      select account_id, ${column}, creator_id, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from rollup_member_${table} ${where}
      group by 1, 2, 3 having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2, 3`;
const GRAINS: Array<[string, string]> = [
  ['days', 'day'],
  ['months', 'month'],
  ['years', 'year'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table rollup_creator_days (
      account_id bigint not null,
      day date not null,
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, day, creator_id)
    );

    create table rollup_creator_months (
      account_id bigint not null,
      month date not null check (extract(day from month) = 1),
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, month, creator_id)
    );

    create table rollup_creator_years (
      account_id bigint not null,
      year date not null check (extract(doy from year) = 1),
      creator_id bigint not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, year, creator_id)
    );

    ${rollupTriggers('creator', contributions, applyDelta)}

    -- The rebuild of migration 0005, kept as it is under a new name, then the creator rollups.
    alter function tally_rebuild_rollups(bigint) rename to tally_rebuild_member_rollups;

    create function tally_rebuild_creator_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      ${GRAINS.map(
        ([table, column]) => `delete from rollup_creator_${table} where account_id = p_account;
      ${fromMembers(table, column, 'where account_id = p_account')};`,
      ).join('\n      ')}
    end
    $$;

    create function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      perform tally_rebuild_member_rollups(p_account);
      perform tally_rebuild_creator_rollups(p_account);
    end
    $$;

    -- The conversions already there.
    ${GRAINS.map(([table, column]) => `${fromMembers(table, column, '')};`).join('\n')}
  `,
  );
}
