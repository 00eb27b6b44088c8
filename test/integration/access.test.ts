import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Every route, called with no credentials, with another account's admin, and with each role of
// the owning account. The table must list every operation of the OpenAPI document.

type Role = 'viewer' | 'member' | 'admin';
interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  role: Role;
  body?: unknown;
  /** true when the path names something of the owning account: another account gets 404 */
  owned: boolean;
}

// Signed by the store's secret instead of a user's credentials; tested in webhooks.test.ts.
const PUBLIC = new Set([
  'POST /api/signup',
  'POST /api/login',
  'POST /api/logout',
  'POST /webhooks/shopify/{storeId}',
  'POST /webhooks/woocommerce/{storeId}',
]);
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
    const store = (await a.post('/api/stores', { platform: 'custom', name: 'Owner shop', currency: 'EUR', domain: 'owner.example' })).body.id;
    await a.post('/api/account/link-domains', { domain: 'partner.example' });
    const creator = (await a.post('/api/creators', { name: 'Owner creator' })).body.id;
    const campaign = (await a.post('/api/campaigns', { name: 'Owner campaign', commission: { percent: '10' } })).body.id;
    await a.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['OWNERCODE'] });
    const order = await a.put(`/api/stores/${store}/orders/O-1`, {
      number: '#1', createdAt: '2026-03-06T10:00:00Z', updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR', subtotal: '10.00', status: 'paid', codes: ['ownercode'],
    });
    const conversion = order.body.conversionId;
    const key = (await a.post('/api/api-keys', { name: 'spare', role: 'viewer' })).body.id;
    const user = (await a.post('/api/users', { email: `spare${Date.now()}@x.test`, password: 'correct horse battery', role: 'viewer' })).body.id;
    ids = { store, creator, campaign, conversion, key, user };
    const orderBody = { number: '#2', createdAt: '2026-03-06T10:00:00Z', updatedAt: '2026-03-06T10:00:00Z', currency: 'EUR', subtotal: '1.00', status: 'paid' };
    const c = `/api/campaigns/${campaign}`;
    const m = `${c}/members/${creator}`;
    routes = [
      { method: 'POST', path: '/api/api-keys', role: 'admin', owned: false, body: { name: 'k', role: 'viewer' } },
      { method: 'GET', path: '/api/api-keys', role: 'admin', owned: false },
      { method: 'DELETE', path: `/api/api-keys/${key}`, role: 'admin', owned: true },
      { method: 'POST', path: '/api/users', role: 'admin', owned: false, body: { email: `u${Date.now()}@x.test`, password: 'correct horse battery', role: 'viewer' } },
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
      { method: 'GET', path: `/api/stores/${store}/dead-letters`, role: 'admin', owned: true },
      { method: 'POST', path: `/api/stores/${store}/dead-letters/1/replay`, role: 'admin', owned: true },
      { method: 'GET', path: `/api/stores/${store}/privacy-requests`, role: 'admin', owned: true },
      { method: 'PUT', path: `/api/stores/${store}/orders/O-2`, role: 'admin', owned: true, body: orderBody },
      { method: 'GET', path: `/api/stores/${store}/orders/O-1`, role: 'viewer', owned: true },
      { method: 'POST', path: '/api/fx-rates', role: 'admin', owned: false, body: { currency: 'NGN', date: '2026-01-01', perEur: '1600' } },
      { method: 'GET', path: '/api/fx-rates?date=2026-01-01', role: 'viewer', owned: false },
      { method: 'POST', path: '/api/fx-rates/import', role: 'admin', owned: false, body: { not: 'a file' } },
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
        .replace('/dead-letters/1/', '/dead-letters/{dlId}/')
        .replace(/\/orders\/O-\d/, '/orders/{externalId}')
        .replace(`/api/creators/${ids.creator}`, '/api/creators/{id}')
        .replace(`/api/campaigns/${ids.campaign}`, '/api/campaigns/{id}')
        .replace(`/members/${ids.creator}`, '/members/{creatorId}')
        .replace('/codes/EXTRA', '/codes/{code}')
        .replace('/link-domains/partner.example', '/link-domains/{domain}')
        .replace(`/api/conversions/${ids.conversion}`, '/api/conversions/{id}');
    const tested = routes.map((r) => `${r.method} ${template(r.path)}`);
    expect(new Set(tested).size).toBe(tested.length);
    expect([...tested, ...PUBLIC, ...STREAMS, ...OWN].sort()).toEqual(documented.sort());
  });

  it('answers 401 to every route without credentials, and to a wrong key', async () => {
    const anonymous = new Client(t.app);
    const forged = new Client(t.app, { bearer: `tly_${owner.accountId}_${'x'.repeat(43)}` });
    for (const r of routes) {
      for (const client of [anonymous, forged]) {
        const res = await client.call(r.method, r.path, r.body);
        expect([r.method, r.path, res.status, res.body.error?.code]).toEqual([r.method, r.path, 401, 'unauthenticated']);
      }
    }
  });

  it("answers 404 to another account's admin on every route that names the owner's data", async () => {
    for (const r of routes.filter((route) => route.owned)) {
      const res = await stranger.admin.call(r.method, r.path, r.body);
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 404]);
    }
    for (const r of routes.filter((route) => !route.owned && route.method === 'GET')) {
      const res = await stranger.admin.call(r.method, r.path);
      expect([r.path, res.status]).toEqual([r.path, 200]);
      expect(res.text).not.toMatch(/Owner (brand|shop|creator|campaign)/);
    }
  });

  it('lets each role do what it may and answers 403 to the rest', async () => {
    const viewer = await owner.as('viewer');
    const member = await owner.as('member');
    const rank = { viewer: 0, member: 1, admin: 2 };
    for (const [role, client] of [['viewer', viewer], ['member', member]] as const) {
      for (const r of routes) {
        const res = await client.call(r.method, r.path, r.body);
        if (rank[role] < rank[r.role]) {
          expect([role, r.method, r.path, res.status, res.body.error?.code]).toEqual([role, r.method, r.path, 403, 'forbidden']);
        } else {
          expect([role, r.method, r.path, res.status < 400 || res.status === 409]).toEqual([role, r.method, r.path, true]);
        }
      }
    }
  });
});
