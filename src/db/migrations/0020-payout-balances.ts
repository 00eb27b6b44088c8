import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Each creator's amount due, kept as it changes instead of summed from the conversions on every
// read (SPEC §11; an account of 10 million conversions and 50,000 creators answers at once).
//
//   payout_balances    per account and creator: the counted commission of conversions in no
//                      open or paid payout, on hold or payable, and the adjustments in none.
//   accounts.payouts_hold_at
//                      the instant the on hold / payable split of payout_balances is taken at.
//                      Time moves commission from on hold to payable with no write; a reader
//                      moves what became payable between this instant and its own now
//                      (app/payouts/balances.ts), and a sweep moves it into the rows and
//                      advances the instant under the account's lock (app/payouts/hold-sweep.ts).
//
// Kept by statement triggers, in the transaction of the change, whatever path made it:
//   conversions           a free conversion's contribution, old subtracted and new added;
//   payout_lines          a line taken (authorize) subtracts what it covers, a line released
//                         (cancel) adds back the conversion's current commission or the adjustment;
//   payout_adjustments    a free adjustment's amount (a clawback or a manual one, or re-expressed);
//   campaigns.hold_days   the campaign's free conversions move between on hold and payable.
// Each first takes the account key-share, as every writer of conversions does, so the split
// instant it reads cannot move under it (a sweep holds the account FOR UPDATE). Under
// tally.rollups = 'rebuild' the conversions' triggers do nothing: tally_rebuild_rollups, which
// that transaction calls at its end, rebuilds the balances too.
const HELD = (alias: string, campaign: string, at: string) =>
  `${alias}.order_date + ${campaign}.hold_days * interval '86400 seconds' > ${at}`;

// A conversion's contribution to its creator's balance: its counted commission when no
// unreleased line holds it, signed, on hold or payable by the account's split instant.
const conversionContributions = (source: string, sign: number) => `
  select c.account_id, c.creator_id,
         ${sign} * case when ${HELD('c', 'k', 'a.payouts_hold_at')} then c.commission_minor else 0 end as on_hold,
         ${sign} * case when ${HELD('c', 'k', 'a.payouts_hold_at')} then 0 else c.commission_minor end as payable,
         0::bigint as adjustments
  from ${source} c
  join accounts a on a.id = c.account_id
  join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
  where c.counted and coalesce(c.commission_minor, 0) <> 0
    and not exists (select 1 from payout_lines l where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)`;

// What lines cover, signed: a conversion's line its current counted commission (changes made
// while it was held went to clawbacks), on hold or payable by the split instant; an
// adjustment's line the adjustment. Followed by a where clause over the line \`l\`.
const lineCovers = (source: string, sign: number) => `
  select l.account_id, l.creator_id,
         ${sign} * case when c.counted and ${HELD('c', 'k', 'a.payouts_hold_at')} then coalesce(c.commission_minor, 0) else 0 end as on_hold,
         ${sign} * case when c.counted and not ${HELD('c', 'k', 'a.payouts_hold_at')} then coalesce(c.commission_minor, 0) else 0 end
           as payable,
         ${sign} * coalesce(j.amount_minor, 0) as adjustments
  from ${source} l
  join accounts a on a.id = l.account_id
  left join conversions c on c.account_id = l.account_id and c.id = l.conversion_id
  left join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
  left join payout_adjustments j on j.account_id = l.account_id and j.id = l.adjustment_id`;

const applyDelta = (delta: string) => `
  insert into payout_balances as b (account_id, creator_id, on_hold_minor, payable_minor, adjustments_minor)
  select account_id, creator_id, sum(on_hold), sum(payable), sum(adjustments)
  from (${delta}) as d (account_id, creator_id, on_hold, payable, adjustments)
  group by account_id, creator_id
  having sum(on_hold) <> 0 or sum(payable) <> 0 or sum(adjustments) <> 0
  order by account_id, creator_id
  on conflict (account_id, creator_id) do update
    set on_hold_minor = b.on_hold_minor + excluded.on_hold_minor,
        payable_minor = b.payable_minor + excluded.payable_minor,
        adjustments_minor = b.adjustments_minor + excluded.adjustments_minor`;

const lockAccounts = (source: string) => `
  perform 1 from accounts where id in (select account_id from ${source}) order by id for key share;`;

