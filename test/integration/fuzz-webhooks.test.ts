import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebhookCase, type WebhookPlatform, webhookCaseArb, webhookRequest } from '../support/fuzz-webhooks.ts';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Correctly signed webhook bodies of both platforms and all their topics, made from the real
// fixtures with fields changed and bodies broken (test/support/fuzz-webhooks.ts). Whatever the
// body: never a 5xx, only 200 (kept or ignored), 202 (a dead letter) or 413 (too large); once
// settled nothing is left pending, and nothing kept failed when applied ("could not be
// applied" would mean the edge let through a value the ledger cannot hold).

const SEED = Number(process.env.FUZZ_SEED ?? 20260306);
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);

interface Store {
  id: string;
  secret: string;
}

describeDb(`fuzzed webhooks (seed ${SEED})`, () => {
  let t: TestApp;
  let admin: Client;
  const stores = {} as Record<WebhookPlatform, Store>;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await newAccount(t.app)).admin;
    // Codes and a campaign, so kept orders go the whole way: attribution, terms, figures.
    const creator = await admin.post('/api/creators', { name: 'Creator' });
    const campaign = await admin.post('/api/campaigns', {
      name: 'Campaign',
      commission: { percent: '10', fixed: { value: '1.00', currency: 'USD' } },
    });
    await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['tenoff', '30$off'] });
    for (const platform of ['shopify', 'woocommerce'] as const) {
      const res = await admin.post('/api/stores', { platform, name: platform, currency: 'USD' });
      expect(res.status).toBe(201);
      stores[platform] = { id: res.body.id, secret: res.body.webhookSecret };
    }
  });
  afterAll(async () => t?.close());

  /** The delivery's row once settled: its status, and its reason when dead. */
  async function settled(store: Store, deliveryId: string) {
    await t.settle();
    return t.db
      .selectFrom('deliveries')
      .select(['status', 'reason'])
      .where('store_id', '=', store.id)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
  }

  async function check(c: WebhookCase) {
    const store = stores[c.platform];
    const deliveryId = `fuzz-${++seq}`;
    const res = await t.app.inject(webhookRequest(store, c, deliveryId));
    expect([200, 202, 413], `answer ${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
    const row = await settled(store, deliveryId);
    if (res.statusCode === 413) {
      expect(row).toBeUndefined();
      return;
    }
    const outcome = res.json().outcome as string;
    if (res.statusCode === 202) {
      expect(outcome).toBe('dead');
      expect(row?.status).toBe('dead');
      // Kept as sent, but for a lone surrogate, which a text column keeps as U+FFFD.
      expect(row?.reason).toBe((res.json().reason as string).replace(/\p{Surrogate}/gu, '\ufffd'));
    } else if (outcome === 'stored') {
      // Applied, or a dead letter of the edge's own: never one the ledger refused.
      expect(row?.reason ?? '', 'kept, then could not be applied').not.toMatch(/^could not be applied/);
      expect(row?.status).toBe('done');
    } else {
      expect(outcome).toBe('ignored');
      expect(row).toBeUndefined();
    }
  }

  it('answers every signed body 200, 202 or 413, and keeps only what the ledger can hold', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(webhookCaseArb(), async (c) => {
        await check(c);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const left = await t.db.selectFrom('deliveries').select(['status', 'reason']).where('status', '=', 'pending').execute();
    expect(left).toEqual([]);
    const refused = await t.db
      .selectFrom('deliveries')
      .select(['delivery_id', 'reason'])
      .where('reason', 'like', 'could not be applied%')
      .execute();
    expect(refused).toEqual([]);
  });

  it('still answers, and still applies a valid delivery, after the fuzzing', async () => {
    const body = Buffer.from(
      '{"id":987654321,"number":"987654321","status":"processing","currency":"USD","date_created_gmt":"2026-03-06T10:00:00","date_modified_gmt":"2026-03-06T10:00:00","line_items":[{"total":"12.50"}]}',
    );
    const res = await t.app.inject(
      webhookRequest(stores.woocommerce, { platform: 'woocommerce', topic: 'order.created', body }, 'after-fuzz'),
    );
    expect([res.statusCode, res.json()]).toEqual([200, { outcome: 'stored' }]);
    await t.settle();
    const order = await admin.get(`/api/stores/${stores.woocommerce.id}/orders/987654321`);
    expect([order.status, order.body.amount]).toEqual([200, { value: '12.50', currency: 'USD' }]);
  });
});
