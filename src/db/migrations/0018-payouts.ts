import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Paying creators (SPEC §11). Amounts are bigint minor units in the account's default currency.
//   campaigns.hold_days   how long a conversion's commission is on hold after its order (0–365).
//   payouts               one per creator and authorization: pending → paid | canceled.
//   payout_adjustments    a bonus or deduction made by hand, or a clawback: the difference a
//                         change made to the commission of a conversion already in a payout.
//   payout_lines          what a payout pays, frozen at authorization: a conversion's commission
//                         or an adjustment. A canceled payout's lines are released; at most one
//                         unreleased line per conversion and per adjustment (the unique
//                         indexes), so nothing is ever in two open or paid payouts.
//   payout_audit          who did what, when: authorize, paid, cancel, adjust.
//
// Clawbacks are written by the database, in the transaction that changes a conversion, whatever
// path changed it (the write path, a bulk refigure, a rebuild's repair, which may also remove
// one): a statement trigger
// compares the counted commission before and after, and for each conversion held by an
// unreleased line adds an adjustment of the difference. Under tally.payouts = 'reexpress' (a
// change of default currency) the difference is a change of unit, not of what is owed: no
// clawback; app/payouts/reexpress.ts re-expresses the adjustments and what the lines cover.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table campaigns add column hold_days integer not null default 15 check (hold_days between 0 and 365);

    create table payouts (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      creator_id bigint not null,
      status text not null default 'pending' check (status in ('pending', 'paid', 'canceled')),
      currency text not null,
      amount_minor bigint not null check (amount_minor > 0),
      note text,
      created_by text not null,
      created_at timestamptz not null default now(),
      paid_at timestamptz,
      method text check (method in ('paypal', 'bank', 'other')),
      reference text,
      canceled_at timestamptz,
      primary key (account_id, id),
      foreign key (account_id, creator_id) references creators (account_id, id),
      check ((status = 'paid') = (paid_at is not null and method is not null))
    );
    create index payouts_creator on payouts (account_id, creator_id, id);
    create index payouts_status on payouts (account_id, status, id);

    create table payout_adjustments (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      creator_id bigint not null,
      kind text not null check (kind in ('manual', 'clawback')),
      amount_minor bigint not null,
      reason text,
      -- The conversion a clawback is for.
      conversion_id bigint,
      actor text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, creator_id) references creators (account_id, id),
      check ((kind = 'clawback') = (conversion_id is not null))
    );
    create index payout_adjustments_creator on payout_adjustments (account_id, creator_id, id);
    create index payout_adjustments_conversion on payout_adjustments (account_id, conversion_id) where conversion_id is not null;

    create table payout_lines (
      account_id bigint not null,
      id bigint generated always as identity,
      payout_id bigint not null,
      creator_id bigint not null,
      conversion_id bigint,
      adjustment_id bigint,
      -- What the payout pays for this line, frozen, in the payout's currency.
      amount_minor bigint not null,
      -- What the line covers in the account's current currency (amount_minor until a change of currency).
      settled_minor bigint not null,
      released boolean not null default false,
      primary key (account_id, id),
      foreign key (account_id, payout_id) references payouts (account_id, id),
      -- No foreign key to conversions: a line is a record of what was paid, kept if a rebuild's
      -- repair removes its conversion (which then gets a clawback of all it was worth).
      foreign key (account_id, adjustment_id) references payout_adjustments (account_id, id),
      check ((conversion_id is null) <> (adjustment_id is null))
    );
    create index payout_lines_payout on payout_lines (account_id, payout_id, id);
    create unique index payout_lines_conversion on payout_lines (account_id, conversion_id) where not released and conversion_id is not null;
    create unique index payout_lines_adjustment on payout_lines (account_id, adjustment_id) where not released and adjustment_id is not null;

    create table payout_audit (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      at timestamptz not null default now(),
      actor text not null,
      action text not null check (action in ('authorize', 'paid', 'cancel', 'adjust')),
      payout_id bigint,
      creator_id bigint,
      detail text not null,
      primary key (account_id, id)
    );

    create function tally_payout_clawbacks() returns trigger language plpgsql as $$
    begin
      -- As every writer of conversions, the account key-share before reading the lines: an
      -- authorization or a cancel (FOR UPDATE) is then either committed and seen, or waited for.
      perform 1 from accounts where id in (select account_id from new_rows) order by id for key share;
      if current_setting('tally.payouts', true) = 'reexpress' then
        return null;
      end if;
      insert into payout_adjustments (account_id, creator_id, kind, amount_minor, reason, conversion_id, actor)
      select d.account_id, d.creator_id, 'clawback', d.delta, 'commission changed after payout', d.id, 'system'
      from (
        select n.account_id, n.id, n.creator_id,
               (case when n.counted then coalesce(n.commission_minor, 0) else 0 end)
               - (case when o.counted then coalesce(o.commission_minor, 0) else 0 end) as delta
        from new_rows n join old_rows o on o.account_id = n.account_id and o.id = n.id
      ) d
      where d.delta <> 0
        and exists (select 1 from payout_lines l where l.account_id = d.account_id and l.conversion_id = d.id and not l.released)
      order by d.account_id, d.id;
      return null;
    end
    $$;

    create function tally_payout_clawbacks_deleted() returns trigger language plpgsql as $$
    begin
      perform 1 from accounts where id in (select account_id from old_rows) order by id for key share;
      insert into payout_adjustments (account_id, creator_id, kind, amount_minor, reason, conversion_id, actor)
      select o.account_id, o.creator_id, 'clawback', -o.commission_minor, 'order removed after payout', o.id, 'system'
      from old_rows o
      where o.counted and coalesce(o.commission_minor, 0) <> 0
        and exists (select 1 from payout_lines l where l.account_id = o.account_id and l.conversion_id = o.id and not l.released)
      order by o.account_id, o.id;
      return null;
    end
    $$;

    create trigger conversions_payout_clawbacks after update on conversions
      referencing old table as old_rows new table as new_rows for each statement execute function tally_payout_clawbacks();
    create trigger conversions_payout_clawbacks_deleted after delete on conversions
      referencing old table as old_rows for each statement execute function tally_payout_clawbacks_deleted();
  `,
  );
}
