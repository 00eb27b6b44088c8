import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256 } from '../../src/app/accounts/secrets.ts';
import { fastifyRoutes } from '../support/fuzz-api.ts';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { sendShopify } from '../support/store-deliveries.ts';

// Every route the server has, called with every kind of caller: none, a forged key, a session
// gone idle or past its age, a revoked key, the session and key of a removed user, a key whose
// maker was demoted, another account's admin, each role of the owning account by key and by
// session, and a session without its CSRF token. The table below must name every route
// fastify serves (and every operation of the OpenAPI document): a new route fails the first
// test until it is given its role here.

type Role = 'viewer' | 'member' | 'admin';
interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  role: Role;
  body?: unknown;
  /** Headers of a body that is not JSON. */
  headers?: Record<string, string>;
  /** true when the path names something of the owning account: another account gets 404 */
  owned: boolean;
}

// Open to anyone, or signed by the store's secret instead of a user's credentials; each is
// tested in its own file (sessions, webhooks, links, operations).
const PUBLIC = new Set([
  'POST /api/signup',
  'POST /api/login',
  'POST /api/logout',
  'POST /webhooks/shopify/{storeId}',
  'POST /webhooks/woocommerce/{storeId}',
  // A creator's page, opened by its token alone (portal.test.ts).
  'GET /api/portal/{token}',
]);
// Not in the OpenAPI document: probes, the document itself, the redirect and the web app.
const UNDOCUMENTED = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /api/openapi.json', 'GET /r/{slug}', 'GET /*', 'GET *']);
// A stream that stays open: its credentials and account scoping are tested in events.test.ts.
const STREAMS = new Set(['GET /api/events']);
// The signed-in user's own: an API key is refused them (403 session_required), tested in users.test.ts.
const OWN = new Set(['POST /api/me/password', 'POST /api/logout-everywhere']);

describeDb('access control on every route', () => {
  let t: TestApp;
  let routes: Route[];
  let owner: Awaited<ReturnType<typeof newAccount>>;
  let stranger: Awaited<ReturnType<typeof newAccount>>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await newAccount(t.app, { accountName: 'Owner brand' });
    stranger = await newAccount(t.app, { accountName: 'Stranger brand' });
    const a = owner.admin;
    const store = (await a.post('/api/stores', { platform: 'custom', name: 'Owner shop', currency: 'EUR', domain: 'owner.example' })).body
      .id;
    await a.post('/api/account/link-domains', { domain: 'partner.example' });
    const creator = (await a.post('/api/creators', { name: 'Owner creator' })).body.id;
    const campaign = (await a.post('/api/campaigns', { name: 'Owner campaign', commission: { percent: '10' } })).body.id;
    await a.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['OWNERCODE'] });
    const order = await a.put(`/api/stores/${store}/orders/O-1`, {
      number: '#1',
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      subtotal: '10.00',
      status: 'paid',
      codes: ['ownercode'],
    });
    const conversion = order.body.conversionId;
    // A dead letter to replay: a signed Shopify delivery without the fields of an order.
    const shop = (await a.post('/api/stores', { platform: 'shopify', name: 'Owner Shopify', currency: 'EUR' })).body;
    expect(await sendShopify(t.app, { id: shop.id, secret: shop.webhookSecret, currency: 'EUR' }, 'orders/create', '{"id": 1}')).toBe(202);
    const deadLetter = (await a.get(`/api/stores/${shop.id}/dead-letters`)).body.items[0].id;
    const key = (await a.post('/api/api-keys', { name: 'spare', role: 'viewer' })).body.id;
    const user = (await a.post('/api/users', { email: `spare${Date.now()}@x.test`, password: 'correct horse battery', role: 'viewer' }))
      .body.id;
    // A pending payout of the order above (past its 15 days' hold).
    const payout = (await a.post('/api/payouts', {})).body.items[0].id;
    ids = { store, shop: shop.id, deadLetter, creator, campaign, conversion, key, user, payout };
    const orderBody = {
      number: '#2',
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      subtotal: '1.00',
      status: 'paid',
    };
    const c = `/api/campaigns/${campaign}`;
    const m = `${c}/members/${creator}`;
    routes = [
      { method: 'POST', path: '/api/api-keys', role: 'admin', owned: false, body: { name: 'k', role: 'viewer' } },
      { method: 'GET', path: '/api/api-keys', role: 'admin', owned: false },
      { method: 'DELETE', path: `/api/api-keys/${key}`, role: 'admin', owned: true },
      {
        method: 'POST',
        path: '/api/users',
        role: 'admin',
        owned: false,
        body: { email: `u${Date.now()}@x.test`, password: 'correct horse battery', role: 'viewer' },
      },
      { method: 'GET', path: '/api/users', role: 'admin', owned: false },
      { method: 'PATCH', path: `/api/users/${user}`, role: 'admin', owned: true, body: { role: 'viewer' } },
      { method: 'POST', path: `/api/users/${user}/password`, role: 'admin', owned: true, body: { password: 'correct horse battery' } },
      { method: 'DELETE', path: `/api/users/${user}`, role: 'admin', owned: true },
      { method: 'GET', path: '/api/me', role: 'viewer', owned: false },
      { method: 'GET', path: '/api/account', role: 'viewer', owned: false },
      { method: 'PATCH', path: '/api/account', role: 'admin', owned: false, body: { name: 'Same' } },
      { method: 'GET', path: '/api/account/link-domains', role: 'viewer', owned: false },
      { method: 'POST', path: '/api/account/link-domains', role: 'admin', owned: false, body: { domain: 'partner.example' } },
      { method: 'DELETE', path: '/api/account/link-domains/partner.example', role: 'admin', owned: true },
      { method: 'POST', path: '/api/stores', role: 'admin', owned: false, body: { platform: 'custom', name: 'S', currency: 'EUR' } },
      { method: 'GET', path: '/api/stores', role: 'viewer', owned: false },
      { method: 'GET', path: `/api/stores/${store}`, role: 'viewer', owned: true },
      { method: 'PATCH', path: `/api/stores/${store}`, role: 'admin', owned: true, body: { name: 'Owner shop' } },
      { method: 'GET', path: `/api/stores/${shop.id}/dead-letters`, role: 'admin', owned: true },
      { method: 'POST', path: `/api/stores/${shop.id}/dead-letters/${deadLetter}/replay`, role: 'admin', owned: true },
      { method: 'GET', path: `/api/stores/${shop.id}/privacy-requests`, role: 'admin', owned: true },
      { method: 'PUT', path: `/api/stores/${store}/orders/O-2`, role: 'admin', owned: true, body: orderBody },
      { method: 'GET', path: `/api/stores/${store}/orders/O-1`, role: 'viewer', owned: true },
      { method: 'POST', path: '/api/fx-rates', role: 'admin', owned: false, body: { currency: 'NGN', date: '2026-01-01', perEur: '1600' } },
      { method: 'GET', path: '/api/fx-rates?date=2026-01-01', role: 'viewer', owned: false },
      {
        method: 'POST',
        path: '/api/fx-rates/import',
        role: 'admin',
        owned: false,
        body: fs.readFileSync(new URL('../fixtures/fx/ecb-eurofxref-daily-2024-06-28.xml', import.meta.url), 'utf8'),
        headers: { 'content-type': 'text/xml' },
      },
      { method: 'POST', path: '/api/creators', role: 'admin', owned: false, body: { name: 'C' } },
      { method: 'GET', path: '/api/creators?removed=only&limit=1', role: 'viewer', owned: false },
      { method: 'GET', path: `/api/creators/${creator}`, role: 'viewer', owned: true },
      { method: 'PATCH', path: `/api/creators/${creator}`, role: 'admin', owned: true, body: { handle: '@same' } },
      { method: 'DELETE', path: `/api/creators/${creator}`, role: 'admin', owned: true },
      { method: 'POST', path: `/api/creators/${creator}/restore`, role: 'admin', owned: true },
      { method: 'POST', path: '/api/campaigns', role: 'admin', owned: false, body: { name: 'X', commission: { percent: '5' } } },
      { method: 'GET', path: '/api/campaigns', role: 'viewer', owned: false },
      { method: 'GET', path: c, role: 'viewer', owned: true },
      { method: 'PATCH', path: c, role: 'admin', owned: true, body: { name: 'Owner campaign' } },
      { method: 'POST', path: `${c}/members`, role: 'admin', owned: true, body: { creatorId: creator } },
      { method: 'GET', path: `${c}/members`, role: 'viewer', owned: true },
      { method: 'GET', path: m, role: 'viewer', owned: true },
      { method: 'PATCH', path: m, role: 'admin', owned: true, body: { commission: null } },
      { method: 'DELETE', path: m, role: 'admin', owned: true },
      { method: 'POST', path: `${m}/codes`, role: 'admin', owned: true, body: { code: 'EXTRA' } },
      { method: 'DELETE', path: `${m}/codes/EXTRA`, role: 'admin', owned: true },
      { method: 'POST', path: `${m}/links`, role: 'admin', owned: true, body: { destination: 'https://owner.example/shop' } },
      { method: 'GET', path: `${c}/conversions`, role: 'viewer', owned: true },
      { method: 'GET', path: `/api/conversions/${conversion}`, role: 'viewer', owned: true },
      { method: 'POST', path: `/api/conversions/${conversion}/reject`, role: 'member', owned: true, body: {} },
      { method: 'POST', path: `/api/conversions/${conversion}/approve`, role: 'member', owned: true, body: {} },
      { method: 'GET', path: `/api/conversions/${conversion}/history`, role: 'viewer', owned: true },
      { method: 'GET', path: '/api/dashboard', role: 'viewer', owned: false },
      { method: 'GET', path: `${c}/performance`, role: 'viewer', owned: true },
      { method: 'POST', path: `${c}/backfill`, role: 'admin', owned: true, body: { from: '2026-03-01', to: '2026-03-31' } },
      { method: 'GET', path: '/api/community?sort=name&limit=1', role: 'viewer', owned: false },
      { method: 'POST', path: `${c}/conversions/export`, role: 'member', owned: true, body: { ids: [conversion] } },
      { method: 'GET', path: `${c}/conversions/export?from=2026-03-01&to=2026-03-31`, role: 'member', owned: true },
      { method: 'GET', path: '/api/sales/export?from=2026-03-01&to=2026-03-31', role: 'member', owned: false },
      { method: 'GET', path: '/api/payouts/due', role: 'viewer', owned: false },
      { method: 'POST', path: '/api/payouts', role: 'admin', owned: false, body: { minimum: { value: '1000', currency: 'EUR' } } },
      { method: 'GET', path: '/api/payouts?status=pending', role: 'viewer', owned: false },
      { method: 'GET', path: '/api/payouts/audit', role: 'admin', owned: false },
      { method: 'GET', path: `/api/payouts/${payout}`, role: 'viewer', owned: true },
      { method: 'POST', path: `/api/payouts/${payout}/paid`, role: 'admin', owned: true, body: { method: 'bank' } },
      { method: 'POST', path: `/api/payouts/${payout}/cancel`, role: 'admin', owned: true },
      {
        method: 'POST',
        path: `/api/creators/${creator}/adjustments`,
        role: 'admin',
        owned: true,
        body: { amount: { value: '1.00', currency: 'EUR' }, reason: 'bonus' },
      },
      { method: 'GET', path: `/api/creators/${creator}/adjustments`, role: 'viewer', owned: true },
      { method: 'GET', path: `/api/creators/${creator}/campaigns`, role: 'viewer', owned: true },
      { method: 'GET', path: `/api/creators/${creator}/conversions?limit=1`, role: 'viewer', owned: true },
      { method: 'GET', path: '/api/payouts/export?status=pending', role: 'member', owned: false },
      { method: 'GET', path: '/api/payouts/lines/export', role: 'member', owned: false },
      { method: 'GET', path: '/api/payouts/paypal-batch?currency=EUR', role: 'member', owned: false },
      { method: 'GET', path: `/api/creators/${creator}/portal-link`, role: 'admin', owned: true },
      { method: 'POST', path: `/api/creators/${creator}/portal-link`, role: 'admin', owned: true },
      { method: 'DELETE', path: `/api/creators/${creator}/portal-link`, role: 'admin', owned: true },
    ];
  });
  afterAll(async () => t?.close());

  it('lists every operation of the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const template = (path: string) =>
      path
        .split('?')[0]!
        .replace(`/api/api-keys/${ids.key}`, '/api/api-keys/{id}')
        .replace(`/api/users/${ids.user}`, '/api/users/{id}')
        .replace(`/api/stores/${ids.store}`, '/api/stores/{id}')
        .replace(`/api/stores/${ids.shop}`, '/api/stores/{id}')
        .replace(`/dead-letters/${ids.deadLetter}/`, '/dead-letters/{dlId}/')
        .replace(/\/orders\/O-\d/, '/orders/{externalId}')
        .replace(`/api/creators/${ids.creator}`, '/api/creators/{id}')
        .replace(`/api/campaigns/${ids.campaign}`, '/api/campaigns/{id}')
        .replace(`/members/${ids.creator}`, '/members/{creatorId}')
        .replace('/codes/EXTRA', '/codes/{code}')
        .replace('/link-domains/partner.example', '/link-domains/{domain}')
        .replace(`/api/conversions/${ids.conversion}`, '/api/conversions/{id}')
        .replace(`/api/payouts/${ids.payout}`, '/api/payouts/{id}');
    const tested = routes.map((r) => `${r.method} ${template(r.path)}`);
    expect(new Set(tested).size).toBe(tested.length);
    expect([...tested, ...PUBLIC, ...STREAMS, ...OWN].sort()).toEqual(documented.sort());
    // And fastify's own route table: a route left out of the document is not left out here.
    const served = fastifyRoutes(t.app.printRoutes({ commonPrefix: false }));
    expect(served).toEqual(expect.arrayContaining(['GET /api/creators/{id}', 'GET /r/{slug}', 'GET /healthz']));
    expect(served.filter((r) => !UNDOCUMENTED.has(r)).sort()).toEqual(documented.sort());
  });

  it('answers 401 to every route without credentials, a forged key, an expired session, a revoked key, or a removed user', async () => {
    const anonymous = new Client(t.app);
    const forged = new Client(t.app, { bearer: `tly_${owner.accountId}_${'x'.repeat(43)}` });
    // Two sessions of the owner's admin: one idle for 8 days, one past its 30 days.
    const idle = await signIn(owner.email);
    const old = await signIn(owner.email);
    await sql`update sessions set last_seen_at = now() - interval '8 days' where token_hash = ${sha256(tokenOf(idle))}`.execute(t.db);
    await sql`update sessions set expires_at = now() - interval '1 second' where token_hash = ${sha256(tokenOf(old))}`.execute(t.db);
    const revoked = await owner.admin.post('/api/api-keys', { name: 'revoked', role: 'admin' });
    expect((await owner.admin.delete(`/api/api-keys/${revoked.body.id}`)).status).toBe(204);
    // An admin who made a key, then was removed: the session and the key both end.
    const gone = await addUser('admin');
    const goneKey = await gone.post('/api/api-keys', { name: 'made by the removed', role: 'admin' });
    expect(goneKey.status).toBe(201);
    expect((await owner.admin.delete(`/api/users/${gone.userId}`)).status).toBe(204);
    const callers = {
      anonymous,
      forged,
      idle,
      old,
      'revoked key': new Client(t.app, { bearer: revoked.body.key }),
      'removed session': gone,
      'removed key': new Client(t.app, { bearer: goneKey.body.key }),
    };
    for (const [name, client] of Object.entries(callers)) {
      for (const r of [...routes, ...ownRoutes()]) {
        const res = await client.call(r.method, r.path, r.body, r.headers);
        expect([name, r.method, r.path, res.status, res.body.error?.code]).toEqual([name, r.method, r.path, 401, 'unauthenticated']);
      }
    }
  });

  it('answers 403 csrf_token_invalid to every mutating route under a cookie without its token, or with a wrong one', async () => {
    const session = await signIn(owner.email);
    const withoutToken = new Client(t.app, { cookie: session.auth.cookie });
    const wrongToken = new Client(t.app, { cookie: session.auth.cookie, csrf: 'x'.repeat(43) });
    for (const client of [withoutToken, wrongToken]) {
      for (const r of [...routes, ...ownRoutes()]) {
        const res = await client.call(r.method, r.path, r.body, r.headers);
        if (r.method === 'GET') expect([r.path, res.status]).toEqual([r.path, 200]);
        else expect([r.method, r.path, res.status, res.body.error?.code]).toEqual([r.method, r.path, 403, 'csrf_token_invalid']);
      }
    }
  });

  it("answers 404 to another account's admin on every route that names the owner's data", async () => {
    for (const r of routes.filter((route) => route.owned)) {
      const res = await stranger.admin.call(r.method, r.path, r.body, r.headers);
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 404]);
    }
    for (const r of routes.filter((route) => !route.owned && route.method === 'GET')) {
      const res = await stranger.admin.call(r.method, r.path);
      expect([r.path, res.status]).toEqual([r.path, 200]);
      expect(res.text).not.toMatch(/Owner (brand|shop|creator|campaign)/);
    }
  });

  it('lets each role, by key and by session, do what it may and answers 403 to the rest; an admin may do everything', async () => {
    // An admin's key made before the admin was lowered to viewer acts as a viewer.
    const lowered = await addUser('admin');
    const loweredKey = (await lowered.post('/api/api-keys', { name: 'made by a demoted admin', role: 'admin' })).body.key as string;
    expect((await owner.admin.patch(`/api/users/${lowered.userId}`, { role: 'viewer' })).status).toBe(200);
    const callers: Array<[string, Role, Client]> = [
      ['viewer key', 'viewer', await owner.as('viewer')],
      ['viewer session', 'viewer', await addUser('viewer')],
      ['demoted maker key', 'viewer', new Client(t.app, { bearer: loweredKey })],
      ['member key', 'member', await owner.as('member')],
      ['member session', 'member', await addUser('member')],
      // Last: an admin's calls remove and revoke what the others call.
      ['admin session', 'admin', await addUser('admin')],
    ];
    const rank = { viewer: 0, member: 1, admin: 2 };
    // Removals last, the deepest first (a member's code before the member), so each finds what it removes.
    const deletes = routes.filter((r) => r.method === 'DELETE').sort((a, b) => b.path.length - a.path.length);
    const ordered = [...routes.filter((r) => r.method !== 'DELETE'), ...deletes];
    for (const [name, role, client] of callers) {
      for (const r of ordered) {
        const res = await client.call(r.method, r.path, r.body, r.headers);
        if (rank[role] < rank[r.role]) {
          expect([name, r.method, r.path, res.status, res.body.error?.code]).toEqual([name, r.method, r.path, 403, 'forbidden']);
        } else {
          expect([name, r.method, r.path, res.status < 400 || res.status === 409]).toEqual([name, r.method, r.path, true]);
        }
      }
    }
  });

  // A user's own routes: a session of any role may call them; a key is refused them.
  function ownRoutes(): Route[] {
    return [
      {
        method: 'POST',
        path: '/api/me/password',
        role: 'viewer',
        owned: false,
        body: { currentPassword: 'wrong password here', newPassword: 'another horse battery' },
      },
      { method: 'POST', path: '/api/logout-everywhere', role: 'viewer', owned: false },
    ];
  }

  let users = 0;
  /** A new user of the owning account with `role`, signed in by cookie session (with its CSRF token). */
  async function addUser(role: Role): Promise<Client & { userId: string }> {
    users += 1;
    const email = `user${users}-${Date.now()}@owner.test`;
    const created = await owner.admin.post('/api/users', { email, password: 'correct horse battery', role });
    expect(created.status).toBe(201);
    return Object.assign(await signIn(email), { userId: created.body.id as string });
  }

  async function signIn(email: string): Promise<Client> {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password: 'correct horse battery' } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name.endsWith('tally_session'))!;
    return new Client(t.app, { cookie: `${cookie.name}=${cookie.value}`, csrf: res.json().csrfToken });
  }

  const tokenOf = (client: Client) => decodeURIComponent(client.auth.cookie!.split('=')[1]!);
});
