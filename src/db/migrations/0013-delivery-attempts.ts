import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// A delivery that fails while it is applied is retried a few times with backoff, then becomes
// a dead letter with its error as the reason (SPEC §8), and accounts share the processor fairly.
//
// - `attempts`: how many times it failed on its own (isolated from the rest of a batch).
// - `next_attempt_at`: null for a delivery that never failed (fresh); set once it failed or was
//   in a batch that failed, the earliest moment it is taken again, and taken alone then.
// - `last_error`: the message of the last failure it was part of (its batch's, or its own),
//   kept for the reason of a dead letter.
//
// The pending index leads with the account (the claim walks the accounts with work, then takes
// the oldest fresh ones of each, and the due retries of each, each one a range of this index):
// fresh deliveries of an account are (account_id, null, id) in id order, its retries
// (account_id, next_attempt_at, id) in the order they fall due. It replaces 0012's index in
// plain id order, which could only give the oldest across all accounts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table deliveries add column attempts integer not null default 0;
    alter table deliveries add column next_attempt_at timestamptz;
    alter table deliveries add column last_error text;
    drop index deliveries_pending;
    create index deliveries_pending on deliveries (account_id, next_attempt_at, id) where status = 'pending';
  `,
  );
}
