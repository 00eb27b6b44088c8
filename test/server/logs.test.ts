import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../support/real-server.ts';

// The log of the real server through a full run (SPEC §9): signup and logins (wrong ones too),
// an API key made and used, signed webhooks carrying customer data (a dead letter and its
// replay, a privacy request), link visits through a proxy, a creator's page, an event stream
// and an export.
// What it wrote must hold none of the passwords, cookies, CSRF tokens, keys, webhook secrets,
// signatures, client addresses, query strings or customer data the run sent, and one line
// per request.

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

const PASSWORD = 'Log-Test-Password-7f3a';
const WRONG_PASSWORD = 'Wrong-Password-Guess-91c2';
const VISITOR = '203.0.113.77';
const PROXY = '198.51.100.23';
const QUERY_TOKEN = 'query-token-Qw7Zp';
const ORDER = fixture('shopify/orders-create-docs-sample-cancelled-voided-2026-04.json');
const WOO = (() => {
  const text = fixture('woocommerce/order-ios-fixture-coupon-lines-processing.json');
  return text.slice(text.indexOf('{', text.indexOf('"data"')), text.lastIndexOf('}')).trimEnd();
})();
const CUSTOMERS_REDACT = fixture('shopify/customers-redact-app-template-sample.json');
const PERSONAL = [
  'jon@example.com',
  'john@example.com',
  'Steve Shipper',
  '555-555-SHIP',
  '123 Elm St.',
  '24.52.34.206',
  'scrambled@scrambled.com',
  'Appleseed',
  '555-625-1199',
];

