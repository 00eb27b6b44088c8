import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/http/server.ts';
import { dbKind, describeDb, newAccount, openTestDb, startTestApp, type TestApp } from '../support/harness.ts';
import { parseExposition, sampleOf } from '../support/prometheus.ts';
import { type SignedStore, sendShopify, shopifyOrderBody } from '../support/store-deliveries.ts';

// The operators' endpoints: GET /readyz (the database answers, every migration is applied, the
// inbox is not stuck) and GET /metrics (Prometheus's text format: deliveries by platform and
// outcome, the backlog, apply lag, request latencies by route pattern), beside /healthz.

const order = (store: SignedStore, id: string, currency = store.currency) =>
  shopifyOrderBody(
    { ...store, currency },
    {
      orderId: id,
      number: `#${id}`,
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      financialStatus: 'paid',
      subtotal: '10.00',
      current: '10.00',
      codes: ['OPS'],
      refunds: [],
    },
  );

async function shopifyStore(t: TestApp) {
  const { admin, accountId } = await newAccount(t.app);
  const store = await admin.post('/api/stores', { platform: 'shopify', name: 'Shop', currency: 'EUR' });
  const creator = await admin.post('/api/creators', { name: 'Creator' });
  const campaign = await admin.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
  await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['OPS'] });
  return { admin, accountId, store: { id: String(store.body.id), secret: store.body.webhookSecret as string, currency: 'EUR' } };
}

describeDb('GET /readyz', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No sweeper: only the wakes the tests cause apply deliveries.
    t = await startTestApp({ sweepIntervalMs: 0 });
  });
  afterAll(async () => t?.close());
  const readyz = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    return { status: res.statusCode, body: res.json() };
  };

  it('is ready on a fresh server, and neither probe is in the API document', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', migrations: 'ok', inbox: 'ok' } } });
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths);
    expect(paths.filter((p) => ['/healthz', '/readyz', '/metrics'].includes(p))).toEqual([]);
  });

  it('is not ready while a migration the code knows of is not applied', async () => {
    const row = await t.db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .where('name' as never, '=', '0014-rebuildable-ledger' as never)
      .executeTakeFirstOrThrow();
    await t.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '0014-rebuildable-ledger' as never)
      .execute();
    try {
      expect(await readyz()).toEqual({
        status: 503,
        body: { ready: false, checks: { database: 'ok', migrations: 'not applied: 0014-rebuildable-ledger', inbox: 'ok' } },
      });
    } finally {
      await t.db
        .insertInto('kysely_migration' as never)
        .values(row as never)
        .execute();
    }
    expect((await readyz()).status).toBe(200);
  });

  it('is not ready while a delivery has waited five minutes and the processor applies nothing', async () => {
    const { store } = await shopifyStore(t);
    // The processor stops: what is stored now stays pending.
    await t.app.deliveries.stop();
    expect(await sendShopify(t.app, store, 'orders/create', order(store, '7001'))).toBe(200);
    // Pending for a minute: a backlog, not a stuck inbox.
    await t.db
      .updateTable('deliveries')
      .set({ received_at: new Date(Date.now() - 60_000) })
      .where('status', '=', 'pending')
      .execute();
    expect((await readyz()).status).toBe(200);
    await t.db
      .updateTable('deliveries')
      .set({ received_at: new Date(Date.now() - 600_000) })
      .where('status', '=', 'pending')
      .execute();
    expect(await readyz()).toEqual({
      status: 503,
      body: { ready: false, checks: { database: 'ok', migrations: 'ok', inbox: 'stuck: a delivery has waited 600 s to be applied' } },
    });
    // A retry that fell due ten minutes ago is as stuck.
    await t.db
      .updateTable('deliveries')
      .set({ received_at: new Date(), next_attempt_at: new Date(Date.now() - 600_000) })
      .where('status', '=', 'pending')
      .execute();
    expect((await readyz()).body.checks.inbox).toBe('stuck: a delivery has waited 600 s to be applied');
    // One not due for a while is not.
    await t.db
      .updateTable('deliveries')
      .set({ next_attempt_at: new Date(Date.now() + 60_000) })
      .where('status', '=', 'pending')
      .execute();
    expect((await readyz()).status).toBe(200);
  });
});