const conversionTrigger = (event: string, body: string, source: string) => `
  create function tally_payout_balances_${event}() returns trigger language plpgsql as $$
  begin
    if current_setting('tally.rollups', true) = 'rebuild' then
      return null;
    end if;
    ${lockAccounts(source)}
    ${applyDelta(body)};
    return null;
  end
  $$;`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table accounts add column payouts_hold_at timestamptz not null default now();

    create table payout_balances (
      account_id bigint not null references accounts (id),
      creator_id bigint not null,
      on_hold_minor bigint not null default 0,
      payable_minor bigint not null default 0,
      adjustments_minor bigint not null default 0,
      primary key (account_id, creator_id)
    );
    -- Amounts due are listed, and paged, by creator name.
    create index creators_name on creators (account_id, name, id);

    ${conversionTrigger('inserted', conversionContributions('new_rows', 1), 'new_rows')}
    ${conversionTrigger('deleted', conversionContributions('old_rows', -1), 'old_rows')}
    ${conversionTrigger(
      'updated',
      `${conversionContributions('new_rows', 1)} union all ${conversionContributions('old_rows', -1)}`,
      'new_rows',
    )}

    create trigger conversions_payout_balances_inserted after insert on conversions
      referencing new table as new_rows for each statement execute function tally_payout_balances_inserted();
    create trigger conversions_payout_balances_deleted after delete on conversions
      referencing old table as old_rows for each statement execute function tally_payout_balances_deleted();
    create trigger conversions_payout_balances_updated after update on conversions
      referencing old table as old_rows new table as new_rows for each statement execute function tally_payout_balances_updated();

    -- A line taken subtracts what it covers; a line released adds it back.
    create function tally_payout_balances_lines_taken() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(`${lineCovers('new_rows', -1)} where not l.released`)};
      return null;
    end
    $$;
    create function tally_payout_balances_lines_released() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(`${lineCovers('new_rows', 1)}
        where l.released and not exists (select 1 from old_rows o where o.account_id = l.account_id and o.id = l.id and o.released)`)};
      return null;
    end
    $$;
    create trigger payout_lines_balances_taken after insert on payout_lines
      referencing new table as new_rows for each statement execute function tally_payout_balances_lines_taken();
    create trigger payout_lines_balances_released after update on payout_lines
      referencing old table as old_rows new table as new_rows for each statement execute function tally_payout_balances_lines_released();

    -- An adjustment in no unreleased line is in the amount due: added when made, its change
    -- when re-expressed in a new currency.
    create function tally_payout_balances_adjustments() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(`
        select n.account_id, n.creator_id, 0::bigint, 0::bigint,
               n.amount_minor - coalesce((select o.amount_minor from old_rows o where o.account_id = n.account_id and o.id = n.id), 0)
        from new_rows n
        where not exists (select 1 from payout_lines l where l.account_id = n.account_id and l.adjustment_id = n.id and not l.released)`)};
      return null;
    end
    $$;
    create function tally_payout_balances_adjustments_made() returns trigger language plpgsql as $$
    begin
      ${lockAccounts('new_rows')}
      ${applyDelta(`
        select n.account_id, n.creator_id, 0::bigint, 0::bigint, n.amount_minor
        from new_rows n
        where not exists (select 1 from payout_lines l where l.account_id = n.account_id and l.adjustment_id = n.id and not l.released)`)};
      return null;
    end
    $$;
    create trigger payout_adjustments_balances_made after insert on payout_adjustments
      referencing new table as new_rows for each statement execute function tally_payout_balances_adjustments_made();
    create trigger payout_adjustments_balances_changed after update on payout_adjustments
      referencing old table as old_rows new table as new_rows for each statement execute function tally_payout_balances_adjustments();

    -- A new hold moves the campaign's free conversions between on hold and payable. The
    -- account FOR UPDATE first: no conversion of it is written meanwhile, and the split
    -- instant stays put.
    create function tally_payout_balances_hold() returns trigger language plpgsql as $$
    begin
      perform 1 from accounts where id = new.account_id for update;
      ${applyDelta(`
        select c.account_id, c.creator_id, s.sign * c.commission_minor, -s.sign * c.commission_minor, 0::bigint
        from conversions c
        join accounts a on a.id = c.account_id
        cross join lateral (select case when ${HELD('c', 'new', 'a.payouts_hold_at')} then 1 else -1 end as sign) s
        where c.account_id = new.account_id and c.campaign_id = new.id and c.counted
          and coalesce(c.commission_minor, 0) <> 0
          and (${HELD('c', 'new', 'a.payouts_hold_at')}) <> (${HELD('c', 'old', 'a.payouts_hold_at')})
          and not exists (select 1 from payout_lines l where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)`)};
      return null;
    end
    $$;
    create trigger campaigns_payout_balances_hold after update of hold_days on campaigns
      for each row when (old.hold_days is distinct from new.hold_days) execute function tally_payout_balances_hold();

    -- An account's balances summed afresh from the conversions, lines and adjustments, split
    -- at the account's instant.
    create function tally_rebuild_payout_balances(p_account bigint) returns void language plpgsql as $$
    begin
      delete from payout_balances where account_id = p_account;
      ${applyDelta(`
        ${conversionContributions('conversions', 1)} and c.account_id = p_account
        union all
        select j.account_id, j.creator_id, 0::bigint, 0::bigint, j.amount_minor
        from payout_adjustments j
        where j.account_id = p_account
          and not exists (select 1 from payout_lines l where l.account_id = j.account_id and l.adjustment_id = j.id and not l.released)`)};
    end
    $$;

    -- Rebuilding an account's rollups (a new currency, a rebuilt ledger) rebuilds its balances.
    alter function tally_rebuild_rollups(bigint) rename to tally_rebuild_report_rollups;
    create function tally_rebuild_rollups(p_account bigint) returns void language plpgsql as $$
    begin
      perform tally_rebuild_report_rollups(p_account);
      perform tally_rebuild_payout_balances(p_account);
    end
    $$;

    select tally_rebuild_payout_balances(id) from accounts;
  `,
  );
}
