import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { LinkCandidate, MemberRef } from '../../core/attribution.ts';
import { destinationHost, onDomains, storeDomain } from '../../core/link-domains.ts';
import type { Db } from '../../db/connect.ts';
import { lockActiveMember } from './active-member.ts';
import { assertDestinationAllowed } from './link-domains.ts';

// Affiliate links (SPEC §5.2): a member's short URL on this server that redirects to the
// brand's page with `ref={slug}`, counting clicks on the way. The redirect knows no account,
// so a slug is unique across all of them.

export interface LinkView {
  slug: string;
  url: string;
}

export interface MemberLinkView extends LinkView {
  destination: string;
}

/** 8 URL-safe characters: 48 random bits. */
const newSlug = () => randomBytes(6).toString('base64url');
export const SLUG_SHAPE = /^[A-Za-z0-9_-]{8}$/;

export const linkUrl = (publicUrl: string, slug: string) => `${publicUrl}/r/${slug}`;

/** Gives an active member a new link to `destination`, which must be on a domain the account allows. */
export async function createLink(db: Db, accountId: string, ref: MemberRef, destination: string, publicUrl: string): Promise<LinkView> {
  return db.transaction().execute(async (trx) => {
    await lockActiveMember(trx, accountId, ref);
    await assertDestinationAllowed(trx, accountId, destination);
    // A collision among 2^48 slugs is rare; ON CONFLICT keeps the transaction usable to retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await trx
        .insertInto('links')
        .values({
          account_id: accountId,
          slug: newSlug(),
          campaign_id: ref.campaignId,
          creator_id: ref.creatorId,
          destination,
          visitor_salt: randomBytes(32).toString('base64url'),
        })
        .onConflict((oc) => oc.column('slug').doNothing())
        .returning('slug')
        .executeTakeFirst();
      if (inserted) return { slug: inserted.slug, url: linkUrl(publicUrl, inserted.slug) };
    }
    throw new Error('could not find a free link slug');
  });
}

/** The links of a campaign's members (one member's with `creatorId`), oldest first, by creator. */
export async function linksByCreator(
  db: Db,
  accountId: string,
  campaignId: string,
  creatorId: string | undefined,
  publicUrl: string,
): Promise<Map<string, MemberLinkView[]>> {
  let query = db
    .selectFrom('links')
    .select(['creator_id', 'slug', 'destination'])
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', campaignId);
  if (creatorId !== undefined) query = query.where('creator_id', '=', creatorId);
  const byCreator = new Map<string, MemberLinkView[]>();
  for (const l of await query.orderBy('id').execute()) {
    const view = { slug: l.slug, url: linkUrl(publicUrl, l.slug), destination: l.destination };
    byCreator.set(l.creator_id, [...(byCreator.get(l.creator_id) ?? []), view]);
  }
  return byCreator;
}

/**
 * The destination with `ref={slug}` in its query: the destination's own parameters are kept
 * as written (only an existing `ref` is replaced), and so is its fragment.
 */
export function redirectTarget(destination: string, slug: string): string {
  const url = new URL(destination);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && paramName(part) !== 'ref');
  kept.push(`ref=${encodeURIComponent(slug)}`);
  url.search = `?${kept.join('&')}`;
  return url.href;
}

function paramName(part: string): string {
  const name = part.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Counts a click on the link and answers where to send the visitor: null for an unknown slug,
 * 'off' for a link whose destination the account no longer allows (its store's domain changed,
 * the domain left the list, or the link was made before destinations were checked), which
 * counts nothing. A null visitor (a HEAD request) counts nothing either. The visitor is
 * recognised within the day by an HMAC of IP, user agent and day under the link's salt; the
 * IP itself is never stored. Clicks of removed members count too.
 */
export async function followLink(db: Db, slug: string, visitor: { ip: string; userAgent: string } | null): Promise<string | 'off' | null> {
  if (!SLUG_SHAPE.test(slug)) return null;
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .selectFrom('links as l')
      .innerJoin('accounts as a', 'a.id', 'l.account_id')
      .select([
        'l.account_id',
        'l.id',
        'l.destination',
        'l.visitor_salt',
        sql<Date>`now()`.as('at'),
        sql<string>`(now() at time zone a.time_zone)::date`.as('day'),
        sql<string[]>`array(select domain from link_domains d where d.account_id = l.account_id
          union all select domain from stores s where s.account_id = l.account_id and s.domain is not null)`.as('domains'),
      ])
      .where('l.slug', '=', slug)
      .executeTakeFirst();
    if (!link) return null;
    // Listed domains are kept normalised; a store's is read as written, which storeDomain accepts too.
    const allowed = link.domains.flatMap((d) => storeDomain(d) ?? []);
    if (!onDomains(destinationHost(link.destination), allowed)) return 'off';
    if (visitor === null) return redirectTarget(link.destination, slug);
    const key = { account_id: link.account_id, link_id: link.id, day: link.day };
    const visitorHash = createHmac('sha256', link.visitor_salt)
      .update(`${visitor.ip}\n${visitor.userAgent}\n${link.day}`)
      .digest('base64url');
    const fresh = await trx
      .insertInto('link_click_visitors')
      .values({ ...key, visitor_hash: visitorHash })
      .onConflict((oc) => oc.columns(['account_id', 'link_id', 'day', 'visitor_hash']).doNothing())
      .returning('visitor_hash')
      .executeTakeFirst();
    const uniqueAdd = fresh ? 1 : 0;
    await trx
      .insertInto('link_clicks')
      .values({ ...key, total: '1', unique_visitors: String(uniqueAdd) })
      .onConflict((oc) =>
        oc.columns(['account_id', 'link_id', 'day']).doUpdateSet({
          total: sql`link_clicks.total + 1`,
          unique_visitors: sql`link_clicks.unique_visitors + ${uniqueAdd}`,
        }),
      )
      .execute();
    await trx.insertInto('link_click_events').values({ account_id: link.account_id, link_id: link.id, at: link.at }).execute();
    return redirectTarget(link.destination, slug);
  });
}

/**
 * The link an order's `ref` names in this account, with its campaign's window and the latest
 * click on it at or before the order's creation: what core attribution weighs against codes.
 */
export async function linkCandidate(db: Db, accountId: string, ref: string | null, createdAt: Date): Promise<LinkCandidate | null> {
  if (ref === null || ref === '') return null;
  const row = await db
    .selectFrom('links as l')
    .innerJoin('campaigns as c', (j) => j.onRef('c.account_id', '=', 'l.account_id').onRef('c.id', '=', 'l.campaign_id'))
    .select([
      'l.slug',
      'l.campaign_id',
      'l.creator_id',
      'c.attribution_window_days',
      (eb) =>
        eb
          .selectFrom('link_click_events as e')
          .select((e) => e.fn.max('e.at').as('at'))
          .whereRef('e.account_id', '=', 'l.account_id')
          .whereRef('e.link_id', '=', 'l.id')
          .where('e.at', '<=', createdAt)
          .as('last_click_at'),
    ])
    .where('l.account_id', '=', accountId)
    .where('l.slug', '=', ref)
    .executeTakeFirst();
  if (!row) return null;
  return {
    slug: row.slug,
    member: { campaignId: row.campaign_id, creatorId: row.creator_id },
    lastClickAt: row.last_click_at === null ? null : new Date(row.last_click_at),
    windowDays: row.attribution_window_days,
  };
}
