import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeliveryBatcher } from '../../src/app/inbox/delivery-batcher.ts';
import { DeliveryProcessor, failureKind } from '../../src/app/inbox/delivery-processor.ts';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// The inbox and the processor between them: the inbox counts the deliveries it stores, and a
// processor that claims full batches while that count grows (a burst) keeps applying, one batch
// at a time and oldest first, resting between batches, until nothing is pending. Batches are
// claimed in turns across the accounts with work, so one account's backlog fills only its share.

describeDb('the delivery processor and the inbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No sweeper: only the processors made here apply what the tests store.
    t = await startTestApp({ sweepIntervalMs: 0 });
  });
  afterAll(async () => t?.close());

  async function storeOf() {
    const { admin } = await newAccount(t.app);
    const store = await admin.post('/api/stores', { platform: 'shopify', name: 'Shop', currency: 'EUR' });
    const creator = await admin.post('/api/creators', { name: 'Creator' });
    const campaign = await admin.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
    await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['SPRING'] });
    const accountId = (await t.db.selectFrom('stores').select('account_id').where('id', '=', store.body.id).executeTakeFirstOrThrow())
      .account_id;
    return { admin, accountId, storeId: String(store.body.id) };
  }

  const facts = (externalId: string, grossMinor: string) =>
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
        codes: ['SPRING'],
        ref: null,
        country: null,
      },
    });

  it('counts the new pending deliveries it committed, not duplicates or dead letters', async () => {
    const { accountId, storeId } = await storeOf();
    const row = (deliveryId: string) => ({
      accountId,
      storeId,
      deliveryId,
      topic: 'orders/create',
      facts: facts(deliveryId, '1000'),
      status: 'pending' as const,
      reason: null,
      raw: null,
    });
    const batcher = new DeliveryBatcher(t.db);
    expect(batcher.storedTotal()).toBe(0);
    expect(await batcher.keep(row('n-1'))).toBe('stored');
    expect(batcher.storedTotal()).toBe(1);
    expect(await batcher.keep(row('n-1'))).toBe('duplicate');
    expect(
      await batcher.keep({
        ...row('n-2'),
        facts: null,
        status: 'dead',
        reason: 'the order is in USD but the store is set to EUR',
        raw: Buffer.from('{}'),
      }),
    ).toBe('stored');
    expect(batcher.storedTotal()).toBe(1);
    // Three in one turn: one batch, one commit.
    expect(await Promise.all(['n-3', 'n-4', 'n-3'].map((id) => batcher.keep(row(id))))).toEqual(['stored', 'stored', 'duplicate']);
    expect(batcher.storedTotal()).toBe(3);
    const kept = await t.db
      .selectFrom('deliveries')
      .select(['delivery_id', 'status'])
      .where('store_id', '=', storeId)
      .orderBy('id')
      .execute();
    expect(kept).toEqual([
      { delivery_id: 'n-1', status: 'pending' },
      { delivery_id: 'n-2', status: 'dead' },
      { delivery_id: 'n-3', status: 'pending' },
      { delivery_id: 'n-4', status: 'pending' },
    ]);
    // Left pending for no one: applied here so the other tests start from an empty queue.
    await new DeliveryProcessor(t.db).settle();
  });

  it('applies every pending delivery during a burst that does not end, oldest first in turns across accounts, batch after batch', async () => {
    const a = await storeOf();
    const b = await storeOf();
    // Interleaved: ids alternate between the two accounts.
    const rows = Array.from({ length: 10 }, (_, i) => {
      const s = i % 2 === 0 ? a : b;
      return {
        account_id: s.accountId,
        store_id: s.storeId,
        delivery_id: `q-${i}`,
        topic: 'orders/create',
        facts: facts(`Q${i}`, `${(i + 1) * 1000}`),
        status: 'pending' as const,
      };
    });
    for (const row of rows) await t.db.insertInto('deliveries').values(row).execute();

    // An inbox that stores more deliveries all the time: a burst that never ends.
    let stored = 0;
    const processor = new DeliveryProcessor(t.db, { batchSize: 3, workers: 4, inboxStored: () => ++stored });
    await processor.settle();

    const done = await t.db
      .selectFrom('deliveries')
      .select(['id', 'delivery_id', 'status', 'processed_at'])
      .where('delivery_id', 'like', 'q-%')
      .orderBy('id')
      .execute();
    expect(done.map((d) => [d.delivery_id, d.status])).toEqual(rows.map((r) => [r.delivery_id, 'done']));
    // Claimed three at a time, the accounts in turns (here the same as id order): one transaction each.
    const batches = done.map((d) => d.processed_at!.getTime());
    expect(batches.map((at) => batches.indexOf(at))).toEqual([0, 0, 0, 3, 3, 3, 6, 6, 6, 9]);
    expect(new Set(batches).size).toBe(4);

    const conversions = await t.db
      .selectFrom('conversions')
      .innerJoin('orders', (j) =>
        j.onRef('orders.account_id', '=', 'conversions.account_id').onRef('orders.id', '=', 'conversions.order_id'),
      )
      .select(['orders.external_id', 'conversions.converted_minor', 'conversions.commission_minor', 'conversions.counted'])
      .where('orders.external_id', 'like', 'Q%')
      .orderBy('conversions.converted_minor')
      .execute();
    expect(conversions).toEqual(
      rows.map((_, i) => ({
        external_id: `Q${i}`,
        converted_minor: `${(i + 1) * 1000}`,
        commission_minor: `${(i + 1) * 100}`,
        counted: true,
      })),
    );
  });

  it('takes no more batches once told to stop, even while resting between two', async () => {
    const { accountId, storeId } = await storeOf();
    for (let i = 0; i < 4; i++) {
      await t.db
        .insertInto('deliveries')
        .values({
          account_id: accountId,
          store_id: storeId,
          delivery_id: `r-${i}`,
          topic: 'orders/create',
          facts: facts(`R${i}`, '500'),
          status: 'pending',
        })
        .execute();
    }
    let asked = 0;
    let stopped: Promise<void> | undefined;
    const processor = new DeliveryProcessor(t.db, {
      batchSize: 1,
      inboxStored: () => {
        asked += 1;
        // Asked before and after the first batch; told to stop once its rest has begun.
        if (asked === 2) setImmediate(() => (stopped = processor.stop()));
        return asked;
      },
    });
    await processor.settle();
    await stopped;
    expect(asked).toBe(2);
    const statuses = await t.db.selectFrom('deliveries').select('status').where('store_id', '=', storeId).orderBy('id').execute();
    // One batch went through before the stop; the others are still pending, for the next start.
    expect(statuses.map((s) => s.status)).toEqual(['done', 'pending', 'pending', 'pending']);
    await new DeliveryProcessor(t.db).settle();
    expect((await t.db.selectFrom('deliveries').select('status').where('store_id', '=', storeId).execute()).map((s) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
    ]);
  });
  /** The batches (transactions) in which the given deliveries were claimed, numbered in order. */
  async function batchesOf(prefix: string) {
    const done = await t.db
      .selectFrom('deliveries')
      .select(['delivery_id', 'status', 'processed_at'])
      .where('delivery_id', 'like', `${prefix}%`)
      .orderBy('id')
      .execute();
    expect(done.map((d) => d.status)).toEqual(done.map(() => 'done'));
    const times = [...new Set(done.map((d) => d.processed_at!.getTime()))].sort((a, b) => a - b);
    const batches: string[][] = times.map(() => []);
    for (const d of done) batches[times.indexOf(d.processed_at!.getTime())]!.push(d.delivery_id);
    return batches;
  }

  it("gives one account's backlog only its share of a batch: the accounts take their oldest in turns", async () => {
    const a = await storeOf();
    const b = await storeOf();
    // A's backlog of ten is older than B's two.
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => ({ s: a, id: `fa-${i}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ s: b, id: `fb-${i}` })),
    ].map(({ s, id }, i) => ({
      account_id: s.accountId,
      store_id: s.storeId,
      delivery_id: id,
      topic: 'orders/create',
      facts: facts(id.toUpperCase(), `${(i + 1) * 100}`),
      status: 'pending' as const,
    }));
    await t.db.insertInto('deliveries').values(rows).execute();
    await new DeliveryProcessor(t.db, { batchSize: 4 }).settle();
    expect(await batchesOf('f')).toEqual([
      ['fa-0', 'fa-1', 'fb-0', 'fb-1'],
      ['fa-2', 'fa-3', 'fa-4', 'fa-5'],
      ['fa-6', 'fa-7', 'fa-8', 'fa-9'],
    ]);
  });

  it('gives every account its turn when more accounts have work than a batch holds', async () => {
    const [x, y, z] = [await storeOf(), await storeOf(), await storeOf()];
    // Two each, one account's after the other's: in id order, Z would wait for X and Y.
    const rows = [x, y, z].flatMap((s, k) =>
      [0, 1].map((i) => ({
        account_id: s.accountId,
        store_id: s.storeId,
        delivery_id: `g${'xyz'[k]}-${i}`,
        topic: 'orders/create',
        facts: facts(`G${k}${i}`, '100'),
        status: 'pending' as const,
      })),
    );
    await t.db.insertInto('deliveries').values(rows).execute();
    await new DeliveryProcessor(t.db, { batchSize: 2 }).settle();
    expect(await batchesOf('g')).toEqual([
      ['gx-0', 'gy-0'],
      ['gx-1', 'gz-0'],
      ['gy-1', 'gz-1'],
    ]);
  });

  it('tells a failure of the delivery from contention and from the database being away', () => {
    const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
    expect(failureKind(withCode('22003', 'value "100000000000000000000" is out of range for type bigint'))).toBe('delivery');
    expect(failureKind(withCode('23505'))).toBe('delivery');
    expect(failureKind(new TypeError("Cannot read properties of undefined (reading 'map')"))).toBe('delivery');
    expect(failureKind(withCode('40001'))).toBe('contention');
    expect(failureKind(withCode('40P01'))).toBe('contention');
    expect(failureKind(withCode('55P03'))).toBe('contention');
    for (const code of ['08006', '08001', '57P01', '57P03', '53300', '53100', 'ECONNREFUSED', 'ECONNRESET'])
      expect(failureKind(withCode(code))).toBe('away');
    expect(failureKind(new Error('Connection terminated unexpectedly'))).toBe('away');
    expect(failureKind(new Error('timeout exceeded when trying to connect'))).toBe('away');
    // A database refusing connections (as while it is taken down), and a standby during a failover.
    expect(failureKind(withCode('55000', 'database "tally" is not currently accepting connections'))).toBe('away');
    expect(failureKind(withCode('25006', 'cannot execute INSERT in a read-only transaction'))).toBe('away');
    expect(failureKind(withCode('55000', 'lastval is not yet defined in this session'))).toBe('delivery');
  });
});
