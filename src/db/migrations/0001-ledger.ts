import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// The ledger's first schema. Every tenant table carries account_id and leads its keys with it,
// so the data can be distributed by account. Money is bigint minor units; rates and percents
// are numeric so they are never rounded by the database.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table accounts (
      id bigint generated always as identity primary key,
      name text not null,
      default_currency text not null,
      time_zone text not null,
      created_at timestamptz not null default now()
    );

    create table users (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      email text not null,
      password_hash text not null,
      role text not null check (role in ('admin', 'member', 'viewer')),
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    );
    -- Sign-in finds a user by e-mail before it knows the account: the one global lookup.
    create unique index users_email_key on users (lower(email));

    create table sessions (
      account_id bigint not null,
      token_hash text not null,
      user_id bigint not null,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (account_id, token_hash),
      foreign key (account_id, user_id) references users (account_id, id) on delete cascade
    );

    create table api_keys (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      name text not null,
      role text not null check (role in ('admin', 'member', 'viewer')),
      key_hash text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      primary key (account_id, id),
      unique (account_id, key_hash)
    );

    create table stores (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      platform text not null check (platform in ('shopify', 'woocommerce', 'custom')),
      name text not null,
      currency text not null,
      domain text,
      webhook_secret text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    );

    -- ECB reference rates: one table for every account.
    create table fx_rates (
      currency text not null,
      day date not null,
      per_eur numeric not null check (per_eur > 0),
      primary key (currency, day)
    );

    -- Rates an admin added: they belong to that account and win over the ECB's on the same day.
    create table account_fx_rates (
      account_id bigint not null references accounts (id),
      currency text not null,
      day date not null,
      per_eur numeric not null check (per_eur > 0),
      created_at timestamptz not null default now(),
      primary key (account_id, currency, day)
    );

    create table creators (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      name text not null,
      handle text,
      email text,
      removed_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    );

    create table campaigns (
      account_id bigint not null references accounts (id),
      id bigint generated always as identity,
      name text not null,
      commission_percent numeric,
      commission_fixed_minor bigint,
      commission_fixed_currency text,
      attribution_window_days integer not null default 30 check (attribution_window_days > 0),
      created_at timestamptz not null default now(),
      primary key (account_id, id)
    );

    create table members (
      account_id bigint not null,
      campaign_id bigint not null,
      creator_id bigint not null,
      -- A member's own terms; null percent and null fixed mean "the campaign's".
      commission_percent numeric,
      commission_fixed_minor bigint,
      commission_fixed_currency text,
      removed_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (account_id, campaign_id, creator_id),
      foreign key (account_id, campaign_id) references campaigns (account_id, id),
      foreign key (account_id, creator_id) references creators (account_id, id)
    );

    create table codes (
      account_id bigint not null,
      id bigint generated always as identity,
      campaign_id bigint not null,
      creator_id bigint not null,
      code text not null,
      code_norm text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      -- A code belongs to one member at a time.
      unique (account_id, code_norm),
      foreign key (account_id, campaign_id, creator_id) references members (account_id, campaign_id, creator_id)
    );

    create table orders (
      account_id bigint not null,
      id bigint generated always as identity,
      store_id bigint not null,
      external_id text not null,
      number text not null,
      currency text not null,
      placed_at timestamptz not null,
      store_updated_at timestamptz not null,
      base_status text not null,
      gross_minor bigint not null,
      refunded_minor bigint not null default 0,
      status text not null,
      amount_minor bigint not null,
      codes text[] not null default '{}',
      ref text,
      country text,
      received_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id),
      -- One order per store and external id.
      unique (account_id, store_id, external_id),
      foreign key (account_id, store_id) references stores (account_id, id)
    );
    create index orders_placed_at on orders (account_id, placed_at);

    create table conversions (
      account_id bigint not null,
      id bigint generated always as identity,
      order_id bigint not null,
      store_id bigint not null,
      campaign_id bigint not null,
      creator_id bigint not null,
      via_type text not null check (via_type in ('code', 'link')),
      via_value text not null,
      order_date timestamptz not null,
      currency text not null,
      status text not null check (status in ('pending', 'paid', 'partially_refunded', 'refunded', 'canceled')),
      approval text not null default 'approved' check (approval in ('approved', 'rejected')),
      amount_minor bigint not null,
      -- The terms as they were when the conversion was created.
      terms_percent numeric,
      terms_fixed_minor bigint,
      terms_fixed_currency text,
      fx_missing boolean not null,
      converted_minor bigint,
      commission_minor bigint,
      counted boolean not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (account_id, id),
      -- One conversion per order.
      unique (account_id, order_id),
      foreign key (account_id, order_id) references orders (account_id, id),
      foreign key (account_id, campaign_id, creator_id) references members (account_id, campaign_id, creator_id),
      check (fx_missing = (converted_minor is null)),
      check (not (counted and fx_missing))
    );
    create index conversions_campaign_date on conversions (account_id, campaign_id, order_date desc, id desc);
    create index conversions_date on conversions (account_id, order_date desc, id desc);
    create index conversions_fx_missing on conversions (account_id, currency) where fx_missing;

    create table approval_events (
      account_id bigint not null,
      id bigint generated always as identity,
      conversion_id bigint not null,
      at timestamptz not null default now(),
      actor text not null,
      from_approval text not null,
      to_approval text not null,
      reason text,
      primary key (account_id, id),
      foreign key (account_id, conversion_id) references conversions (account_id, id)
    );
    create index approval_events_conversion on approval_events (account_id, conversion_id, at);
  `,
  );
}
