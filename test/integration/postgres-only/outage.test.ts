import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { eventLedger, openStream } from '../../support/event-stream.ts';
import { describeDb, newAccount, startTestApp, type TestApp } from '../../support/harness.ts';
import { parseExposition, sampleOf } from '../../support/prometheus.ts';
import { type SignedStore, shopifyOrderBody } from '../../support/store-deliveries.ts';

// PostgreSQL going away under a running server: a restart or a failover terminates every
// session (57P01) and refuses new ones until it is back. The suite's other files share the
// PostgreSQL server, so the outage is made for this file's database alone, with the same
// errors: its sessions are terminated and it refuses connections for a while (ALTER DATABASE
// … ALLOW_CONNECTIONS false), from an admin session on the `postgres` database. The server
// must stay up, answer what it cannot store 503, keep exactly what it answered 2xx, and serve
// again once the database is back, without a restart.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeDb('a PostgreSQL outage under a running server', () => {
  let t: TestApp;
  let admin: pg.Client;
  let database: string;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp({ heartbeatMs: 200 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server is not listening');
    base = `http://127.0.0.1:${address.port}`;
    database = (await sql<{ name: string }>`select current_database() as name`.execute(t.db)).rows[0]!.name;
    admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`alter database ${database} with allow_connections true`).catch(() => undefined);
    await admin?.end();
    await t?.close();
  });

  /** Terminates the database's sessions and refuses new ones for `ms`, running `meanwhile` during it. */
  async function outage(ms: number, meanwhile: () => Promise<void> = async () => undefined): Promise<{ from: number; to: number }> {
    await admin.query(`alter database ${database} with allow_connections false`);
    const from = performance.now();
    try {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        database,
      ]);
      await Promise.all([meanwhile(), sleep(ms)]);
    } finally {
      await admin.query(`alter database ${database} with allow_connections true`);
    }
    return { from, to: performance.now() };
  }

  it('answers a burst 2xx or 503 through a restart, applies each delivery answered 2xx exactly once, and the 503s once resent', async () => {
    const { admin: api, accountId } = await newAccount(t.app);
    const created = await api.post('/api/stores', { platform: 'shopify', name: 'Shop', currency: 'EUR' });
    const store: SignedStore = { id: String(created.body.id), secret: created.body.webhookSecret, currency: 'EUR' };
    const creator = await api.post('/api/creators', { name: 'Creator' });
    const campaign = await api.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
    await api.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['BURST'] });

    const N = 1_500;
    const SENDERS = 32;
    // Shopify's order ids exceed 2^53: kept as text, the i-th delivery's order is FIRST + i.
    const FIRST = 5_000_000_000_000_000_000n;
    const orderId = (i: number) => (FIRST + BigInt(i)).toString();
    const indexOf = (id: string) => Number(BigInt(id) - FIRST);
    const bodies = Array.from({ length: N }, (_, i) =>
      shopifyOrderBody(store, {
        orderId: orderId(i),
        number: `#${i}`,
        createdAt: '2026-03-06T10:00:00Z',
        updatedAt: '2026-03-06T10:00:00Z',
        financialStatus: 'paid',
        subtotal: '10.00',
        current: '10.00',
        codes: ['BURST'],
        refunds: [],
      }),
    );
    const send = async (i: number) => {
      const res = await fetch(`${base}/webhooks/shopify/${store.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': `burst-${i}`,
          'x-shopify-hmac-sha256': createHmac('sha256', store.secret).update(bodies[i]!).digest('base64'),
        },
        body: bodies[i],
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any, at: performance.now() };
    };

    // The burst: the database goes away a third of the way in, for 2.5 s, and the senders keep
    // going; a store backs off a little after a 503.
    const answers: Array<Awaited<ReturnType<typeof send>>> = [];
    let window: Promise<{ from: number; to: number }> | null = null;
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < N) {
          const i = next++;
          if (i === Math.floor(N / 3)) window = outage(2_500);
          const answer = await send(i);
          answers[i] = answer;
          if (answer.status === 503) await sleep(250);
        }
      }),
    );
    const { from, to } = await window!;
    await t.settle();

    const ok = new Set<number>();
    const unavailable = new Set<number>();
    for (const [i, a] of answers.entries()) {
      if (a.status === 200) ok.add(i);
      if (a.status === 503) unavailable.add(i);
    }
    // Every answer a 200 or a 503, and each 503 the same: nothing kept, send it again.
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => a.status)).toEqual([]);
    expect(ok.size + unavailable.size).toBe(N);
    expect(unavailable.size).toBeGreaterThan(0);
    for (const i of unavailable) {
      expect(answers[i]!.retryAfter).toBe('5');
      expect(answers[i]!.body).toEqual({
        error: { code: 'unavailable', message: 'The service is briefly unavailable; nothing was changed. Try again shortly.' },
      });
    }
    expect(new Set([...ok].map((i) => answers[i]!.body.outcome))).toEqual(new Set(['stored']));
    // The burst went on after the database came back.
    expect([...ok].filter((i) => answers[i]!.at > to).length).toBeGreaterThan(0);
    expect([...ok].filter((i) => answers[i]!.at < from).length).toBeGreaterThan(0);

    const applied = async () => {
      const { rows } = await sql<{ external_id: string; conversions: string }>`
        select o.external_id, (select count(*) from conversions c where c.account_id = o.account_id and c.order_id = o.id) as conversions
        from orders o where o.account_id = ${accountId}`.execute(t.db);
      return rows;
    };
    // Every delivery answered 2xx is applied, once: one order and one conversion each. (A 503
    // may still have been kept if its commit went through as its connection dropped; resent,
    // it is then a duplicate.)
    const first = await applied();
    const appliedIds = new Set(first.map((r) => r.external_id));
    expect(first.filter((r) => r.conversions !== '1')).toEqual([]);
    expect([...ok].filter((i) => !appliedIds.has(orderId(i)))).toEqual([]);
    expect([...appliedIds].filter((id) => !ok.has(indexOf(id)) && !unavailable.has(indexOf(id)))).toEqual([]);

    // The store sends the 503s again: each is kept now.
    const resent = await Promise.all([...unavailable].map(send));
    expect(new Set(resent.map((a) => a.status))).toEqual(new Set([200]));
    await t.settle();
    const all = await applied();
    expect(all.length).toBe(N);
    expect(all.filter((r) => r.conversions !== '1')).toEqual([]);
    const deliveries = await t.db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('account_id', '=', accountId)
      .groupBy('status')
      .execute();
    expect(deliveries).toEqual([{ status: 'done', n: String(N) }]);

    // The server answers as before, without a restart: the dashboard counts each order once.
    const dashboard = await api.get('/api/dashboard?from=2026-03-01&to=2026-03-31');
    expect(dashboard.status).toBe(200);
    expect([dashboard.body.orders, dashboard.body.totalSales]).toEqual([N, { value: '15000.00', currency: 'EUR' }]);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('is not ready while the database refuses connections, and ready again after', async () => {
    const during: Array<{ status: number; body: unknown }> = [];
    let up: number | undefined;
    await outage(1_500, async () => {
      await sleep(200);
      const res = await fetch(`${base}/readyz`);
      during.push({ status: res.status, body: await res.json() });
      up = sampleOf(parseExposition(await (await fetch(`${base}/metrics`)).text()), 'tally_database_up');
    });
    expect(during).toEqual([
      { status: 503, body: { ready: false, checks: { database: 'unreachable', migrations: 'unknown', inbox: 'unknown' } } },
    ]);
    expect(up).toBe(0);
    const after = await fetch(`${base}/readyz`);
    expect([after.status, await after.json()]).toEqual([200, { ready: true, checks: { database: 'ok', migrations: 'ok', inbox: 'ok' } }]);
    expect(sampleOf(parseExposition(await (await fetch(`${base}/metrics`)).text()), 'tally_database_up')).toBe(1);
  });

  it('sends an open event stream a change committed after the outage, before the LISTEN session is back', async () => {
    const mine = await eventLedger(t.app);
    const stream = await openStream(t.app, mine.key);
    expect(stream.status).toBe(200);
    await outage(2_000);
    // At once: the LISTEN session retries with backoff (after 0.25, 0.5, 1, then 2 s), so its
    // next try comes well after the database is back; this commits while it is still away, and
    // only the catch-up from the log once it reconnects brings it.
    const put = await mine.put('AFTER-1');
    expect(put.status).toBe(200);
    const frames = await stream.until(1);
    expect(frames.map((f) => [f.event, f.data.orderId, f.data.status])).toEqual([['conversion', 'AFTER-1', 'paid']]);
    // The stream stayed open through it and keeps going.
    const again = await mine.put('AFTER-2');
    expect(again.status).toBe(200);
    expect((await stream.until(2)).map((f) => f.data.orderId)).toEqual(['AFTER-1', 'AFTER-2']);
    await stream.close();
  });
});
