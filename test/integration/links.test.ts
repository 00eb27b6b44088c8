import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Affiliate links (SPEC §5.2): creation, the public redirect and its click counts, attribution
// by `ref`, and clicks in the reports. Clicks happen now, so orders are placed after them.

const IP = '203.0.113.77';
const UA = 'Mozilla/5.0 (tally test)';
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
const MINUTE = 60_000;
const DAY = 86_400_000;

describeDb('affiliate links', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function setup(admin: Client, campaignBody: object = {}) {
    const creator = (await admin.post('/api/creators', { name: 'Lina' })).body.id as string;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' }, ...campaignBody })).body
      .id as string;
    expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['LINA10'] })).status).toBe(201);
    // Links lead only to the account's domains (link-domains.test.ts): the store's is shop.example.
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR', domain: 'shop.example' })).body
      .id as string;
    const link = await admin.post(`/api/campaigns/${campaign}/members/${creator}/links`, {
      destination: 'https://shop.example/tee?color=red&size=m',
    });
    expect(link.status).toBe(201);
    return { creator, campaign, store, slug: link.body.slug as string };
  }

  // A visitor at `from` (X-Forwarded-For is not believed without TRUST_PROXY: proxy.test.ts).
  const click = (slug: string, headers: Record<string, string> = {}, from = IP) =>
    t.app.inject({ method: 'GET', url: `/r/${slug}`, remoteAddress: from, headers: { 'user-agent': UA, ...headers } });

  const placeOrder = (admin: Client, store: string, id: string, over: Record<string, unknown>) =>
    admin.put(`/api/stores/${store}/orders/${id}`, {
      number: `#${id}`,
      createdAt: later(MINUTE),
      updatedAt: later(MINUTE),
      currency: 'EUR',
      subtotal: '100.00',
      status: 'paid',
      ...over,
    });

  async function viaOf(admin: Client, conversionId: string | null) {
    if (conversionId === null) return null;
    return (await admin.get(`/api/conversions/${conversionId}`)).body.via;
  }

  async function clickRows(slug: string) {
    const { rows } = await sql<{ day: string; total: string; unique_visitors: string }>`
      select k.day, k.total, k.unique_visitors from link_clicks k join links l on l.account_id = k.account_id and l.id = k.link_id
      where l.slug = ${slug}`.execute(t.db);
    return rows.map((r) => [Number(r.total), Number(r.unique_visitors)]);
  }

  it('creates a link with an 8-character slug and lists it on the member', async () => {
    const { admin } = await newAccount(t.app);
    const { campaign, creator, slug } = await setup(admin);
    expect(slug).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const second = await admin.post(`/api/campaigns/${campaign}/members/${creator}/links`, { destination: 'http://shop.example/' });
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ slug: expect.stringMatching(/^[A-Za-z0-9_-]{8}$/), url: `http://tally.test/r/${second.body.slug}` });
    expect(second.body.slug).not.toBe(slug);
    const member = await admin.get(`/api/campaigns/${campaign}/members/${creator}`);
    expect(member.body.links).toEqual([
      { slug, url: `http://tally.test/r/${slug}`, destination: 'https://shop.example/tee?color=red&size=m' },
      { slug: second.body.slug, url: `http://tally.test/r/${second.body.slug}`, destination: 'http://shop.example/' },
    ]);
    expect((await admin.get(`/api/campaigns/${campaign}/members`)).body.items[0].links).toHaveLength(2);
  });

  it('refuses bad destinations, removed members and other accounts', async () => {
    const { admin } = await newAccount(t.app);
    const { campaign, creator } = await setup(admin);
    const path = `/api/campaigns/${campaign}/members/${creator}/links`;
    for (const destination of ['shop.example/tee', '/tee', 'javascript:alert(1)', 'ftp://shop.example/x', '']) {
      expect([destination, (await admin.post(path, { destination })).status]).toEqual([destination, 400]);
    }
    const stranger = await newAccount(t.app);
    const other = await stranger.admin.post(path, { destination: 'https://shop.example/' });
    expect([other.status, other.body.error.code]).toEqual([404, 'not_found']);
    expect((await admin.post(`/api/campaigns/${campaign}/members/999999/links`, { destination: 'https://shop.example/' })).status).toBe(
      404,
    );
    expect((await admin.delete(`/api/campaigns/${campaign}/members/${creator}`)).status).toBe(204);
    const removed = await admin.post(path, { destination: 'https://shop.example/' });
    expect([removed.status, removed.body.error.code]).toEqual([409, 'member_removed']);
  });

  it('redirects with ref added, counts total and unique clicks, and keeps no IP', async () => {
    const { admin } = await newAccount(t.app);
    const { slug, campaign, creator } = await setup(admin);
    const first = await click(slug);
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(`https://shop.example/tee?color=red&size=m&ref=${slug}`);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(await clickRows(slug)).toEqual([[1, 1]]);
    expect((await click(slug)).statusCode).toBe(302);
    expect(await clickRows(slug)).toEqual([[2, 1]]);
    expect((await click(slug, { 'user-agent': 'Another browser' })).statusCode).toBe(302);
    expect(await clickRows(slug)).toEqual([[3, 2]]);
    expect((await click(slug, {}, '198.51.100.9')).statusCode).toBe(302);
    expect(await clickRows(slug)).toEqual([[4, 3]]);
    // HEAD answers like GET but counts nothing.
    expect((await t.app.inject({ method: 'HEAD', url: `/r/${slug}` })).statusCode).toBe(302);
    expect(await clickRows(slug)).toEqual([[4, 3]]);

    // An existing ref is replaced; the rest of the query and the fragment are kept as written.
    const withRef = await admin.post(`/api/campaigns/${campaign}/members/${creator}/links`, {
      destination: 'https://shop.example/p?ref=old&q=a%20b&REF2=x#top',
    });
    const res = await click(withRef.body.slug);
    expect(res.headers.location).toBe(`https://shop.example/p?q=a%20b&REF2=x&ref=${withRef.body.slug}#top`);

    const { rows } = await sql<{ row: string }>`
      select row_to_json(x)::text as row from (
        select account_id::text, link_id::text, day::text, null as v, total::text as n from link_clicks
        union all select account_id::text, link_id::text, day::text, visitor_hash, null from link_click_visitors
        union all select account_id::text, link_id::text, at::text, null, null from link_click_events
        union all select account_id::text, id::text, slug, destination, visitor_salt from links
      ) x`.execute(t.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const { row } of rows) expect(row).not.toContain(IP);
  });

  it('answers an unknown slug with a 404 page and no redirect', async () => {
    for (const slug of ['zzzzzzzz', 'nope', 'a%2Fb']) {
      const res = await t.app.inject({ method: 'GET', url: `/r/${slug}` });
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('This link is not known');
    }
  });

  it('attributes an order with ref to the link after a click, within the window, codes first', async () => {
    const { admin } = await newAccount(t.app);
    const { slug, store } = await setup(admin);
    // No click yet: the ref alone attributes nothing.
    const early = await placeOrder(admin, store, 'L-0', { ref: slug });
    expect(early.status).toBe(200);
    expect(early.body.conversionId).toBeNull();

    await click(slug);
    const byLink = await placeOrder(admin, store, 'L-1', { ref: slug });
    expect(await viaOf(admin, byLink.body.conversionId)).toEqual({ type: 'link', value: slug });
    // 30 days after the click is still inside the default window.
    const edge = await placeOrder(admin, store, 'L-2', { ref: slug, createdAt: later(29 * DAY), updatedAt: later(29 * DAY) });
    expect(await viaOf(admin, edge.body.conversionId)).toEqual({ type: 'link', value: slug });
    const byCode = await placeOrder(admin, store, 'L-3', { ref: slug, codes: ['lina10'] });
    expect(await viaOf(admin, byCode.body.conversionId)).toEqual({ type: 'code', value: 'LINA10' });
    // A ref of another account's link attributes nothing here.
    const stranger = await newAccount(t.app);
    const theirs = await setup(stranger.admin);
    await click(theirs.slug);
    expect((await placeOrder(admin, store, 'L-4', { ref: theirs.slug })).body.conversionId).toBeNull();
  });

  it('leaves an order outside the window unattributed', async () => {
    const { admin } = await newAccount(t.app);
    const { slug, store } = await setup(admin, { attributionWindowDays: 1 });
    await click(slug);
    const late = await placeOrder(admin, store, 'W-1', { ref: slug, createdAt: later(2 * DAY), updatedAt: later(2 * DAY) });
    expect(late.status).toBe(200);
    expect(late.body.conversionId).toBeNull();
    const inTime = await placeOrder(admin, store, 'W-2', { ref: slug });
    expect(await viaOf(admin, inTime.body.conversionId)).toEqual({ type: 'link', value: slug });
  });

  it('shows clicks and the conversion rate on Performance and in the Community', async () => {
    const { admin } = await newAccount(t.app);
    const { slug, store, campaign, creator } = await setup(admin);
    const before = await admin.get(`/api/campaigns/${campaign}/performance`);
    expect(before.body.creators[0]).toMatchObject({ creatorId: creator, orders: 0, clicks: 0, conversionRate: null });
    await click(slug);
    await click(slug, { 'user-agent': 'Another browser' });
    const order = await placeOrder(admin, store, 'P-1', { ref: slug });
    expect(order.body.conversionId).not.toBeNull();

    const performance = await admin.get(`/api/campaigns/${campaign}/performance`);
    expect(performance.status).toBe(200);
    expect(performance.body.creators).toEqual([
      {
        creatorId: creator,
        name: 'Lina',
        orders: 1,
        sales: { value: '100.00', currency: 'EUR' },
        commission: { value: '10.00', currency: 'EUR' },
        clicks: 2,
        conversionRate: '0.5000',
      },
    ]);
    expect(performance.body.totals).toMatchObject({ orders: 1, clicks: 2, conversionRate: '0.5000' });
    const community = await admin.get('/api/community');
    expect(community.body.creators).toEqual([
      expect.objectContaining({ creatorId: creator, orders: 1, clicks: 2, conversionRate: '0.5000' }),
    ]);
    // A range before today has no clicks.
    const past = await admin.get(`/api/campaigns/${campaign}/performance?to=2020-01-01`);
    expect(past.body.creators[0]).toMatchObject({ clicks: 0, conversionRate: null });

    // Clicks of a removed member still count, and show again when it is added back.
    expect((await admin.delete(`/api/campaigns/${campaign}/members/${creator}`)).status).toBe(204);
    expect((await click(slug)).statusCode).toBe(302);
    expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator })).status).toBe(201);
    const back = await admin.get(`/api/campaigns/${campaign}/performance`);
    expect(back.body.creators[0]).toMatchObject({ clicks: 3, conversionRate: '0.3333' });
  });
});
