import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockAccount } from '../../src/app/ledger/lock-orders.ts';
import { rebuildLedger } from '../../src/app/ledger/rebuild-ledger.ts';
import { sweepHold } from '../../src/app/payouts/hold-sweep.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';
import { type HistoryBrand, historyBrand, storeOf } from '../support/history-brand.ts';
import { histories, type Step } from '../support/order-histories.ts';
import { expectPayoutInvariant, expectStoredBalances } from '../support/payout-invariant.ts';
import { prng } from '../support/prng.ts';
import { sendShopify, sendWoo } from '../support/store-deliveries.ts';

// The invariant of SPEC §11 through random histories (order-histories.ts: versions, edits,
// refunds, cancels, deletions, rejects and undos, a late code with its backfill, a late rate),
// with payouts authorized, paid and canceled and adjustments made at random points between
// the steps, new holds, and a change of default currency at the end: after every step, for every
// creator, paid + pending + amount due + on hold = counted commission + manual adjustments, to
// the cent; and the stored balances, split at random instants, equal a recount at any instant.
const SEED = Number(process.env.TALLY_PROPERTY_SEED ?? 20_261_207);
const RUNS = Number(process.env.TALLY_PROPERTY_RUNS ?? 6);
// The histories' orders are placed from 2 March 2026 on, hours apart: holds of these days and
// these instants put them on either side of their hold, and sweeps move the stored split to
// instants before and after them.
const HOLDS = [0, 1, 3, 15, 40];
const INSTANTS = ['2026-03-02T12:00:00Z', '2026-03-04T00:00:00Z', '2026-03-20T00:00:00Z'].map((at) => new Date(at));
const SWEEP_FROM = Date.UTC(2026, 2, 1);
const SWEEP_SPAN = 60 * 86_400_000;

describeDb('the payouts’ invariant through random histories', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const brand = () => historyBrand(t.app);
  type Brand = HistoryBrand;

  async function step(b: Brand, s: Step) {
    if (s.kind === 'delivery') {
      const d = s.delivery;
      const status =
        d.platform === 'shopify' ? await sendShopify(t.app, b.shopify, d.topic, d.body) : await sendWoo(t.app, b.woo, d.topic, d.body);
      expect(status).toBe(200);
      await t.settle();
    } else if (s.kind === 'put') {
      expect((await b.admin.put(`/api/stores/${b.custom}/orders/${s.put.externalId}`, s.put.body)).status).toBe(200);
    } else {
      const order = await b.admin.get(`/api/stores/${storeOf(b, s.store)}/orders/${s.externalId}`);
      if (order.status !== 200 || order.body.conversionId === null) return;
      const res = await b.admin.post(`/api/conversions/${order.body.conversionId}/${s.action}`, {});
      expect([200, 409]).toContain(res.status);
    }
  }

  /**
   * One of: authorize everyone, mark a pending payout paid, cancel one, a bonus or a deduction,
   * a new hold for the campaign, the stored balances split at another instant; or nothing.
   */
  async function payoutAction(b: Brand, random: () => number) {
    const pending = (await b.admin.get('/api/payouts?status=pending')).body.items as Array<{ id: string }>;
    const pick = random();
    if (pick < 0.3) expect((await b.admin.post('/api/payouts', {})).status).toBe(201);
    else if (pick < 0.45 && pending.length > 0) {
      const p = pending[Math.floor(random() * pending.length)]!;
      expect((await b.admin.post(`/api/payouts/${p.id}/paid`, { method: 'bank' })).status).toBe(200);
    } else if (pick < 0.6 && pending.length > 0) {
      const p = pending[Math.floor(random() * pending.length)]!;
      expect((await b.admin.post(`/api/payouts/${p.id}/cancel`)).status).toBe(200);
    } else if (pick < 0.7) {
      const value = `${random() < 0.5 ? '-' : ''}${1 + Math.floor(random() * 20)}.${Math.floor(random() * 90) + 10}`;
      const res = await b.admin.post(`/api/creators/${b.mia}/adjustments`, { amount: { value, currency: 'EUR' }, reason: 'drawn' });
      expect(res.status).toBe(201);
    } else if (pick < 0.85) {
      const holdDays = HOLDS[Math.floor(random() * HOLDS.length)];
      expect((await b.admin.patch(`/api/campaigns/${b.campaign}`, { holdDays })).status).toBe(200);
    } else {
      await sweepAtRandom(b, random);
    }
  }

  /** The stored balances split at an instant among the orders' holds, as a sweep would. */
  async function sweepAtRandom(b: Brand, random: () => number) {
    const at = new Date(SWEEP_FROM + Math.floor(random() * SWEEP_SPAN));
    await t.db.transaction().execute(async (trx) => {
      await lockAccount(trx, b.accountId);
      await sweepHold(trx, b.accountId, at);
    });
  }

  it(
    `holds after every step, payout and adjustment (seed ${SEED}, ${RUNS} histories)`,
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
            const random = prng(SEED + run);
            const b = await brand();
            const check = async () => {
              await expectPayoutInvariant(t.db, b.admin, b.accountId);
              await expectStoredBalances(t.db, b.accountId, INSTANTS);
            };
            await sweepAtRandom(b, random);
            for (const s of plan.steps) {
              await step(b, s);
              await check();
              await payoutAction(b, random);
              await check();
            }
            if (plan.lateCode) {
              expect((await b.admin.post(`/api/campaigns/${b.campaign}/members/${b.mia}/codes`, { code: 'LATE' })).status).toBe(201);
              expect((await b.admin.post(`/api/campaigns/${b.campaign}/backfill`, { from: '2026-01-01', to: '2026-12-31' })).status).toBe(
                200,
              );
              await check();
            }
            // Pay what is due, then let a late rate refigure orders already in a payout.
            expect((await b.admin.post('/api/payouts', {})).status).toBe(201);
            if (plan.lateRate) {
              expect((await b.admin.post('/api/fx-rates', { currency: 'NGN', date: '2026-01-02', perEur: '1612.5' })).status).toBe(201);
              await check();
            }
            await payoutAction(b, random);
            await check();
            expect((await b.admin.patch('/api/account', { defaultCurrency: 'USD' })).status).toBe(200);
            await check();
            expect((await rebuildLedger(t.db, b.accountId, { check: true })).differences).toEqual([]);
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    60_000 + RUNS * 15_000,
  );
});
