import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// A change of default currency or time zone rewrites the figures of every conversion of the
// account: one event per conversion would be millions of events nobody can use. Such a bulk
// change sets `tally.events = 'bulk'` for its transaction, the trigger logs nothing, and the
// change logs one marker instead (conversion_id 0) that tells the account's streams to reload.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create or replace function tally_conversions_changed() returns trigger language plpgsql as $$
    begin
      if current_setting('tally.events', true) = 'bulk' then
        return null;
      end if;
      insert into conversion_events (account_id, conversion_id) select account_id, id from changed;
      perform pg_notify('tally_conversions', '');
      return null;
    end
    $$;
  `,
  );
}
