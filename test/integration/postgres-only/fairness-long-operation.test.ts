import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderLockKey } from '../../../src/app/ledger/lock-orders.ts';
import { loadConfig } from '../../../src/config.ts';
import type { Connection } from '../../../src/db/connect.ts';
import { buildServer } from '../../../src/http/server.ts';
import { describeDb, newAccount, openTestDb, type TestDb } from '../../support/harness.ts';

// One account's long operation (a change of default currency over many conversions holds its
// account row FOR UPDATE until it commits) delays only that account's deliveries (SPEC §8):
// the processor leaves a busy account out of its claims, and applies the others' deliveries
// while the operation runs. Only on PostgreSQL: the embedded database has one connection, on
// which a long operation holds everything anyway.

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeDb('fair processing while an account is busy with a long operation', () => {
  let db: TestDb;
  let other: Connection;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await openTestDb();
    other = await db.again();
    // No sweeper: the processor runs when deliveries are stored, and when the test settles it.
    app = await buildServer({
      db: db.db,
      listen: db.listen,
      config: { ...loadConfig({ PUBLIC_URL: 'http://tally.test' }), demo: false },
      logger: false,
      sweepIntervalMs: 0,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await other?.close();
    await db?.close();
  });

  async function shop(code: string) {
    const { admin, accountId } = await newAccount(app);
    const store = await admin.post('/api/stores', { platform: 'shopify', name: 'Shop', currency: 'EUR' });
    const creator = await admin.post('/api/creators', { name: 'Creator' });
    const campaign = await admin.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
    await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: [code] });
    return { admin, accountId, storeId: String(store.body.id), secret: store.body.webhookSecret as string, code };
  }
  type Shop = Awaited<ReturnType<typeof shop>>;

  const send = (s: Shop, id: number, amount: string) => {
    const money = { shop_money: { amount, currency_code: 'EUR' } };
    const body = JSON.stringify({
      id,
      name: `#${id}`,
      created_at: '2026-03-06T10:00:00Z',
      updated_at: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      financial_status: 'paid',
      cancelled_at: null,
      subtotal_price_set: money,
      current_subtotal_price_set: money,
      discount_codes: [{ code: s.code }],
      refunds: [],
    });
    return app.inject({
      method: 'POST',
      url: `/webhooks/shopify/${s.storeId}`,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': `d-${id}`,
        'x-shopify-hmac-sha256': sign(s.secret, body),
      },
      payload: body,
    });
  };

  const statuses = async (s: Shop) => {
    const rows = await db.db.selectFrom('deliveries').select(['status']).where('store_id', '=', s.storeId).execute();
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  };

  const conversions = (s: Shop) =>
    db.db
      .selectFrom('conversions')
      .innerJoin('orders', (j) =>
        j.onRef('orders.account_id', '=', 'conversions.account_id').onRef('orders.id', '=', 'conversions.order_id'),
      )
      .select(['orders.external_id', 'conversions.converted_minor', 'conversions.commission_minor'])
      .where('orders.store_id', '=', s.storeId)
      .orderBy('orders.external_id')
      .execute();

  async function until(what: () => Promise<boolean>, ms: number, label: string) {
    const deadline = performance.now() + ms;
    while (!(await what())) {
      if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${label}`);
      await sleep(5);
    }
  }

  /** Runs `hold` in a transaction on the other connection until `release()`; resolves once it holds. */
  async function holding(hold: (trx: Connection['db']) => Promise<unknown>) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holds = new Promise<void>((r) => (held = r));
    const done = other.db.transaction().execute(async (trx) => {
      await hold(trx);
      held();
      await released;
    });
    await Promise.race([holds, done]);
    return async () => {
      release();
      await done;
    };
  }

  /** Another account's twenty deliveries, sent at once while `a` is busy: all applied, and `a`'s wait. */
  async function othersGoWhileBusy(a: Shop, b: Shop, base: number) {
    const replies = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => send(a, base + i, '100.00')),
      ...Array.from({ length: 20 }, (_, i) => send(b, base + 100 + i, `${i + 1}.00`)),
    ]);
    expect(replies.map((r) => r.json().outcome)).toEqual(Array(25).fill('stored'));
    // Applied while the other account's operation is still open: they do not depend on it.
    await until(async () => (await statuses(b)).done === 20, 10_000, "B's deliveries applied while A is busy");
    // And the processor is not stuck on A: it settles with A's deliveries left pending.
    await app.deliveries.settle();
    expect(await statuses(a)).toMatchObject({ pending: 5 });
    expect((await conversions(b)).filter((c) => Number(c.external_id) >= base + 100)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({
        external_id: String(base + 100 + i),
        converted_minor: String((i + 1) * 100),
        commission_minor: String((i + 1) * 10),
      })),
    );
  }

  it("applies another account's deliveries while an account's row is held FOR UPDATE, and the account's own once it is released", async () => {
    const a = await shop('SPRING');
    const b = await shop('SUMMER');
    const release = await holding((trx) => sql`select id from accounts where id = ${a.accountId} for update`.execute(trx));
    await othersGoWhileBusy(a, b, 1000);
    await release();
    await app.deliveries.settle();
    expect(await statuses(a)).toEqual({ done: 5 });
    expect(await conversions(a)).toEqual(
      Array.from({ length: 5 }, (_, i) => ({ external_id: String(1000 + i), converted_minor: '10000', commission_minor: '1000' })),
    );
  });

  it("applies another account's deliveries during a real change of default currency, and the account's own after it, in the new currency", async () => {
    const a = await shop('AUTUMN');
    const b = await shop('WINTER');
    expect((await send(a, 2999, '100.00')).json().outcome).toBe('stored');
    await app.deliveries.settle();
    // The change takes A's row FOR UPDATE first, then rewrites every conversion of A: one of
    // them held by the other connection keeps it waiting there, as a change over millions would.
    const release = await holding((trx) =>
      sql`select c.id from conversions c join orders o on o.account_id = c.account_id and o.id = c.order_id
          where c.account_id = ${a.accountId} and o.external_id = '2999' for update of c`.execute(trx),
    );
    const change = a.admin.patch('/api/account', { defaultCurrency: 'USD' });
    let changed = false;
    void change.then(() => (changed = true));
    // Wait until the change holds A's row.
    await until(
      async () => (await sql`select id from accounts where id = ${a.accountId} for key share skip locked`.execute(db.db)).rows.length === 0,
      10_000,
      'the change holds the account',
    );
    await othersGoWhileBusy(a, b, 3000);
    expect(changed).toBe(false);
    await release();
    expect((await change).body).toMatchObject({ defaultCurrency: 'USD' });
    await app.deliveries.settle();
    expect(await statuses(a)).toEqual({ done: 6 });
    // 100.00 EUR at 1.1561 USD per EUR (ECB, 2026-03-06): 115.61 USD, 10 % commission 11.56.
    expect(await conversions(a)).toEqual(
      ['2999', '3000', '3001', '3002', '3003', '3004'].map((id) => ({
        external_id: id,
        converted_minor: '11561',
        commission_minor: '1156',
      })),
    );
  });
  it('retries a delivery that meets contention without counting attempts, and applies it once the other writer is gone', async () => {
    // A second server on connections whose statements give up a lock after 200 ms (55P03); the
    // order's lock held by another writer meanwhile. (Every connection opened from now on has
    // that timeout: this test is the file's last.)
    const raw = sql;
    await raw.raw(`alter database ${db.name} set lock_timeout = '200ms'`).execute(other.db);
    const impatient = await db.again();
    const server = await buildServer({
      db: impatient.db,
      listen: impatient.listen,
      config: { ...loadConfig({ PUBLIC_URL: 'http://tally.test' }), demo: false },
      logger: false,
      sweepIntervalMs: 0,
    });
    await server.ready();
    try {
      const a = await shop('SPRING');
      const row = {
        account_id: a.accountId,
        store_id: a.storeId,
        delivery_id: 'contended',
        topic: 'orders/create',
        status: 'pending' as const,
      };
      const facts = JSON.stringify({
        kind: 'order',
        order: {
          externalId: '4000',
          number: '#4000',
          createdAt: '2026-03-06T10:00:00.000Z',
          updatedAt: '2026-03-06T10:00:00.000Z',
          currency: 'EUR',
          base: 'paid',
          grossMinor: '10000',
          currentMinor: '10000',
          refunds: [],
          codes: ['SPRING'],
          ref: null,
          country: null,
        },
      });
      const release = await holding((trx) =>
        raw`select pg_advisory_xact_lock(hashtextextended(${orderLockKey({ accountId: a.accountId, storeId: a.storeId }, '4000')}, 0))`.execute(
          trx,
        ),
      );
      await db.db
        .insertInto('deliveries')
        .values({ ...row, facts })
        .execute();
      const delivery = () =>
        db.db
          .selectFrom('deliveries')
          .select(['status', 'attempts', 'last_error', 'next_attempt_at'])
          .where('store_id', '=', a.storeId)
          .executeTakeFirstOrThrow();
      const due = () =>
        db.db
          .updateTable('deliveries')
          .set({ next_attempt_at: sql`now()` })
          .where('store_id', '=', a.storeId)
          .where('status', '=', 'pending')
          .execute();
      // More contention failures than attempts allowed (each retried a second later, made due
      // here at once): none counted, still pending.
      await server.deliveries.settle();
      for (let i = 0; i < 6; i++) {
        const before = await delivery();
        expect(before).toMatchObject({ status: 'pending', attempts: 0, last_error: 'canceling statement due to lock timeout' });
        expect(before.next_attempt_at!.getTime()).toBeGreaterThan(Date.now());
        await due();
        await server.deliveries.settle();
      }
      expect(await delivery()).toMatchObject({ status: 'pending', attempts: 0, last_error: 'canceling statement due to lock timeout' });
      await release();
      await due();
      await server.deliveries.settle();
      expect(await delivery()).toMatchObject({ status: 'done', attempts: 0 });
      expect(await conversions(a)).toEqual([{ external_id: '4000', converted_minor: '10000', commission_minor: '1000' }]);
    } finally {
      await server.close();
      await impatient.close();
    }
  });
});
