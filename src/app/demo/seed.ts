import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { resolveTerms, type Terms } from '../../core/commission.ts';
import type { BaseStatus } from '../../core/status.ts';
import type { Db } from '../../db/connect.ts';
import type { Platform } from '../../db/schema.ts';
import { nullableBigint } from '../../db/values.ts';
import { signup } from '../accounts/accounts.ts';
import { createCampaign } from '../campaigns/campaigns.ts';
import type { CommissionInput } from '../campaigns/commission-terms.ts';
import { createLink } from '../campaigns/links.ts';
import { addMember } from '../campaigns/members.ts';
import { createCreator } from '../creators/creators.ts';
import { applyBatch } from '../ledger/apply-batch.ts';
import { type KeptFacts, keptFactsToJson } from '../ledger/kept-facts.ts';
import { lockAccount } from '../ledger/lock-orders.ts';
import { createStore } from '../stores/stores.ts';
import { seedDemoPayouts } from './payouts.ts';
import { type Random, seededRandom } from './random.ts';

// The demo workspace (README "Demo"): on the first start of an empty embedded database, an
// account with stores in three currencies, creators, campaigns, a year of orders and link
// clicks. Everything the user could have made through the API is made through the app's own
// use cases; the year of orders is generated deterministically and each order goes through the
// ledger's write path as its store would have sent it, kept as a delivery like any other.

export const DEMO_EMAIL = 'demo@tally.example';
export const DEMO_ACCOUNT = 'Glow & Go (demo)';
export const DEMO_CREATORS = 25;
export const DEMO_ORDERS = 20_000;

const DAY_MS = 86_400_000;
const CHUNK = 5_000;

const CREATORS: ReadonlyArray<[name: string, handle: string]> = [
  ['Maya Laurent', 'maya'],
  ['Jonas Weber', 'jonas'],
  ['Aiko Tanaka', 'aiko'],
  ['Lucas Moreau', 'lucas'],
  ['Sofia Rossi', 'sofia'],
  ['Noah Becker', 'noah'],
  ['Emma Dubois', 'emma'],
  ['Hiro Sato', 'hiro'],
  ['Chloé Martin', 'chloe'],
  ['Liam Carter', 'liam'],
  ['Ines Garcia', 'ines'],
  ['Oskar Lind', 'oskar'],
  ['Zoe Bennett', 'zoe'],
  ['Mateo Silva', 'mateo'],
  ['Yuki Mori', 'yuki'],
  ['Clara Schmidt', 'clara'],
  ['Ethan Brooks', 'ethan'],
  ['Lea Fischer', 'lea'],
  ['Nina Kowalski', 'nina'],
  ['Theo Girard', 'theo'],
  ['Ava Thompson', 'ava'],
  ['Ren Kobayashi', 'ren'],
  ['Julia Novak', 'julia'],
  ['Hugo Lambert', 'hugo'],
  ['Mila Jensen', 'mila'],
];

interface CampaignPlan {
  name: string;
  commission: CommissionInput;
  creators: number[];
  suffix: string;
  /** relative weight of the campaign by month of year (0 = January) */
  season: (month: number) => number;
}

const CAMPAIGNS: CampaignPlan[] = [
  {
    name: 'Spring Glow',
    commission: { percent: '10' },
    creators: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    suffix: '10',
    season: (m) => (m >= 2 && m <= 5 ? 2 : 1),
  },
  {
    // A percent plus a fixed amount per order in another currency than the account's.
    name: 'Summer Sport',
    commission: { percent: '7.5', fixed: { value: '1.50', currency: 'USD' } },
    creators: [9, 10, 11, 12, 13, 14, 15, 16, 17],
    suffix: 'SPORT',
    season: (m) => (m >= 5 && m <= 8 ? 2.2 : 0.8),
  },
  {
    name: 'Holiday Gifting',
    commission: { percent: '12' },
    creators: [17, 18, 19, 20, 21, 22, 23, 24, 0],
    suffix: 'GIFT',
    season: (m) => (m >= 10 ? 2.5 : 0.7),
  },
];

interface StorePlan {
  platform: Platform;
  name: string;
  currency: string;
  domain: string;
  /** gross range in minor units, and the step prices come in */
  min: number;
  max: number;
  step: number;
  countries: string[];
  weight: number;
}

