import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// SPEC §9, proxies and limits: X-Forwarded-For is believed only from what TRUST_PROXY trusts,
// and the address it yields is the one login and signup are limited by and the one a link's
// visitor is recognised by. Login is limited per address (30 in 15 minutes) and per e-mail (10)
// apart; signup per address (10 in an hour) and per e-mail (5).

const PASSWORD = 'correct horse battery';
const PROXY = '10.9.0.1';

describeDb('proxies and attempt limits', () => {
  let direct: TestApp; // TRUST_PROXY unset
  let proxied: TestApp; // TRUST_PROXY=1: the nearest hop is a proxy
  let listed: TestApp; // TRUST_PROXY=10.9.0.0/16: only proxies there are believed
  beforeAll(async () => {
    direct = await startTestApp();
    proxied = await startTestApp({ env: { TRUST_PROXY: '1' } });
    listed = await startTestApp({ env: { TRUST_PROXY: '10.9.0.0/16' } });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
    await listed?.close();
  });

  const login = (t: TestApp, email: string, from: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: from,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      payload: { email, password: 'wrong password!' },
    });

  const signup = (t: TestApp, email: string, from: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/signup',
      remoteAddress: from,
      payload: { accountName: 'Limited', email, password: PASSWORD, defaultCurrency: 'EUR', timeZone: 'UTC' },
    });

  /** A 429 says so in a stable code and tells when to come back, in the header and the message. */
  function expectRateLimited(res: LightMyRequestResponse, window: number) {
    expect(res.statusCode).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(window);
    expect(res.json()).toEqual({ error: { code: 'rate_limited', message: `Too many attempts. Try again in ${retryAfter} seconds.` } });
    expect(res.headers['cache-control']).toBe('no-store');
  }

  it('without TRUST_PROXY, a rotating X-Forwarded-For gets no further than one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await login(direct, `spray${i}@example.com`, '192.0.2.10', `198.51.100.${i}`)).statusCode);
    expect(statuses).toEqual(Array(30).fill(401));
    expectRateLimited(await login(direct, 'spray30@example.com', '192.0.2.10', '198.51.100.30'), 900);
    expectRateLimited(await login(direct, 'spray31@example.com', '192.0.2.10'), 900);
    // Another address is counted apart.
    expect((await login(direct, 'spray31@example.com', '192.0.2.11')).statusCode).toBe(401);
  });

  it('behind a trusted proxy, the forwarded address is the one limited, whatever a client puts before it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      // A client can prepend its own entries; the proxy appends the address it saw.
      statuses.push((await login(proxied, `many${i}@example.com`, PROXY, `192.0.2.${i}, 203.0.113.50`)).statusCode);
    }
    expect(statuses).toEqual(Array(30).fill(401));
    expectRateLimited(await login(proxied, 'many30@example.com', PROXY, '203.0.113.50'), 900);
    // The proxy's own address is not what was counted: another client behind it still gets in.
    expect((await login(proxied, 'many31@example.com', PROXY, '203.0.113.51')).statusCode).toBe(401);
  });

  it('limits many addresses against one e-mail, and only that e-mail', async () => {
    const { email } = await newAccount(proxied.app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(proxied, email, PROXY, `198.51.100.${100 + i}`)).statusCode);
    expect(statuses).toEqual(Array(10).fill(401));
    // The e-mail is in any case; even the right password waits now.
    expectRateLimited(await login(proxied, email.toUpperCase(), PROXY, '198.51.100.110'), 900);
    const right = await proxied.app.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': '198.51.100.111' },
      payload: { email, password: PASSWORD },
    });
    expectRateLimited(right, 900);
    expect((await login(proxied, `other-${email}`, PROXY, '198.51.100.110')).statusCode).toBe(401);
  });

  it('limits signups per address: the eleventh in an hour waits, another address does not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signup(direct, `signup${i}@example.com`, '192.0.2.20')).statusCode);
    expect(statuses).toEqual(Array(10).fill(201));
    const refused = await signup(direct, 'signup10@example.com', '192.0.2.20');
    expectRateLimited(refused, 3600);
    expect(refused.cookies).toEqual([]);
    const accounts = await direct.db.selectFrom('users').select('id').where('email', '=', 'signup10@example.com').execute();
    expect(accounts).toEqual([]);
    expect((await signup(direct, 'signup10@example.com', '192.0.2.21')).statusCode).toBe(201);
  });

  it('limits signups per e-mail: five attempts from any addresses, then 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signup(direct, 'Taken@example.com', `192.0.2.${30 + i}`)).statusCode);
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    expectRateLimited(await signup(direct, 'taken@EXAMPLE.com', '192.0.2.35'), 3600);
  });

  async function visitorsOf(t: TestApp, clicks: Array<{ from: string; forwardedFor: string }>) {
    const { admin } = await newAccount(t.app);
    expect((await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR', domain: 'shop.example' })).status).toBe(
      201,
    );
    const creator = (await admin.post('/api/creators', { name: 'Lina' })).body.id as string;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' } })).body.id as string;
    expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: [] })).status).toBe(201);
    const link = await admin.post(`/api/campaigns/${campaign}/members/${creator}/links`, { destination: 'https://shop.example/' });
    expect(link.status).toBe(201);
    for (const c of clicks) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/r/${link.body.slug}`,
        remoteAddress: c.from,
        headers: { 'x-forwarded-for': c.forwardedFor, 'user-agent': 'Mozilla/5.0 (tally test)' },
      });
      expect(res.statusCode).toBe(302);
    }
    const { rows } = await sql<{ total: string; unique_visitors: string }>`
      select k.total, k.unique_visitors from link_clicks k join links l on l.account_id = k.account_id and l.id = k.link_id
      where l.slug = ${link.body.slug}`.execute(t.db);
    return rows.map((r) => [Number(r.total), Number(r.unique_visitors)]);
  }

  it('counts a link visitor by the address TRUST_PROXY yields', async () => {
    const twoForwarded = [
      { from: PROXY, forwardedFor: '198.51.100.1' },
      { from: PROXY, forwardedFor: '198.51.100.2' },
    ];
    // Believed: two visitors behind one proxy.
    expect(await visitorsOf(proxied, twoForwarded)).toEqual([[2, 2]]);
    expect(await visitorsOf(listed, twoForwarded)).toEqual([[2, 2]]);
    // Not believed: one peer is one visitor, whatever it forwards.
    expect(await visitorsOf(direct, twoForwarded)).toEqual([[2, 1]]);
    const outsideTheList = [
      { from: '192.0.2.40', forwardedFor: '198.51.100.1' },
      { from: '192.0.2.40', forwardedFor: '198.51.100.2' },
    ];
    expect(await visitorsOf(listed, outsideTheList)).toEqual([[2, 1]]);
  });
});
