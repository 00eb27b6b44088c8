import type { Kysely } from 'kysely';
import type { Approval } from '../../core/approval.ts';
import { isCountable } from '../../core/counted.ts';
import { STORE_STATUSES } from '../../core/status.ts';
import { runStatements } from './run-statements.ts';

// Pre-aggregated sums of the counted conversions, so a report reads a few rows per day or per
// month instead of every conversion (the dashboard, a campaign's Performance, the Community).
// Three grains, all by day or month in the account's time zone:
//   rollup_member_days     (account, day, campaign, creator)    orders, sales, commission
//   rollup_member_months   (account, month, campaign, creator)  the same, by first day of month
//   rollup_campaign_days   (account, day, campaign)             the same, and fx_missing: the
//                          countable conversions left out for a missing rate (the dashboard's)
// They are maintained by statement-level triggers on conversions in the changing transaction:
// the old rows' contributions are subtracted, the new rows' added, and the sums upserted in key
// order (so two transactions touching the same rollup rows lock them in the same order and
// cannot deadlock). Rows that reach zero are kept. Each statement first takes a key-share lock
// on the account row; a change of time zone (which rebuilds the account's rollups) locks that
// row FOR UPDATE before anything else, so it waits for the writers in flight and writers wait
// for it: no delta lands in an old day bucket. Other account updates (a new default currency)
// do not conflict with the key-share lock, so they never wait for, or deadlock with, writers.

// The (approval, status) pairs the core calls countable, as a SQL predicate over a row `r`.
const APPROVALS: readonly Approval[] = ['approved', 'rejected'];
export const COUNTABLE_SQL = `(r.approval, r.status) in (${APPROVALS.flatMap((approval) =>
  STORE_STATUSES.filter((status) => isCountable({ approval, status })).map((status) => `('${approval}', '${status}')`),
).join(', ')})`;

// The contributions of the rows of `source` (conversions or a transition table) with a sign.
const contributions = (source: string, sign: number) => `
      select r.account_id, r.campaign_id, r.creator_id, (r.order_date at time zone a.time_zone)::date as day,
             case when r.counted then ${sign} else 0 end as orders,
             case when r.counted then ${sign} * r.converted_minor else 0 end as sales,
             case when r.counted then ${sign} * coalesce(r.commission_minor, 0) else 0 end as commission,
             case when r.fx_missing and ${COUNTABLE_SQL} then ${sign} else 0 end as fx_missing
      from ${source} r join accounts a on a.id = r.account_id`;

// One statement that adds the summed `delta` rows into the three rollups.
const applyDelta = (delta: string) => `
    with changes as (${delta}),
    member_days as (
      select account_id, day, campaign_id, creator_id, sum(orders) as orders, sum(sales) as sales, sum(commission) as commission
      from changes group by 1, 2, 3, 4
      having sum(orders) <> 0 or sum(sales) <> 0 or sum(commission) <> 0
    ),
    upsert_days as (
      insert into rollup_member_days as t (account_id, day, campaign_id, creator_id, orders, sales, commission)
      select * from member_days order by 1, 2, 3, 4
      on conflict (account_id, day, campaign_id, creator_id) do update set
        orders = t.orders + excluded.orders, sales = t.sales + excluded.sales, commission = t.commission + excluded.commission
    ),
    upsert_months as (
      insert into rollup_member_months as t (account_id, month, campaign_id, creator_id, orders, sales, commission)
      select account_id, date_trunc('month', day)::date, campaign_id, creator_id, sum(orders), sum(sales), sum(commission)
      from member_days group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (account_id, month, campaign_id, creator_id) do update set
        orders = t.orders + excluded.orders, sales = t.sales + excluded.sales, commission = t.commission + excluded.commission
    )
    insert into rollup_campaign_days as t (account_id, day, campaign_id, orders, sales, commission, fx_missing)
    select account_id, day, campaign_id, sum(orders), sum(sales), sum(commission), sum(fx_missing)
    from changes group by 1, 2, 3
    having sum(orders) <> 0 or sum(sales) <> 0 or sum(commission) <> 0 or sum(fx_missing) <> 0
    order by 1, 2, 3
    on conflict (account_id, day, campaign_id) do update set
      orders = t.orders + excluded.orders, sales = t.sales + excluded.sales, commission = t.commission + excluded.commission,
      fx_missing = t.fx_missing + excluded.fx_missing`;

const lockAccounts = (source: string) =>
  `perform 1 from accounts where id in (select account_id from ${source}) order by id for key share;`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
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

    create function tally_rollups_inserted() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(contributions('new_rows', 1))};
      return null;
    end
    $$;

    create function tally_rollups_deleted() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('old_rows')}
      ${applyDelta(contributions('old_rows', -1))};
      return null;
    end
    $$;

    create function tally_rollups_updated() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(`${contributions('new_rows', 1)} union all ${contributions('old_rows', -1)}`)};
      return null;
    end
    $$;

    create trigger conversions_rollups_inserted after insert on conversions
      referencing new table as new_rows for each statement execute function tally_rollups_inserted();
    create trigger conversions_rollups_deleted after delete on conversions
      referencing old table as old_rows for each statement execute function tally_rollups_deleted();
    create trigger conversions_rollups_updated after update on conversions
      referencing old table as old_rows new table as new_rows for each statement execute function tally_rollups_updated();

    -- A change of time zone moves every day bucket: the account's rollups are summed afresh.
    create function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      delete from rollup_member_days where account_id = p_account;
      delete from rollup_member_months where account_id = p_account;
      delete from rollup_campaign_days where account_id = p_account;
      ${applyDelta(contributions('(select * from conversions where account_id = p_account)', 1))};
    end
    $$;

    -- The conversions already there.
    ${applyDelta(contributions('conversions', 1))};

    -- The Orders table pages by (order_date, id) within a campaign (conversions_campaign_date);
    -- filtered by creator it walks that creator's rows only.
    create index conversions_creator_date on conversions (account_id, creator_id, order_date desc, id desc);
  `);
}
