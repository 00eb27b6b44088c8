// Every query key of the app, from one factory: a key names exactly what its query fetches, so
// two different answers never share one (members with and without the removed ones did), and
// invalidations name a resource by its prefix. Live updates (live.ts) use the same keys.

/** A query's parameters as one text, for a key; absent ones are left out. */
export function queryText(query: Record<string, string | undefined>): string {
  return new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

export interface MembersOptions {
  /** With the members removed from the campaign (the Settings tab), or only the active ones. */
  removed: boolean;
}

export const keys = {
  dashboard: {
    all: ['dashboard'] as const,
    range: (query: string) => ['dashboard', query] as const,
  },
  campaigns: {
    all: ['campaigns'] as const,
    list: () => ['campaigns', 'list'] as const,
    detail: (id: string) => ['campaigns', 'detail', id] as const,
  },
  performance: {
    all: ['performance'] as const,
    campaign: (campaignId: string) => ['performance', campaignId] as const,
  },
  conversions: {
    all: ['conversions'] as const,
    campaign: (campaignId: string) => ['conversions', campaignId] as const,
    list: (campaignId: string, filter: string) => ['conversions', campaignId, filter] as const,
  },
  members: {
    all: ['members'] as const,
    campaign: (campaignId: string) => ['members', campaignId] as const,
    list: (campaignId: string, { removed }: MembersOptions) => ['members', campaignId, { removed }] as const,
  },
  creators: {
    all: ['creators'] as const,
    choices: (q: string) => ['creators', 'choices', q] as const,
    removed: () => ['creators', 'removed'] as const,
    detail: (id: string) => ['creators', 'detail', id] as const,
  },
  portal: {
    page: (token: string) => ['portal', token] as const,
    link: (creatorId: string) => ['portal-link', creatorId] as const,
  },
  payoutFiles: {
    withoutPaypal: ['payout-files', 'without-paypal'] as const,
  },
  community: {
    all: ['community'] as const,
    list: (params: string) => ['community', params] as const,
  },
  // Amounts due, payouts and adjustments: a `payouts` event (live.ts) refetches all of them.
  payouts: {
    all: ['payouts'] as const,
    due: (query: string) => ['payouts', 'due', query] as const,
    list: (query: string) => ['payouts', 'list', query] as const,
    detail: (id: string) => ['payouts', 'detail', id] as const,
    adjustments: (creatorId: string) => ['payouts', 'adjustments', creatorId] as const,
  },
  creator: {
    all: ['creator'] as const,
    detail: (id: string) => ['creator', id, 'detail'] as const,
    campaigns: (id: string) => ['creator', id, 'campaigns'] as const,
    conversions: (id: string) => ['creator', id, 'conversions'] as const,
  },
  settings: {
    stores: ['settings', 'stores'] as const,
    deadLetters: (storeId: string) => ['settings', 'dead-letters', storeId] as const,
    users: ['settings', 'users'] as const,
    apiKeys: ['settings', 'api-keys'] as const,
    // Under the stores: a store's domain is one of the account's link domains.
    linkDomains: ['settings', 'stores', 'link-domains'] as const,
    rates: (date: string) => ['settings', 'fx-rates', date] as const,
  },
};
