import { destinationHost, normalizeDomain, onDomains, storeDomain } from '../../core/link-domains.ts';
import type { Db } from '../../db/connect.ts';
import { AppError, notFound } from '../errors.ts';

// The domains an account's affiliate links may lead to (SPEC §9; core/link-domains.ts): its
// stores' domains, and a list its admins keep for the rest (a brand site, a landing page).

export interface LinkDomainsView {
  /** The list admins keep. */
  domains: string[];
  /** The domains of the account's stores, allowed without being listed. */
  storeDomains: string[];
}

const sorted = (domains: Iterable<string>) => [...new Set(domains)].sort();

export async function listLinkDomains(db: Db, accountId: string): Promise<LinkDomainsView> {
  const listed = await db.selectFrom('link_domains').select('domain').where('account_id', '=', accountId).execute();
  const stores = await db
    .selectFrom('stores')
    .select('domain')
    .where('account_id', '=', accountId)
    .where('domain', 'is not', null)
    .execute();
  return {
    domains: sorted(listed.map((r) => r.domain)),
    storeDomains: sorted(stores.flatMap((s) => storeDomain(s.domain!) ?? [])),
  };
}

/** Adds a domain to the list; `added` is false when it was there already. */
export async function addLinkDomain(db: Db, accountId: string, text: string): Promise<{ added: boolean; view: LinkDomainsView }> {
  const domain = domainOf(text);
  const inserted = await db
    .insertInto('link_domains')
    .values({ account_id: accountId, domain })
    .onConflict((oc) => oc.columns(['account_id', 'domain']).doNothing())
    .returning('domain')
    .executeTakeFirst();
  return { added: inserted !== undefined, view: await listLinkDomains(db, accountId) };
}

/** Takes a domain off the list: links to it stop redirecting unless a store has it. */
export async function removeLinkDomain(db: Db, accountId: string, text: string): Promise<void> {
  const removed = await db
    .deleteFrom('link_domains')
    .where('account_id', '=', accountId)
    .where('domain', '=', domainOf(text))
    .returning('domain')
    .executeTakeFirst();
  if (!removed) throw notFound('Link domain');
}

/** Refuses a destination whose host is on none of the account's allowed domains. */
export async function assertDestinationAllowed(db: Db, accountId: string, destination: string): Promise<void> {
  const { domains, storeDomains } = await listLinkDomains(db, accountId);
  const host = destinationHost(destination);
  if (!onDomains(host, [...domains, ...storeDomains])) {
    throw new AppError(
      'destination_not_allowed',
      `Links may lead only to a domain of one of the account's stores or on its list of link domains; ` +
        `${host} is on neither. An admin can add it in Settings.`,
    );
  }
}

// The schema has checked the shape already; this keeps the one spelling the list compares.
function domainOf(text: string): string {
  const domain = normalizeDomain(text);
  if (domain === null) throw new AppError('invalid_input', `${JSON.stringify(text)} is not a domain name.`);
  return domain;
}