const STORES: StorePlan[] = [
  {
    platform: 'shopify',
    name: 'Glow & Go US',
    currency: 'USD',
    domain: 'glow-and-go.myshopify.com',
    min: 1_900,
    max: 24_900,
    step: 100,
    countries: ['US', 'US', 'US', 'CA', 'MX', 'GB'],
    weight: 45,
  },
  {
    platform: 'woocommerce',
    name: 'Glow & Go Europe',
    currency: 'EUR',
    domain: 'shop.glowandgo.eu',
    min: 1_500,
    max: 19_900,
    step: 10,
    countries: ['FR', 'DE', 'DE', 'IT', 'ES', 'NL', 'BE', 'AT'],
    weight: 37,
  },
  {
    platform: 'custom',
    name: 'Glow & Go Japan',
    currency: 'JPY',
    domain: 'glowandgo.jp',
    min: 2_000,
    max: 30_000,
    step: 10,
    countries: ['JP'],
    weight: 18,
  },
];

export interface DemoStore {
  id: string;
  platform: Platform;
  currency: string;
  secret: string;
}

export interface DemoWorkspace {
  accountId: string;
  stores: DemoStore[];
  codes: string[];
  slugs: string[];
}

// The demo user's password is made at seeding and printed once: a published one would let anyone
// who reaches the server sign in. Four groups of four from 32 unambiguous characters: 80 bits.
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export function newDemoPassword(): string {
  const group = () => Array.from({ length: 4 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}

/** True when the database holds no account at all: the only time the demo seeds. */
export async function databaseIsEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** The demo account's stores, codes and links, if the demo workspace exists. */
export async function findDemoWorkspace(db: Db): Promise<DemoWorkspace | null> {
  const user = await db.selectFrom('users').select('account_id').where(sql`lower(email)`, '=', DEMO_EMAIL).executeTakeFirst();
  if (!user) return null;
  const accountId = user.account_id;
  const stores = await db
    .selectFrom('stores')
    .select(['id', 'platform', 'currency', 'webhook_secret'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  const codes = await db.selectFrom('codes').select('code').where('account_id', '=', accountId).orderBy('id').execute();
  const links = await db.selectFrom('links').select('slug').where('account_id', '=', accountId).orderBy('id').execute();
  return {
    accountId,
    stores: stores.map((s) => ({ id: s.id, platform: s.platform, currency: s.currency, secret: s.webhook_secret })),
    codes: codes.map((c) => c.code),
    slugs: links.map((l) => l.slug),
  };
}

interface Member {
  campaignId: string;
  creatorId: string;
  code: string;
  slug: string;
  linkId: string;
  terms: Terms;
  weight: number;
  season: (month: number) => number;
}

interface PlannedOrder {
  store: DemoStore & StorePlan;
  externalId: string;
  number: string;
  placedAt: Date;
  updatedAt: Date;
  base: BaseStatus;
  grossMinor: bigint;
  refundedMinor: bigint;
  codes: string[];
  ref: string | null;
  country: string;
  member: Member | null;
  via: { type: 'code' | 'link'; value: string } | null;
  rejected: boolean;
}

/**
 * Creates the demo workspace, its user signing in with `password`. Call only on an empty
 * database. `now` fixes "the last 12 months".
 */
export async function seedDemo(
  db: Db,
  publicUrl: string,
  password: string,
  now = new Date(),
): Promise<{ accountId: string; orders: number; conversions: number }> {
  const rnd = seededRandom(20_260_401);
  const { account } = await signup(db, {
    accountName: DEMO_ACCOUNT,
    email: DEMO_EMAIL,
    password,
    defaultCurrency: 'EUR',
    timeZone: 'Europe/Paris',
  });
  const accountId = account.id;

  const stores: Array<DemoStore & StorePlan> = [];
  for (const plan of STORES) {
    const s = await createStore(
      db,
      accountId,
      { platform: plan.platform, name: plan.name, currency: plan.currency, domain: plan.domain },
      publicUrl,
    );
    stores.push({ ...plan, id: s.id, secret: s.webhookSecret! });
  }

  const creatorIds: string[] = [];
  for (const [name, handle] of CREATORS) {
    creatorIds.push((await createCreator(db, accountId, { name, handle: `@${handle}`, email: `${handle}@creators.example` })).id);
  }

  const members: Member[] = [];
  for (const plan of CAMPAIGNS) {
    const campaign = await createCampaign(db, accountId, { name: plan.name, commission: plan.commission });
    for (const [rank, index] of plan.creators.entries()) {
      const creatorId = creatorIds[index]!;
      const code = `${CREATORS[index]![1].toUpperCase()}${plan.suffix}`;
      // One member negotiated a better rate than the campaign's.
      const commission = plan.name === 'Holiday Gifting' && rank === 0 ? { percent: '15' } : null;
      await addMember(db, accountId, campaign.id, { creatorId, codes: [code], commission }, publicUrl);
      const link = await createLink(
        db,
        accountId,
        { campaignId: campaign.id, creatorId },
        `https://${STORES[0]!.domain}/collections/${plan.name.toLowerCase().replace(/\W+/g, '-')}`,
        publicUrl,
      );
      members.push({
        campaignId: campaign.id,
        creatorId,
        code,
        slug: link.slug,
        linkId: '',
        terms: { percent: null, fixedMinor: null, fixedCurrency: null },
        weight: 1 / (rank + 1) ** 0.8,
        season: plan.season,
      });
    }
  }
  await loadTermsAndLinks(db, accountId, members);

  const orders = planOrders(rnd, stores, members, now);
  // One transaction: the year of history appears whole or not at all, and commits once. The
  // clicks go first, so an order that came by a link finds the click that brought it.
  const conversions = await db.transaction().execute(async (trx) => {
    await insertClicks(trx, accountId, rnd, members, orders, now);
    return applyOrders(trx, accountId, orders);
  });
  await seedDemoPayouts(db, accountId, DEMO_EMAIL, creatorIds, now);
  return { accountId, orders: orders.length, conversions };
}

/** Each member's resolved terms (the campaign's under the member's override) and link id. */
async function loadTermsAndLinks(db: Db, accountId: string, members: Member[]): Promise<void> {
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('campaigns as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.campaign_id'))
    .select([
      'm.campaign_id',
      'm.creator_id',
      'c.commission_percent as c_percent',
      'c.commission_fixed_minor as c_fixed',
      'c.commission_fixed_currency as c_fixed_currency',
      'm.commission_percent as m_percent',
      'm.commission_fixed_minor as m_fixed',
      'm.commission_fixed_currency as m_fixed_currency',
    ])
    .where('m.account_id', '=', accountId)
    .execute();
  const links = await db.selectFrom('links').select(['id', 'slug']).where('account_id', '=', accountId).execute();
  const linkIds = new Map(links.map((l) => [l.slug, l.id]));
  for (const m of members) {
    const row = rows.find((r) => r.campaign_id === m.campaignId && r.creator_id === m.creatorId)!;
    const override: Partial<Terms> = {};
    if (row.m_percent !== null) override.percent = row.m_percent;
    if (row.m_fixed !== null) {
      override.fixedMinor = BigInt(row.m_fixed);
      override.fixedCurrency = row.m_fixed_currency;
    }
    m.terms = resolveTerms(
      { percent: row.c_percent, fixedMinor: nullableBigint(row.c_fixed), fixedCurrency: row.c_fixed_currency },
      Object.keys(override).length > 0 ? override : null,
    );
    m.linkId = linkIds.get(m.slug)!;
  }
}

/** A year of orders, oldest first: mostly paid, some pending, refunded, canceled; ~20% unattributed. */
function planOrders(rnd: Random, stores: Array<DemoStore & StorePlan>, members: Member[], now: Date): PlannedOrder[] {
  const year = 365 * DAY_MS;
  const times: number[] = [];
  while (times.length < DEMO_ORDERS) {
    // Sales grow over the year: half uniform, half leaning towards today.
    const u = rnd.next() < 0.5 ? rnd.next() : 1 - Math.sqrt(rnd.next());
    const at = now.getTime() - 5 * 60_000 - Math.floor(u * year);
    times.push(at);
  }
  times.sort((a, b) => a - b);
  const seq = new Map<string, number>();
  const orders: PlannedOrder[] = [];
  for (const at of times) {
    const placedAt = new Date(at);
    const store = stores[rnd.weighted(stores.map((s) => s.weight))]!;
    const n = (seq.get(store.id) ?? 0) + 1;
    seq.set(store.id, n);
    const externalId =
      store.platform === 'shopify'
        ? String(5_400_000_000_000 + n * 7919)
        : store.platform === 'woocommerce'
          ? String(10_000 + n)
          : `JP-${String(n).padStart(6, '0')}`;
    const number =
      store.platform === 'shopify' ? `#${1000 + n}` : store.platform === 'woocommerce' ? String(10_000 + n) : `JP${100_000 + n}`;
    const steps = Math.floor((store.max - store.min) / store.step);
    // Skewed towards smaller baskets.
    const grossMinor = BigInt(store.min + Math.floor(rnd.next() ** 1.7 * steps) * store.step);

    let member: Member | null = null;
    let via: PlannedOrder['via'] = null;
    let codes: string[] = [];
    let ref: string | null = null;
    if (rnd.next() < 0.8) {
      const month = placedAt.getUTCMonth();
      member = members[rnd.weighted(members.map((m) => m.weight * m.season(month)))]!;
      if (rnd.next() < 0.85) {
        // Customers type codes in any case.
        const typed = rnd.next() < 0.3 ? member.code.toLowerCase() : member.code;
        codes = [typed];
        via = { type: 'code', value: member.code };
      } else {
        ref = member.slug;
        via = { type: 'link', value: member.slug };
      }
    } else if (rnd.next() < 0.35) {
      codes = [rnd.pick(['WELCOME10', 'FREESHIP', 'BLACKFRIDAY'])];
    }

    const ageDays = (now.getTime() - at) / DAY_MS;
    const r = rnd.next();
    let base: BaseStatus = 'paid';
    let refundedMinor = 0n;
    let later = rnd.int(1, 6) * 3_600_000;
    if (ageDays < 3 ? r < 0.3 : r < 0.01) base = 'pending';
    else if (r < 0.07) {
      base = store.platform === 'shopify' ? 'partially_refunded' : 'paid';
      refundedMinor = (grossMinor * BigInt(rnd.int(10, 60))) / 100n;
      later = rnd.int(2, 20) * DAY_MS;
    } else if (r < 0.12) {
      base = 'refunded';
      refundedMinor = grossMinor;
      later = rnd.int(2, 25) * DAY_MS;
    } else if (r < 0.16) {
      base = 'canceled';
      later = rnd.int(1, 48) * 3_600_000;
    }
    const updatedAt = new Date(Math.min(at + later, now.getTime() - 60_000));
    orders.push({
      store,
      externalId,
      number,
      placedAt,
      updatedAt: updatedAt < placedAt ? placedAt : updatedAt,
      base,
      grossMinor,
      refundedMinor,
      codes,
      ref,
      country: rnd.pick(store.countries),
      member,
      via,
      rejected: member !== null && rnd.next() < 0.01,
    });
  }
  return orders;
}

const iso = (d: Date) => d.toISOString();

/** Each planned order as the store would have sent it, kept and applied through the ledger's write path. */
async function applyOrders(db: Db, accountId: string, orders: PlannedOrder[]): Promise<number> {
  await lockAccount(db, accountId);
  let conversions = 0;
  for (let i = 0; i < orders.length; i += CHUNK) {
    const chunk = orders.slice(i, i + CHUNK);
    const facts = chunk.map(storeFacts);
    await sql`
      insert into deliveries (account_id, store_id, delivery_id, topic, received_at, facts, status, processed_at)
      select ${accountId}::bigint, u.store_id, u.delivery_id, u.topic, u.received_at, u.facts, 'done', u.received_at
      from unnest(${chunk.map((o) => o.store.id)}::bigint[], ${chunk.map((o) => `demo:${o.externalId}`)}::text[],
                  ${chunk.map((o) => TOPIC[o.store.platform])}::text[], ${chunk.map((o) => iso(o.updatedAt))}::timestamptz[],
                  ${facts.map(keptFactsToJson)}::jsonb[]) with ordinality as u(store_id, delivery_id, topic, received_at, facts, n)
      order by u.n`.execute(db);
    const applied = await applyBatch(
      db,
      chunk.map((o, k) => ({ accountId, storeId: o.store.id, facts: facts[k]!, receivedAt: o.updatedAt })),
      { accountLocked: true },
    );
    conversions += applied.filter((a) => a.conversionId !== null).length;

    // About one in a hundred attributed orders rejected by the brand, with a reason.
    const rejected = chunk.filter((o, k) => o.rejected && applied[k]!.conversionId !== null);
    await applyBatch(
      db,
      rejected.map((o, k) => ({
        accountId,
        storeId: o.store.id,
        facts: { kind: 'approval' as const, externalId: o.externalId, action: 'reject' as const },
        receivedAt: o.updatedAt,
        review: { actor: DEMO_EMAIL, reason: REJECT_REASONS[k % REJECT_REASONS.length]! },
      })),
      { accountLocked: true },
    );
  }
  return conversions;
}

const TOPIC: Record<Platform, string> = { shopify: 'orders/updated', woocommerce: 'order.updated', custom: 'custom/order' };
const REJECT_REASONS = ['Self-purchase by the creator', 'Order flagged as fraud', 'Code shared on a coupon site'];

/** What the order's store reports: a Shopify or WooCommerce order with its refund by id, or a custom store's totals. */
function storeFacts(o: PlannedOrder): KeptFacts {
  const common = {
    externalId: o.externalId,
    number: o.number,
    createdAt: o.placedAt,
    updatedAt: o.updatedAt,
    currency: o.store.currency,
    base: o.base,
    codes: o.codes,
    ref: o.ref,
    country: o.country,
  };
  if (o.store.platform === 'custom') {
    return { kind: 'custom_order', order: { ...common, grossMinor: o.grossMinor, refundedMinor: o.refundedMinor } };
  }
  const refunds = o.refundedMinor > 0n ? [{ id: `${o.externalId}-r1`, amountMinor: o.refundedMinor }] : [];
  // Shopify's current subtotal reflects its refunds; WooCommerce has no such figure.
  const currentMinor = o.store.platform === 'shopify' ? o.grossMinor - o.refundedMinor : null;
  return { kind: 'order', order: { ...common, grossMinor: o.grossMinor, currentMinor, refunds } };
}

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A year of daily click counters per link, and a recorded click before every link-attributed order. */
async function insertClicks(db: Db, accountId: string, rnd: Random, members: Member[], orders: PlannedOrder[], now: Date): Promise<void> {
  const counters = new Map<string, { total: number; unique: number }>();
  const bump = (linkId: string, day: string, total: number, unique: number) => {
    const key = `${linkId}|${day}`;
    const c = counters.get(key) ?? { total: 0, unique: 0 };
    c.total += total;
    c.unique += unique;
    counters.set(key, c);
  };
  for (const m of members) {
    for (let d = 0; d < 365; d++) {
      const total = Math.floor(rnd.next() * 12 * m.weight * m.season(new Date(now.getTime() - d * DAY_MS).getUTCMonth()));
      if (total > 0) bump(m.linkId, parisDay.format(new Date(now.getTime() - d * DAY_MS)), total, Math.max(1, Math.round(total * 0.8)));
    }
  }
  const events: Array<{ linkId: string; at: Date }> = [];
  for (const o of orders) {
    if (o.via?.type !== 'link') continue;
    const at = new Date(o.placedAt.getTime() - rnd.int(2, 72 * 60) * 60_000);
    events.push({ linkId: o.member!.linkId, at });
    bump(o.member!.linkId, parisDay.format(at), 1, 1);
  }
  const entries = [...counters.entries()];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK);
    await sql`
      insert into link_clicks (account_id, link_id, day, total, unique_visitors)
      select ${accountId}::bigint, * from unnest(
        ${chunk.map(([k]) => k.split('|')[0]!)}::bigint[], ${chunk.map(([k]) => k.split('|')[1]!)}::date[],
        ${chunk.map(([, c]) => String(c.total))}::bigint[], ${chunk.map(([, c]) => String(c.unique))}::bigint[])`.execute(db);
  }
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await sql`
      insert into link_click_events (account_id, link_id, at)
      select ${accountId}::bigint, *
      from unnest(${chunk.map((e) => e.linkId)}::bigint[], ${chunk.map((e) => iso(e.at))}::timestamptz[])`.execute(db);
  }
}