describeDb('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ sweepIntervalMs: 0 });
  });
  afterAll(async () => t?.close());
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return { text: res.body, samples: parseExposition(res.body) };
  };

  it('counts deliveries by platform and outcome, as received and as applied, with the backlog and latencies', async () => {
    const { store, accountId } = await shopifyStore(t);
    const send = (body: string, id: string, over: Partial<SignedStore> = {}) =>
      sendShopify(t.app, { ...store, ...over }, 'orders/create', body, id);
    expect(await send(order(store, '8001'), 'm-1')).toBe(200);
    expect(await send(order(store, '8002'), 'm-2')).toBe(200);
    expect(await send(order(store, '8003'), 'm-3')).toBe(200);
    expect(await send(order(store, '8003'), 'm-3')).toBe(200); // a resend: duplicate
    expect(await send(order(store, '8004'), 'm-4', { secret: 'not the secret' })).toBe(401);
    expect(await send(order(store, '8005'), 'm-5', { id: '999999999' })).toBe(404);
    expect(await send(order(store, '8006', 'USD'), 'm-6')).toBe(202); // a dead letter: the store is in EUR
    expect(await sendShopify(t.app, store, 'products/create', '{}', 'm-7')).toBe(200); // ignored
    await t.settle();

    const { text, samples } = await scrape();
    const deliveries = (outcome: string) => sampleOf(samples, 'tally_deliveries_total', { platform: 'shopify', outcome });
    expect(
      ['stored', 'duplicate', 'rejected_signature', 'unknown_store', 'dead_letter', 'ignored', 'applied', 'failed', 'unavailable'].map(
        deliveries,
      ),
    ).toEqual([3, 1, 1, 1, 1, 1, 3, undefined, undefined]);
    expect(sampleOf(samples, 'tally_delivery_apply_lag_seconds_count')).toBe(3);
    expect(sampleOf(samples, 'tally_database_up')).toBe(1);
    expect(sampleOf(samples, 'tally_inbox_pending')).toBe(0);
    expect(sampleOf(samples, 'tally_inbox_oldest_due_seconds')).toBe(0);
    expect(sampleOf(samples, 'tally_dead_letters')).toBe(1);
    expect(sampleOf(samples, 'tally_event_streams_open')).toBe(0);
    // Latencies by route pattern: the store's id is not in a label.
    const requests = (status: string) =>
      sampleOf(samples, 'tally_http_request_duration_seconds_count', { method: 'POST', route: '/webhooks/shopify/:storeId', status });
    expect(['200', '202', '401', '404'].map(requests)).toEqual([5, 1, 1, 1]);
    expect(text).not.toContain(`/webhooks/shopify/${store.id}`);
    // No label names an account or a store (`le` is a histogram's bucket bound).
    const labelled = samples.filter((s) => Object.entries(s.labels).some(([k, v]) => k !== 'le' && (v === store.id || v === accountId)));
    expect(labelled).toEqual([]);
    // The process's own figures, once. User and system time together: the kernel splits a
    // short run's time between them by its ticks, and may put it all on one side.
    expect(sampleOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // The PostgreSQL pool's use; the embedded database has one connection and no pool.
    const pool = ['tally_db_pool_connections', 'tally_db_pool_idle_connections', 'tally_db_pool_waiting_queries'].map(
      (name) => sampleOf(samples, name) !== undefined,
    );
    expect(pool).toEqual([dbKind === 'postgres', dbKind === 'postgres', dbKind === 'postgres']);
  });

  it('shows a pending delivery and its age until the processor applies it', async () => {
    const { store } = await shopifyStore(t);
    await t.app.deliveries.stop();
    expect(await sendShopify(t.app, store, 'orders/create', order(store, '8101'), 'm-101')).toBe(200);
    await t.db
      .updateTable('deliveries')
      .set({ received_at: new Date(Date.now() - 90_000) })
      .where('status', '=', 'pending')
      .execute();
    const { samples } = await scrape();
    expect(sampleOf(samples, 'tally_inbox_pending')).toBe(1);
    expect(Math.round(sampleOf(samples, 'tally_inbox_oldest_due_seconds')!)).toBe(90);
  });
});

describeDb('GET /metrics with TALLY_METRICS_TOKEN', () => {
  it('asks for the token as a bearer token; /readyz and /healthz stay open', async () => {
    const db = await openTestDb();
    const token = 'metrics-token-0123456789';
    const app = await buildServer({
      db: db.db,
      listen: db.listen,
      logger: false,
      sweepIntervalMs: 0,
      config: { ...loadConfig({ PUBLIC_URL: 'http://tally.test', TALLY_METRICS_TOKEN: token }), demo: false },
    });
    try {
      await app.ready();
      const get = async (url: string, authorization?: string) => {
        const res = await app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
        return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : null };
      };
      const refused = { status: 401, body: { error: { code: 'unauthenticated', message: 'Send the metrics token as a bearer token.' } } };
      expect(await get('/metrics')).toEqual(refused);
      expect(await get('/metrics', 'Bearer metrics-token-wrong-0000000')).toEqual(refused);
      expect(await get('/metrics', `Basic ${token}`)).toEqual(refused);
      expect((await get('/metrics', `Bearer ${token}`)).status).toBe(200);
      expect(await get('/readyz')).toEqual({
        status: 200,
        body: { ready: true, checks: { database: 'ok', migrations: 'ok', inbox: 'ok' } },
      });
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('refuses a token shorter than 16 characters at start', () => {
    expect(() => loadConfig({ TALLY_METRICS_TOKEN: 'short' })).toThrow(
      'TALLY_METRICS_TOKEN: TALLY_METRICS_TOKEN must be at least 16 characters',
    );
  });
});