describe('the log of a full run of tally serve', () => {
  let dir: string;
  let base: string;
  let server: RealServer;
  /** Every value the run sent that must not reach the log. */
  const secrets: string[] = [PASSWORD, WRONG_PASSWORD, VISITOR, PROXY, QUERY_TOKEN, ...PERSONAL];
  let requests = 0;

  async function call(method: string, url: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    requests += 1;
    return fetch(`${base}${url}`, { method, headers: init.headers, body: init.body, redirect: 'manual' });
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-logs-'));
    // Not counted as requests: the ones made while waiting for the server to be ready.
    server = await startRealServer(dir, { LOG_LEVEL: 'debug' });
    base = server.base;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs every kind of request through the server', async () => {
    const json = { 'content-type': 'application/json' };
    const signup = await call('POST', '/api/signup', {
      headers: json,
      body: JSON.stringify({
        accountName: 'Logs',
        email: 'owner@logs.example',
        password: PASSWORD,
        defaultCurrency: 'USD',
        timeZone: 'UTC',
      }),
    });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await signup.json()) as { csrfToken: string }).csrfToken;
    secrets.push(cookie.split('=')[1]!, csrf);

    for (const password of [WRONG_PASSWORD, WRONG_PASSWORD, PASSWORD]) {
      const login = await call('POST', '/api/login', {
        headers: { ...json, 'x-forwarded-for': PROXY },
        body: JSON.stringify({ email: 'owner@logs.example', password }),
      });
      expect(login.status).toBe(password === PASSWORD ? 200 : 401);
      if (login.ok)
        secrets.push(
          login.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!,
          ((await login.json()) as { csrfToken: string }).csrfToken,
        );
    }

    const session = { ...json, cookie, 'x-csrf-token': csrf };
    const created = await call('POST', '/api/api-keys', { headers: session, body: JSON.stringify({ name: 'logs', role: 'admin' }) });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { key: string }).key;
    secrets.push(key);
    const api = { ...json, authorization: `Bearer ${key}` };
    expect((await call('GET', '/api/dashboard', { headers: api })).status).toBe(200);
    expect((await call('GET', '/api/dashboard', { headers: { authorization: `Bearer ${key}x` } })).status).toBe(401);

    // Stores and signed deliveries carrying customer data; one is a dead letter, replayed.
    const store = async (platform: string, currency: string) => {
      const res = await call('POST', '/api/stores', {
        headers: api,
        body: JSON.stringify({ platform, name: `${platform} ${currency}`, currency }),
      });
      const body = (await res.json()) as { id: string; webhookSecret: string };
      secrets.push(body.webhookSecret);
      return body;
    };
    const deliver = async (s: { id: string; webhookSecret: string }, platform: string, topic: string, body: string) => {
      const signature = sign(s.webhookSecret, body);
      secrets.push(signature);
      const headers: Record<string, string> =
        platform === 'shopify'
          ? { 'x-shopify-topic': topic, 'x-shopify-webhook-id': `log-${requests}`, 'x-shopify-hmac-sha256': signature }
          : { 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': `log-${requests}`, 'x-wc-webhook-signature': signature };
      return call('POST', `/webhooks/${platform}/${s.id}`, { headers: { ...json, ...headers }, body });
    };
    const shopify = await store('shopify', 'EUR');
    expect((await deliver(shopify, 'shopify', 'orders/create', ORDER)).status).toBe(202);
    const woo = await store('woocommerce', 'USD');
    expect((await deliver(woo, 'woocommerce', 'order.created', WOO)).status).toBe(200);
    const forged = await call('POST', `/webhooks/shopify/${shopify.id}`, {
      headers: { ...json, 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'Zm9yZ2VkLXNpZ25hdHVyZQ==' },
      body: ORDER,
    });
    expect(forged.status).toBe(401);
    expect((await deliver(shopify, 'shopify', 'customers/redact', CUSTOMERS_REDACT)).status).toBe(200);
    expect((await call('PATCH', `/api/stores/${shopify.id}`, { headers: api, body: JSON.stringify({ currency: 'USD' }) })).status).toBe(
      200,
    );
    const dead = (await (await call('GET', `/api/stores/${shopify.id}/dead-letters`, { headers: api })).json()) as {
      items: Array<{ id: string }>;
    };
    expect(dead.items).toHaveLength(1);
    const replay = await call('POST', `/api/stores/${shopify.id}/dead-letters/${dead.items[0]!.id}/replay`, { headers: api, body: '{}' });
    expect(((await replay.json()) as { status: string }).status).toBe('done');

    // A link followed by a visitor behind a proxy, with a query string of its own.
    const creator = (await (await call('POST', '/api/creators', { headers: api, body: JSON.stringify({ name: 'Mia' }) })).json()) as {
      id: string;
    };
    const campaign = (await (
      await call('POST', '/api/campaigns', { headers: api, body: JSON.stringify({ name: 'Summer', commission: { percent: '10' } }) })
    ).json()) as { id: string };
    expect(
      (
        await call('POST', `/api/campaigns/${campaign.id}/members`, {
          headers: api,
          body: JSON.stringify({ creatorId: creator.id, codes: ['MIA10'] }),
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('POST', '/api/account/link-domains', { headers: api, body: JSON.stringify({ domain: 'shop.example' }) })).status,
    ).toBe(201);
    const link = await call('POST', `/api/campaigns/${campaign.id}/members/${creator.id}/links`, {
      headers: api,
      body: JSON.stringify({ destination: 'https://shop.example/summer' }),
    });
    expect(link.status).toBe(201);
    const { slug } = (await link.json()) as { slug: string };
    const visit = await call('GET', `/r/${slug}?token=${QUERY_TOKEN}`, {
      headers: { 'x-forwarded-for': `${VISITOR}, ${PROXY}`, 'user-agent': 'LogTestBrowser/1.0' },
    });
    expect(visit.status).toBe(302);

    // A creator's page: its token is in the path of the page, of its API and of a path no route takes.
    const portal = await call('POST', `/api/creators/${creator.id}/portal-link`, { headers: api, body: '{}' });
    expect(portal.status).toBe(201);
    const token = new URL(((await portal.json()) as { url: string }).url).pathname.split('/')[2]!;
    secrets.push(token);
    expect((await call('GET', `/api/portal/${token}`)).status).toBe(200);
    expect((await call('GET', `/api/portal/${token}/more`)).status).toBe(404);
    await (await call('GET', `/portal/${token}`)).text();

    // An event stream, opened and closed by the client.
    const stream = new AbortController();
    requests += 1;
    const events = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${key}` }, signal: stream.signal });
    expect(events.status).toBe(200);
    stream.abort();

    const exported = await call('GET', '/api/sales/export?from=2020-01-01&to=2030-12-31', { headers: api });
    expect(exported.status).toBe(200);
    await exported.text();
    expect((await call('POST', '/api/logout', { headers: session, body: '{}' })).status).toBe(204);
    expect((await call('GET', `/api/nowhere?secret=${QUERY_TOKEN}`)).status).toBe(404);
  }, 60_000);

  it('logged none of what the run sent, and one line per request', async () => {
    await server.stop();
    const output = server.output();
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    for (const secret of secrets) expect(output.includes(secret), `the log holds ${secret}`).toBe(false);
    expect(output).not.toMatch(/tly_/);
    expect(output).not.toMatch(/LogTestBrowser/);
    // The only address in the log is the server's own, in the line saying where it listens.
    const clientAddresses = lines.filter((l) => l.includes('127.0.0.1') && !/Server listening at|Tally is serving/.test(l));
    expect(clientAddresses).toEqual([]);

    // JSON lines (the output is not a terminal), one per request, naming routes, not paths.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // A request's one line is all it wrote: no other line names a request.
    const ofRequests = entries.filter((e) => e.reqId !== undefined);
    expect(ofRequests.filter((e) => e.msg !== 'request')).toEqual([]);
    expect(new Set(ofRequests.map((e) => e.reqId)).size).toBe(ofRequests.length);
    // The health checks while it started are not counted by the run.
    const requestLines = ofRequests.filter((e) => e.url !== '/healthz');
    expect(requestLines).toHaveLength(requests);
    const fields = ['hostname', 'level', 'method', 'ms', 'msg', 'pid', 'reqId', 'status', 'time', 'url'];
    for (const e of requestLines) expect(Object.keys(e).sort()).toEqual(e.aborted ? [...fields, 'aborted'].sort() : fields);
    expect(requestLines.map((e) => `${e.method} ${e.url} ${e.status}${e.aborted ? ' aborted' : ''}`)).toEqual(
      expect.arrayContaining([
        'GET /r/:slug 302',
        'POST /webhooks/shopify/:storeId 202',
        'POST /webhooks/shopify/:storeId 401',
        'POST /api/login 401',
        'GET /api/events 200 aborted',
        'GET /api/nowhere 404',
      ]),
    );
  });
});
