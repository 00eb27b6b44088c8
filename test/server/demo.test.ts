import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../support/real-server.ts';

// The demo workspace, as the first `npm start` on an empty embedded database makes it.
// The password is made at seeding and printed once; later starts say where it was shown.
const SIGN_IN =
  /^Demo workspace: sign in as demo@tally\.example \/ ([a-z2-9]{4}(?:-[a-z2-9]{4}){3}) \(the password is shown only this once\)$/m;
const REMINDER = 'Demo workspace: sign in as demo@tally.example with the password printed when it was created (the first start)';

// The demo is on by default on the embedded database: started as a new user starts it.
const start = (dir: string, env: Record<string, string> = {}) => startRealServer(dir, { TALLY_DEMO: '', ...env });

async function login(port: number, password: string): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'demo@tally.example', password }),
  });
  await res.arrayBuffer();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
}

/** "1234.50" → 123450n; the dashboard's figures are in EUR. */
const minor = (value: string) => BigInt(value.replace('.', ''));

describe('the demo workspace', () => {
  let dir: string;
  let server: RealServer | undefined;
  let cookie = '';
  let password = '';
  const get = async (url: string) => {
    const res = await fetch(`http://127.0.0.1:${server!.port}${url}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-demo-'));
    server = await start(dir);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints a random password once on first start, and the sign-in works with it and no other', async () => {
    const printed = SIGN_IN.exec(server!.output());
    expect(printed).not.toBeNull();
    password = printed![1]!;
    expect(server!.output()).not.toContain(REMINDER);
    // The password that used to be published is refused.
    expect((await login(server!.port, 'tally-demo-2026')).status).toBe(401);
    const session = await login(server!.port, password);
    expect(session.status).toBe(200);
    cookie = session.cookie;
  });

  it('has 3 campaigns, 25 creators and stores in USD, EUR and JPY', async () => {
    expect((await get('/api/campaigns')).items).toHaveLength(3);
    expect((await get('/api/creators')).items).toHaveLength(25);
    const stores = (await get('/api/stores')).items as Array<{ platform: string; currency: string }>;
    expect(stores.map((s) => [s.platform, s.currency])).toEqual([
      ['shopify', 'USD'],
      ['woocommerce', 'EUR'],
      ['custom', 'JPY'],
    ]);
  });

  it('shows a year of orders whose total is the sum of its campaign rows', async () => {
    const dashboard = await get('/api/dashboard');
    expect(dashboard.orders).toBeGreaterThan(10_000);
    expect(dashboard.fxMissing).toBe(0);
    expect(dashboard.totalSales.currency).toBe('EUR');
    const campaigns = dashboard.campaigns as Array<{ orders: number; sales: { value: string } }>;
    expect(campaigns).toHaveLength(3);
    expect(campaigns.reduce((s, c) => s + minor(c.sales.value), 0n)).toBe(minor(dashboard.totalSales.value));
    expect(campaigns.reduce((s, c) => s + c.orders, 0)).toBe(dashboard.orders);
  });

  it('has payouts history: two paid (bank, PayPal), one pending, and a bonus in an amount due', async () => {
    const payouts = (await get('/api/payouts')).items as Array<{ status: string; method: string | null; amount: { value: string } }>;
    expect(payouts.map((p) => [p.status, p.method])).toEqual([
      ['pending', null],
      ['paid', 'paypal'],
      ['paid', 'bank'],
    ]);
    expect(payouts.every((p) => minor(p.amount.value) > 0n)).toBe(true);
    const due = (await get('/api/payouts/due')).creators as Array<{ adjustments: { value: string } }>;
    expect(due.filter((c) => c.adjustments.value === '50.00')).toHaveLength(1);
  });

  it('receives simulated store deliveries while it runs', async () => {
    const campaigns = (await get('/api/campaigns')).items as Array<{ id: string }>;
    const conversions = async () => {
      let n = 0;
      for (const c of campaigns) {
        const page = await get(`/api/campaigns/${c.id}/conversions?limit=200&from=${new Date(Date.now() - 3_600_000).toISOString()}`);
        n += page.items.length;
      }
      return n;
    };
    const before = await conversions();
    const deadline = Date.now() + 30_000;
    let after = before;
    while (after <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      after = await conversions();
    }
    expect(after).toBeGreaterThan(before);
  }, 45_000);

  it('does not seed again on a second start', async () => {
    const counts = async () => {
      const dashboard = await get(`/api/dashboard?to=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}`);
      return {
        creators: (await get('/api/creators')).items.length,
        campaigns: (await get('/api/campaigns')).items.length,
        stores: (await get('/api/stores')).items.length,
        orders: dashboard.orders,
      };
    };
    const first = await counts();
    await server?.stop();
    server = await start(dir);
    expect(server.output()).toContain(REMINDER);
    expect(server.output()).not.toContain(password);
    expect(SIGN_IN.test(server.output())).toBe(false);
    expect((await login(server.port, password)).status).toBe(200);
    expect(await counts()).toEqual(first);
  }, 120_000);
});

describe('TALLY_DEMO=0', () => {
  it('seeds nothing on a fresh data directory', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-nodemo-'));
    const server = await start(dir, { TALLY_DEMO: '0' });
    try {
      expect(server.output()).not.toContain('Demo workspace');
      expect((await login(server.port, 'tally-demo-2026')).status).toBe(401);
    } finally {
      await server?.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
