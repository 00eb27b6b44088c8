import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Access can be taken away (SPEC §9).
//
// - `sessions.last_seen_at`: a session ends after 7 idle days as well as 30 days after it
//   opened (expires_at); requests move it forward a few minutes at a time.
// - `api_keys.user_id`: who made the key. A key acts with no more than its maker's role, and
//   the keys of a removed user are revoked (and then forget who made them). Keys made before
//   this migration have no maker and keep their own role.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table sessions add column last_seen_at timestamptz not null default now();
    alter table api_keys add column user_id bigint;
    alter table api_keys add constraint api_keys_user_fkey
      foreign key (account_id, user_id) references users (account_id, id) on delete set null (user_id);
  `,
  );
}
