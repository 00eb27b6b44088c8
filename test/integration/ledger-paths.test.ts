import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyBatch } from '../../src/app/ledger/apply-batch.ts';
import { keptFactsToJson } from '../../src/app/ledger/kept-facts.ts';
import { rebuildLedger } from '../../src/app/ledger/rebuild-ledger.ts';
import type { DeliveryFacts } from '../../src/stores/facts.ts';
import { shopifyTopics } from '../../src/stores/shopify/topics/index.ts';
import { wooTopics } from '../../src/stores/woocommerce/topics/index.ts';
import { type Client, describeDb, startTestApp, type TestApp } from '../support/harness.ts';
import { type HistoryBrand, historyBrand, storeOf } from '../support/history-brand.ts';
import { type Delivery, type History, histories, type Step } from '../support/order-histories.ts';
import { prng } from '../support/prng.ts';
import { sendShopify, sendWoo } from '../support/store-deliveries.ts';

// The paths into the ledger agree. A random history of orders (see order-histories.ts) goes
// into three accounts set up alike: one delivery at a time through the HTTP API, as it happened;
// through the write path in batches of random sizes; and shuffled, with duplicates, in random
// batches. All three end with the same orders, refunds, deletions, conversions, approvals,
// figures and totals, and a rebuild of each from its kept deliveries finds no difference.
const SEED = Number(process.env.TALLY_PROPERTY_SEED ?? 20_261_207);
const RUNS = Number(process.env.TALLY_PROPERTY_RUNS ?? 6);

