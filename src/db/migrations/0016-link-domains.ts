import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// The domains an admin allows affiliate links to lead to, besides the account's stores'
// domains (SPEC §9): kept lower case, an IDN as punycode. Links made before are not changed:
// the redirect checks every link's destination against the domains allowed when it is followed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table link_domains (
      account_id bigint not null references accounts (id),
      domain text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, domain)
    );
  `,
  );
}
