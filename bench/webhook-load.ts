// What the ingest and freshness scenarios share: a real `tally serve` process on a fresh
// PostgreSQL database (created here, dropped after), a Shopify store with a known webhook
// secret and a campaign with codes, realistic signed orders/create bodies, and a keep-alive
// HTTP client that times each answer.
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { type BenchServer, startServer } from './lib/server.ts';

export const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SECRET = 'bench-webhook-secret-0123456789abcdef';
const CODES = 20;

export interface Tally {
  url: string;
  /** A client of the server's database, for figures the API does not give. */
  db: pg.Client;
  storeId: string;
  accountId: string;
  /** Bearer API key of the account's admin. */
  apiKey: string;
  stop(): Promise<void>;
}

/** Starts `tally serve` on a database of its own and sets up a Shopify store and coded campaign. */
export async function startTally(log: (line: string) => void): Promise<Tally> {
  const name = `tally_bench_ingest_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dbUrl = new URL(BASE_URL);
  dbUrl.pathname = `/${name}`;
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to see where the server spends its time.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  let server: BenchServer | null = null;
  const stop = async () => {
    await db.end().catch(() => undefined);
    await server?.stop();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  };
  try {
    server = await startServer(dbUrl.toString(), { nodeArgs });
    const url = server.base;
    await db.connect();
    const signup = await fetch(`${url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accountName: 'Bench',
        email: 'bench@example.com',
        password: 'correct horse battery',
        defaultCurrency: 'EUR',
        timeZone: 'Europe/Paris',
      }),
    });
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken, account } = (await signup.json()) as { csrfToken: string; account: { id: string } };
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; key: string };
    };
    const { store } = await setUpShopify(call);
    const key = await call('POST', '/api/api-keys', { name: 'bench', role: 'admin' });
    log(`tally serve on ${url}, PostgreSQL database ${name}, Shopify store ${store.id}, ${CODES} coded creators`);
    return { url, db, storeId: store.id, accountId: account.id, apiKey: key.key, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type Call = (method: string, path: string, body: unknown) => Promise<{ id: string; key: string }>;

/** Through the API: a Shopify store with the bench's webhook secret, and a campaign whose creators have the codes the bodies use. */
export async function setUpShopify(call: Call): Promise<{ store: { id: string }; campaign: { id: string } }> {
  const store = await call('POST', '/api/stores', { platform: 'shopify', name: 'Bench shop', currency: 'USD' });
  await call('PATCH', `/api/stores/${store.id}`, { webhookSecret: SECRET });
  const campaign = await call('POST', '/api/campaigns', { name: 'Bench campaign', commission: { percent: '10' } });
  for (let i = 0; i < CODES; i++) {
    const creator = await call('POST', '/api/creators', { name: `Creator ${i}` });
    await call('POST', `/api/campaigns/${campaign.id}/members`, { creatorId: creator.id, codes: [`BENCH${i}`] });
  }
  return { store, campaign };
}

// Shopify's own REST order fixture (5.4 KB as a webhook body, 2 line items, addresses,
// customer), with a unique id beyond 2^53, its own number, one of the campaign's codes and
// a paid status, so each delivery makes one counted conversion.
const template = JSON.parse(
  fs.readFileSync(new URL('../test/fixtures/shopify/order-rest-fixture-discount-code-TENOFF.json', import.meta.url), 'utf8'),
).order;

export interface SignedBody {
  body: Buffer;
  signature: string;
  webhookId: string;
  number: string;
}

export function orderBody(run: string, i: number): SignedBody {
  const now = new Date().toISOString();
  const number = `#${run}-${i}`;
  const order = {
    ...template,
    id: '__ID__',
    name: number,
    order_number: i,
    created_at: now,
    updated_at: now,
    financial_status: 'paid',
    token: randomBytes(16).toString('hex'),
    discount_codes: [{ code: `BENCH${i % CODES}`, amount: '10.00', type: 'fixed_amount' }],
  };
  const text = JSON.stringify(order).replace('"__ID__"', (5_000_000_000_000_000_000n + BigInt(i)).toString());
  const body = Buffer.from(text);
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('base64'), webhookId: `${run}-${i}`, number };
}

export const agentFor = (senders: number) => new http.Agent({ keepAlive: true, maxSockets: senders, maxFreeSockets: senders });

/** Posts one signed delivery; resolves to its status code and the time its answer ended. */
export function post(agent: http.Agent, url: URL, storeId: string, b: SignedBody): Promise<{ status: number; at: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/webhooks/shopify/${storeId}`,
        headers: {
          'content-type': 'application/json',
          'content-length': b.body.length,
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': b.webhookId,
          'x-shopify-hmac-sha256': b.signature,
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, at: performance.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(b.body);
  });
}

/**
 * After the warm-up: statistics for the tables it filled, as a database in service has them
 * (autovacuum would analyze them within a minute or so). Without them the plans cached at
 * the start, foreign-key checks included, are those of empty tables.
 */
export async function analyzed(db: pg.Client): Promise<void> {
  await db.query('analyze');
}

/** Waits until the server has applied every stored delivery; returns when it did. */
export async function drained(db: pg.Client, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from deliveries where status = 'pending'`);
    if (rows[0]!.n === '0') return performance.now();
    if (performance.now() > deadline) throw new Error(`${rows[0]!.n} deliveries still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function count(db: pg.Client, query: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(query);
  return Number(rows[0]!.n);
}