describeDb('the ledger’s paths agree', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const brand = (id: string) => historyBrand(t.app, id);
  type Brand = HistoryBrand;

  type Review = Extract<Step, { kind: 'review' }>;

  /** A reject or undo of the order's conversion, when it has one to change; whether it did. */
  async function review(b: Brand, s: Review): Promise<boolean> {
    const order = await b.admin.get(`/api/stores/${storeOf(b, s.store)}/orders/${s.externalId}`);
    if (order.status !== 200 || order.body.conversionId === null) return false;
    const id = order.body.conversionId as string;
    const now = (await b.admin.get(`/api/conversions/${id}`)).body.approval;
    if ((s.action === 'reject') === (now === 'rejected')) return false;
    expect((await b.admin.post(`/api/conversions/${id}/${s.action}`, {})).status).toBe(200);
    return true;
  }

  async function put(b: Brand, s: Extract<Step, { kind: 'put' }>) {
    expect((await b.admin.put(`/api/stores/${b.custom}/orders/${s.put.externalId}`, s.put.body)).status).toBe(200);
  }

  /** What the brand does besides: the late code and its backfill, the late rate. */
  async function operations(b: Brand, h: History) {
    if (h.lateCode) {
      expect((await b.admin.post(`/api/campaigns/${b.campaign}/members/${b.mia}/codes`, { code: 'LATE' })).status).toBe(201);
      expect((await b.admin.post(`/api/campaigns/${b.campaign}/backfill`, { from: '2026-01-01', to: '2026-12-31' })).status).toBe(200);
    }
    if (h.lateRate)
      expect((await b.admin.post('/api/fx-rates', { currency: 'NGN', date: '2026-01-02', perEur: '1612.5' })).status).toBe(201);
  }

  /**
   * One at a time through the HTTP API, as it happened; the brand's operations at the end.
   * Returns the reviews that changed a conversion (one before its conversion existed did not).
   */
  async function oneByOne(b: Brand, h: History): Promise<Review[]> {
    const reviews: Review[] = [];
    for (const step of h.steps) {
      if (step.kind === 'delivery') {
        const d = step.delivery;
        const status =
          d.platform === 'shopify' ? await sendShopify(t.app, b.shopify, d.topic, d.body) : await sendWoo(t.app, b.woo, d.topic, d.body);
        expect(status).toBe(200);
        await t.settle();
      } else if (step.kind === 'put') await put(b, step);
      else if (await review(b, step)) reviews.push(step);
    }
    await operations(b, h);
    return reviews;
  }

  const factsOf = (b: Brand, d: Delivery): { storeId: string; facts: DeliveryFacts } => {
    const store = d.platform === 'shopify' ? b.shopify : b.woo;
    const handler = (d.platform === 'shopify' ? shopifyTopics : wooTopics)[d.topic]!;
    const result = handler(Buffer.from(d.body), store);
    if (!result.ok || !result.facts) throw new Error(`the history's delivery was refused: ${JSON.stringify(result)}`);
    return { storeId: store.id, facts: result.facts };
  };

  /** Store deliveries kept and applied through the write path in batches of the given sizes. */
  async function inBatches(b: Brand, deliveries: readonly Delivery[], sizes: () => number) {
    for (let i = 0; i < deliveries.length; ) {
      const chunk = deliveries.slice(i, i + sizes());
      i += chunk.length;
      await t.db.transaction().execute(async (trx) => {
        const facts = chunk.map((d) => factsOf(b, d));
        const kept = await sql<{ id: string; received_at: Date }>`
          insert into deliveries (account_id, store_id, delivery_id, topic, facts, status, processed_at)
          select ${b.accountId}::bigint, u.store_id, gen_random_uuid()::text, u.topic, u.facts, 'done', now()
          from unnest(${facts.map((f) => f.storeId)}::bigint[], ${chunk.map((d) => d.topic)}::text[], ${facts.map((f) => keptFactsToJson(f.facts))}::jsonb[])
            with ordinality as u(store_id, topic, facts, n)
          order by u.n
          returning id, received_at`.execute(trx);
        await applyBatch(
          trx,
          facts.map((f, k) => ({ accountId: b.accountId, ...f, receivedAt: kept.rows[k]!.received_at })),
        );
      });
    }
  }

  async function batched(b: Brand, h: History, reviews: readonly Review[], random: () => number, shuffle: boolean) {
    let deliveries = h.steps.flatMap((s) => (s.kind === 'delivery' ? [s.delivery] : []));
    if (shuffle) {
      // Any order, and some deliveries a second time (a store resending under a new delivery id).
      deliveries = [...deliveries, ...deliveries.filter(() => random() < 0.3)];
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
      }
    }
    await inBatches(b, deliveries, () => 1 + Math.floor(random() * 8));
    for (const s of h.steps) if (s.kind === 'put') await put(b, s);
    await operations(b, h);
    for (const s of reviews) expect(await review(b, s)).toBe(true);
  }

  /** The account's ledger by natural keys, with every figure, and its totals as the API reports them. */
  async function ledgerOf(b: Brand) {
    const stores = new Map([
      [b.shopify.id, 'shopify'],
      [b.woo.id, 'woocommerce'],
      [b.custom, 'custom'],
    ]);
    const orders = await sql<Record<string, unknown>>`
      select o.store_id, o.external_id, o.number, o.placed_at, o.store_updated_at, o.base_status, o.gross_minor, o.refunded_minor,
             o.status, o.amount_minor, o.codes, o.subtotal_minor, o.current_minor, d.at is not null as deleted,
             c.via_type, c.via_value, c.status as c_status, c.approval, c.amount_minor as c_amount, c.terms_percent, c.terms_fixed_minor,
             c.fx_missing, c.converted_minor, c.commission_minor, c.counted,
             (select array_agg(r.refund_id || '=' || r.amount_minor order by r.refund_id) from refunds r
               where r.account_id = o.account_id and r.store_id = o.store_id and r.order_external_id = o.external_id) as refunds
      from orders o
      left join conversions c on c.account_id = o.account_id and c.order_id = o.id
      left join order_deletions d on d.account_id = o.account_id and d.store_id = o.store_id and d.external_id = o.external_id
      where o.account_id = ${b.accountId}
      order by o.store_id, o.external_id`.execute(t.db);
    const rows = orders.rows.map(({ store_id, ...row }) => ({ store: stores.get(String(store_id)), ...row }));
    const totals = async (client: Client) => {
      const dashboard = (await client.get('/api/dashboard')).body;
      const performance = (await client.get(`/api/campaigns/${b.campaign}/performance`)).body;
      const community = (await client.get('/api/community')).body;
      return {
        dashboard: { ...dashboard, campaigns: dashboard.campaigns.map(({ campaignId: _, ...c }: { campaignId: string }) => c) },
        performance: { ...performance, creators: performance.creators.map(({ creatorId: _, ...c }: { creatorId: string }) => c) },
        community: community.creators.map(({ creatorId: _, ...c }: { creatorId: string }) => c),
      };
    };
    return { rows, totals: await totals(b.admin) };
  }

  it(
    `gives the same ledger one by one, in batches and shuffled with duplicates (seed ${SEED}, ${RUNS} histories)`,
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          histories({
            shopify: { id: '', secret: '', currency: 'USD' },
            woo: { id: '', secret: '', currency: 'EUR' },
            custom: { currency: 'NGN' },
          }),
          async (plan) => {
            run += 1;
            const [a, b, c] = [await brand(`a${run}`), await brand(`b${run}`), await brand(`c${run}`)];
            // The history's bodies were drawn for placeholder stores: each path signs them for its own.
            const reviews = await oneByOne(a, plan);
            const random = prng(SEED + run);
            await batched(b, plan, reviews, random, false);
            await batched(c, plan, reviews, random, true);
            const [la, lb, lc] = [await ledgerOf(a), await ledgerOf(b), await ledgerOf(c)];
            expect(lb).toEqual(la);
            expect(lc).toEqual(la);
            for (const x of [a, b, c]) expect((await rebuildLedger(t.db, x.accountId, { check: true })).differences).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    60_000 + RUNS * 15_000,
  );
});
