import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeliveryProcessor } from '../../src/app/inbox/delivery-processor.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/http/server.ts';
import { type Client, describeDb, newAccount, openTestDb, type TestDb } from '../support/harness.ts';

// Accounts share the processor fairly, and a delivery that cannot be applied holds back nothing
// (SPEC §8): one account's poison deliveries (facts the ledger cannot hold, written straight
// into the table as an older edge let them through) are retried with backoff and end as dead
// letters, while another account's deliveries are applied as they come.

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Beyond bigint: numeric out of range (22003) when the ledger writes it. */
const POISON_MINOR = '100000000000000000000';

// Backoff of 250 ms doubling: a poison delivery fails on its own five times over at least
// 250 + 500 + 1,000 + 2,000 ms, so the other account's deliveries being applied while none of
// the poison is dead yet shows they did not wait for it.
const RETRY = { backoffMs: 250, backoffFactor: 2 };

describeDb('fair processing across accounts', () => {
  let db: TestDb;
  let app: FastifyInstance;
  const logLines: Array<Record<string, unknown>> = [];
  const rawLog: string[] = [];

  beforeAll(async () => {
    db = await openTestDb();
    const write = (line: string) => {
      rawLog.push(line);
      logLines.push(JSON.parse(line));
    };
    const logger = pino({ level: 'warn' }, { write });
    app = await buildServer({
      db: db.db,
      listen: db.listen,
      config: { ...loadConfig({ PUBLIC_URL: 'http://tally.test' }), demo: false },
      logger,
      // The sweeper takes the retries when they fall due, as in production (every 2 s there).
      sweepIntervalMs: 25,
      deliveryRetry: RETRY,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function shop(code: string) {
    const { admin, accountId } = await newAccount(app);
    const store = await admin.post('/api/stores', { platform: 'shopify', name: 'Shop', currency: 'EUR' });
    const creator = await admin.post('/api/creators', { name: 'Creator' });
    const campaign = await admin.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
    await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: [code] });
    return { admin, accountId, storeId: String(store.body.id), secret: store.body.webhookSecret as string };
  }

  const orderBody = (id: number, amount: string, code: string) =>
    JSON.stringify({
      id,
      name: `#${id}`,
      created_at: '2026-03-06T10:00:00Z',
      updated_at: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      financial_status: 'paid',
      cancelled_at: null,
      subtotal_price_set: { shop_money: { amount, currency_code: 'EUR' } },
      current_subtotal_price_set: { shop_money: { amount, currency_code: 'EUR' } },
      discount_codes: [{ code }],
      refunds: [],
    });

  const send = (s: { storeId: string; secret: string }, deliveryId: string, body: string) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/shopify/${s.storeId}`,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': deliveryId,
        'x-shopify-hmac-sha256': sign(s.secret, body),
      },
      payload: body,
    });

  const factsOf = (externalId: string, grossMinor: string, code: string) =>
    JSON.stringify({
      kind: 'order',
      order: {
        externalId,
        number: `#${externalId}`,
        createdAt: '2026-03-06T10:00:00.000Z',
        updatedAt: '2026-03-06T10:00:00.000Z',
        currency: 'EUR',
        base: 'paid',
        grossMinor,
        currentMinor: grossMinor,
        refunds: [],
        codes: [code],
        ref: null,
        country: null,
      },
    });

  const statuses = async (storeId: string) => {
    const rows = await db.db.selectFrom('deliveries').select(['status']).where('store_id', '=', storeId).execute();
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  };

  async function until(what: () => Promise<boolean>, ms: number, label: string) {
    const deadline = performance.now() + ms;
    while (!(await what())) {
      if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${label}`);
      await sleep(5);
    }
  }

  async function conversions(admin: Client, storeId: string) {
    const rows = await db.db
      .selectFrom('conversions')
      .innerJoin('orders', (j) =>
        j.onRef('orders.account_id', '=', 'conversions.account_id').onRef('orders.id', '=', 'conversions.order_id'),
      )
      .select(['orders.external_id', 'orders.status', 'conversions.converted_minor', 'conversions.commission_minor', 'conversions.counted'])
      .where('orders.store_id', '=', storeId)
      .orderBy('conversions.converted_minor')
      .execute();
    void admin;
    return rows;
  }

  it("applies another account's deliveries while one account's poison is retried, then dead-letters the poison with its reason", async () => {
    const a = await shop('SPRING');
    const b = await shop('SUMMER');
    // A's hundred poison deliveries, pending, and the processor at work on them.
    await db.db
      .insertInto('deliveries')
      .values(
        Array.from({ length: 100 }, (_, i) => ({
          account_id: a.accountId,
          store_id: a.storeId,
          delivery_id: `poison-${i}`,
          topic: 'orders/create',
          facts: factsOf(`P${i}`, POISON_MINOR, 'SPRING'),
          status: 'pending' as const,
        })),
      )
      .execute();
    app.deliveries.wake();
    await until(
      async () =>
        (
          await db.db
            .selectFrom('deliveries')
            .select('id')
            .where('store_id', '=', a.storeId)
            .where('next_attempt_at', 'is not', null)
            .execute()
        ).length > 0,
      10_000,
      'the poison is being retried',
    );

    // Then B's twenty, signed, sent at once: each is stored and acknowledged.
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(b, `b-${i}`, orderBody(7000 + i, `${i + 1}.00`, 'SUMMER'))),
    );
    expect(replies.map((r) => [r.statusCode, r.json().outcome])).toEqual(Array(20).fill([200, 'stored']));
    const stored = performance.now();
    await until(async () => (await statuses(b.storeId)).done === 20, 10_000, "B's deliveries applied");
    const applied = performance.now() - stored;
    // None of A's poison is a dead letter yet (the earliest takes 3.75 s of backoff), so B did not wait for it.
    expect(await statuses(a.storeId)).toEqual({ pending: 100 });
    expect(applied).toBeLessThan(3_000);
    expect(await conversions(b.admin, b.storeId)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({
        external_id: String(7000 + i),
        status: 'paid',
        converted_minor: String((i + 1) * 100),
        commission_minor: String((i + 1) * 10),
        counted: true,
      })),
    );

    // A's poison: five failures each, with backoff, then dead letters with the error as reason.
    await until(async () => (await statuses(a.storeId)).dead === 100, 100_000, "A's poison dead-lettered");
    const dead = await db.db
      .selectFrom('deliveries')
      .select(['attempts', 'reason', 'last_error', 'next_attempt_at'])
      .where('store_id', '=', a.storeId)
      .execute();
    expect(new Set(dead.map((d) => d.attempts))).toEqual(new Set([5]));
    for (const d of dead) {
      expect(d.reason).toMatch(/^could not be applied: .+/);
      expect(d.reason).toBe(`could not be applied: ${d.last_error}`);
    }
    expect(await conversions(a.admin, a.storeId)).toEqual([]);
    const letters = (await a.admin.get(`/api/stores/${a.storeId}/dead-letters`)).body.items;
    expect(letters).toHaveLength(100);
    // Replayable as before: the same facts fail again, at once, with their reason.
    const replay = await a.admin.post(`/api/stores/${a.storeId}/dead-letters/${letters[0].id}/replay`);
    expect(replay.body).toEqual({ id: letters[0].id, status: 'dead', reason: expect.stringMatching(/^could not be applied: /) });
    expect(await statuses(a.storeId)).toEqual({ dead: 100 });

    // Every failure logged, each dead letter once, and nothing of the client's data.
    const retried = logLines.filter((l) => l.msg === 'a delivery could not be applied; it will be retried');
    const buried = logLines.filter((l) => l.msg === 'a delivery could not be applied; it is now a dead letter');
    expect(retried).toHaveLength(400);
    expect(buried).toHaveLength(100);
    expect(buried[0]).toMatchObject({ level: 50, accountId: a.accountId, deliveryId: expect.any(String), attempts: 5, code: '22003' });
    for (const line of rawLog) {
      expect(line).not.toContain(POISON_MINOR);
      expect(line).not.toContain('SPRING');
      expect(line).not.toContain('could not be applied:');
    }
    expect(logLines.filter((l) => l.msg === 'applying stored deliveries failed')).toEqual([]);
    // Five hundred failing applies, at most half of the processor's time (it rests between
    // chunks of retries): a while on the embedded database of a busy machine.
  }, 120_000);

  it('applies the rest of a batch at once and retries the one delivery that fails, alone, with backoff, until it is a dead letter', async () => {
    // Driven step by step by a processor of its own with the default policy (1, 4, 16, 64 s):
    // each retry is made due by hand rather than waited for.
    await app.deliveries.stop();
    const processor = new DeliveryProcessor(db.db);
    const a = await shop('AUTUMN');
    const rows = Array.from({ length: 9 }, (_, i) => ({
      account_id: a.accountId,
      store_id: a.storeId,
      delivery_id: `mixed-${i}`,
      topic: 'orders/create',
      facts: factsOf(`M${i}`, i === 4 ? POISON_MINOR : `${(i + 1) * 1000}`, 'AUTUMN'),
      status: 'pending' as const,
    }));
    await db.db.insertInto('deliveries').values(rows).execute();
    await processor.settle();
    // The eight good ones are applied by the round after the batch failed (halves, then singles).
    expect(await conversions(a.admin, a.storeId)).toEqual(
      [0, 1, 2, 3, 5, 6, 7, 8].map((i) => ({
        external_id: `M${i}`,
        status: 'paid',
        converted_minor: String((i + 1) * 1000),
        commission_minor: String((i + 1) * 100),
        counted: true,
      })),
    );
    const poison = async () => {
      const row = await db.db
        .selectFrom('deliveries')
        .select([
          'status',
          'attempts',
          'reason',
          'last_error',
          sql<string>`round(extract(epoch from next_attempt_at - processed_at) * 1000)::text`.as('backoff_ms'),
        ])
        .where('store_id', '=', a.storeId)
        .where('delivery_id', '=', 'mixed-4')
        .executeTakeFirstOrThrow();
      return row;
    };
    const first = await poison();
    expect(first).toEqual({
      status: 'pending',
      attempts: 1,
      reason: null,
      last_error: 'value "100000000000000000000" is out of range for type bigint',
      backoff_ms: '1000',
    });
    for (const [attempts, backoff] of [
      [2, '4000'],
      [3, '16000'],
      [4, '64000'],
    ] as const) {
      // Not taken before it is due.
      await processor.settle();
      expect((await poison()).attempts).toBe(attempts - 1);
      await db.db
        .updateTable('deliveries')
        .set({ next_attempt_at: sql`now()` })
        .where('store_id', '=', a.storeId)
        .where('status', '=', 'pending')
        .execute();
      await processor.settle();
      expect(await poison()).toMatchObject({ status: 'pending', attempts, reason: null, backoff_ms: backoff });
    }
    await db.db
      .updateTable('deliveries')
      .set({ next_attempt_at: sql`now()` })
      .where('store_id', '=', a.storeId)
      .where('status', '=', 'pending')
      .execute();
    await processor.settle();
    expect(await poison()).toMatchObject({ status: 'dead', attempts: 5, reason: `could not be applied: ${first.last_error}` });
    expect(await statuses(a.storeId)).toEqual({ done: 8, dead: 1 });
  });
});
