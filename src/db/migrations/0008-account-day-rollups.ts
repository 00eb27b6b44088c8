import type { Kysely } from 'kysely';
import { rollupTriggers } from './rollup-triggers.ts';
import { runStatements } from './run-statements.ts';

// The account's counted sales by day in its time zone, for the dashboard's daily series: one
// row per day instead of one per campaign and day (about 55,000 rows for three years of 50
// campaigns, against 1,096).
//   rollup_account_days   (account, day)  orders, sales, commission
//
// Kept like migration 0007's creator rollups: by triggers of their own on conversions, in the
// changing transaction, after a key-share lock on the account; the old rows' contributions
// subtracted and the new rows' added; nothing done under tally.rollups = 'rebuild'. The
// rebuild (tally_rebuild_rollups) sums them from the campaign days it has just written.

const SUMS = ['orders', 'sales', 'commission'];

const contributions = (source: string, sign: number) => `
      select r.account_id, (r.order_date at time zone a.time_zone)::date as day,
             ${sign} as orders, ${sign} * r.converted_minor as sales, ${sign} * coalesce(r.commission_minor, 0) as commission
      from ${source} r join accounts a on a.id = r.account_id
      where r.counted`;

const applyDelta = (delta: string) => `
      insert into rollup_account_days as t (account_id, day, ${SUMS.join(', ')})
      select account_id, day, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from (${delta}) changes group by 1, 2
      having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2
      on conflict (account_id, day) do update set ${SUMS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;

const fromCampaignDays = (where: string) => `
      insert into rollup_account_days (account_id, day, ${SUMS.join(', ')})
      select account_id, day, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from rollup_campaign_days ${where}
      group by 1, 2 having ${SUMS.map((c) => `sum(${c}) <> 0`).join(' or ')}
      order by 1, 2`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table rollup_account_days (
      account_id bigint not null,
      day date not null,
      orders bigint not null,
      sales bigint not null,
      commission bigint not null,
      primary key (account_id, day)
    );

    ${rollupTriggers('account', contributions, applyDelta)}

    create function tally_rebuild_account_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      delete from rollup_account_days where account_id = p_account;
      ${fromCampaignDays('where account_id = p_account')};
    end
    $$;

    create or replace function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      perform tally_rebuild_member_rollups(p_account);
      perform tally_rebuild_creator_rollups(p_account);
      perform tally_rebuild_account_rollups(p_account);
    end
    $$;

    -- The conversions already there.
    ${fromCampaignDays('')};
  `,
  );
}
