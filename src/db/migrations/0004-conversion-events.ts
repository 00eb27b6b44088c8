import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Every change to a conversion — new, status, amount, approval, re-expressed figures — is
// logged here by the database itself, in the same transaction as the change, and announced
// with NOTIFY at commit. Each server process LISTENs and sends the changed conversions to that
// account's event streams; a reconnecting client asks for the events after its last one.
// One trigger per statement (with its transition table) keeps bulk changes cheap.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table conversion_events (
      account_id bigint not null,
      id bigint generated always as identity,
      conversion_id bigint not null,
      at timestamptz not null default now(),
      primary key (account_id, id)
    );
    -- Listeners read the log in id order across accounts.
    create index conversion_events_id on conversion_events (id);

    create function tally_conversions_changed() returns trigger language plpgsql as $$
    begin
      insert into conversion_events (account_id, conversion_id) select account_id, id from changed;
      perform pg_notify('tally_conversions', '');
      return null;
    end
    $$;

    create trigger conversions_inserted after insert on conversions
      referencing new table as changed for each statement execute function tally_conversions_changed();
    create trigger conversions_updated after update on conversions
      referencing new table as changed for each statement execute function tally_conversions_changed();
  `,
  );
}
