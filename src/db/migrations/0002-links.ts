import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Affiliate links and their clicks (SPEC §5.2, §9). A click is kept three ways: per-day
// counters for the reports, the day's visitor hashes that make "unique" exact (an HMAC of
// IP + user agent + day under the link's own salt; the raw IP is never stored), and the click
// instants, from which attribution reads "the latest click at or before the order" exactly.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table links (
      account_id bigint not null,
      id bigint generated always as identity,
      slug text not null,
      campaign_id bigint not null,
      creator_id bigint not null,
      destination text not null,
      -- Key of the visitor HMAC; per link, so hashes cannot be matched across links.
      visitor_salt text not null,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, campaign_id, creator_id) references members (account_id, campaign_id, creator_id)
    );
    -- The redirect finds a link by slug before it knows the account: the one global lookup
    -- besides sign-in's e-mail.
    create unique index links_slug_key on links (slug);
    create index links_member on links (account_id, campaign_id, creator_id);

    create table link_clicks (
      account_id bigint not null,
      link_id bigint not null,
      -- The click's day in the account's time zone.
      day date not null,
      total bigint not null default 0,
      unique_visitors bigint not null default 0,
      primary key (account_id, link_id, day),
      foreign key (account_id, link_id) references links (account_id, id)
    );

    create table link_click_visitors (
      account_id bigint not null,
      link_id bigint not null,
      day date not null,
      visitor_hash text not null,
      primary key (account_id, link_id, day, visitor_hash),
      foreign key (account_id, link_id) references links (account_id, id)
    );

    create table link_click_events (
      account_id bigint not null,
      link_id bigint not null,
      at timestamptz not null,
      foreign key (account_id, link_id) references links (account_id, id)
    );
    create index link_click_events_at on link_click_events (account_id, link_id, at);
  `,
  );
}
