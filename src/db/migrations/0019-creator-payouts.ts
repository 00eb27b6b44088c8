import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Paying creators, the creator's side (SPEC §11).
//   creators.paypal_email   where the PayPal Payouts file sends a creator's pending payouts.
//   portal_links            the link to a creator's own page (`/portal/{token}`). Only a
//                           SHA-256 of the token is kept, so the table gives no page away; a
//                           new link revokes the creator's previous one (the partial unique
//                           index allows one unrevoked link per creator). The token carries no
//                           account id, so its hash is unique across accounts and found by it.
//   payout_audit            also records making and revoking a creator's link.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table creators add column paypal_email text;

    create table portal_links (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      creator_id bigint not null,
      token_hash text not null,
      created_at timestamptz not null default now(),
      created_by text not null,
      revoked_at timestamptz,
      primary key (account_id, id),
      foreign key (account_id, creator_id) references creators (account_id, id)
    );
    create unique index portal_links_token on portal_links (token_hash);
    create unique index portal_links_open on portal_links (account_id, creator_id) where revoked_at is null;

    alter table payout_audit drop constraint payout_audit_action_check;
    alter table payout_audit add constraint payout_audit_action_check
      check (action in ('authorize', 'paid', 'cancel', 'adjust', 'portal_link', 'portal_revoke'));
  `,
  );
}
