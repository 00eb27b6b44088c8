import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creatorBalances } from '../../src/app/payouts/balances.ts';
import { sweepStaleHolds } from '../../src/app/payouts/hold-sweep.ts';
import { type Client, dbKind, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { expectPayoutInvariant } from '../support/payout-invariant.ts';

// Paying creators (SPEC §11): hold, amounts due, authorize, paid, cancel, clawbacks and the
// carry-forward of a negative balance, adjustments, roles, bad input and concurrency. Every
// campaign pays 10%; orders of 2026-03 are long past any hold, orders of yesterday are not.

const OLD = '2026-03-06T10:00:00Z';
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();
const eur = (value: string) => ({ value, currency: 'EUR' });

describeDb('payouts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** An account with creators Ann and Bob in one 10% campaign, a custom EUR store, and an order helper. */
  async function brand() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10' } })).body.id;
    const ann = (await admin.post('/api/creators', { name: 'Ann' })).body.id as string;
    const bob = (await admin.post('/api/creators', { name: 'Bob' })).body.id as string;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: ann, codes: ['ANN'] });
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: bob, codes: ['BOB'] });
    let version = 0;
    /** Puts an order (a new version each call); returns its conversion id. */
    const order = async (id: string, code: string, subtotal: string, more: Record<string, unknown> = {}) => {
      version += 1;
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id}`,
        createdAt: OLD,
        updatedAt: new Date(Date.parse('2026-03-07T00:00:00Z') + version * 1000).toISOString(),
        currency: 'EUR',
        subtotal,
        status: 'paid',
        codes: [code],
        ...more,
      });
      expect(res.status).toBe(200);
      return res.body.conversionId as string;
    };
    const due = async () => (await admin.get('/api/payouts/due')).body;
    const dueOf = async (creatorId: string) => {
      const row = (await due()).creators.find((c: { creatorId: string }) => c.creatorId === creatorId);
      return (
        row && { onHold: row.onHold.value, payable: row.payable.value, adjustments: row.adjustments.value, amountDue: row.amountDue.value }
      );
    };
    const invariant = () => expectPayoutInvariant(t.db, admin, account.accountId);
    return { ...account, store, campaign, ann, bob, order, due, dueOf, invariant };
  }

  it('splits on hold and payable by the campaign’s hold, and authorizes each creator’s payable once', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'ANN', '200.00');
    await b.order('3', 'BOB', '50.00');
    await b.order('4', 'ANN', '300.00', { createdAt: yesterday() });
    await b.order('5', 'BOB', '80.00', { status: 'canceled' });
    expect(await b.due()).toEqual({
      currency: 'EUR',
      creators: [
        { creatorId: b.ann, name: 'Ann', onHold: eur('30.00'), payable: eur('30.00'), adjustments: eur('0.00'), amountDue: eur('30.00') },
        { creatorId: b.bob, name: 'Bob', onHold: eur('0.00'), payable: eur('5.00'), adjustments: eur('0.00'), amountDue: eur('5.00') },
      ],
      totals: { creators: 2, onHold: eur('30.00'), payable: eur('35.00'), adjustments: eur('0.00'), amountDue: eur('35.00') },
      nextCursor: null,
    });
    await b.invariant();

    const authorized = await b.admin.post('/api/payouts', { creatorIds: [b.ann], note: 'March' });
    expect(authorized.status).toBe(201);
    expect(authorized.body.items).toHaveLength(1);
    const payout = authorized.body.items[0];
    expect(payout).toMatchObject({
      creatorId: b.ann,
      creatorName: 'Ann',
      status: 'pending',
      amount: eur('30.00'),
      paidAt: null,
      method: null,
      reference: null,
      note: 'March',
    });
    const detail = (await b.admin.get(`/api/payouts/${payout.id}`)).body;
    expect(detail.lines.map((l: { orderNumber: string; amount: unknown }) => [l.orderNumber, l.amount])).toEqual([
      ['#1', eur('10.00')],
      ['#2', eur('20.00')],
    ]);
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '30.00', payable: '0.00', adjustments: '0.00', amountDue: '0.00' });
    await b.invariant();

    // Nothing is paid twice: a second authorization finds nothing payable for Ann.
    expect((await b.admin.post('/api/payouts', { creatorIds: [b.ann] })).body.items).toEqual([]);
    // A hold of 0 makes yesterday's order payable at once.
    expect((await b.admin.patch(`/api/campaigns/${b.campaign}`, { holdDays: 0 })).body.holdDays).toBe(0);
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '0.00', payable: '30.00', adjustments: '0.00', amountDue: '30.00' });
    await b.invariant();
  });

  it('pages the amounts due by creator name with the account’s totals on every page, and refuses a bad page', async () => {
    const b = await brand();
    const cid = (await b.admin.post('/api/creators', { name: 'Cleo' })).body.id;
    expect((await b.admin.post(`/api/campaigns/${b.campaign}/members`, { creatorId: cid, codes: ['CLEO'] })).status).toBe(201);
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'BOB', '50.00');
    await b.order('3', 'CLEO', '70.00', { createdAt: yesterday() });
    const totals = { creators: 3, onHold: eur('7.00'), payable: eur('15.00'), adjustments: eur('0.00'), amountDue: eur('15.00') };
    const first = (await b.admin.get('/api/payouts/due?limit=2')).body;
    expect(first.creators.map((c: { name: string; amountDue: unknown }) => [c.name, c.amountDue])).toEqual([
      ['Ann', eur('10.00')],
      ['Bob', eur('5.00')],
    ]);
    expect(first.totals).toEqual(totals);
    const second = (await b.admin.get(`/api/payouts/due?limit=2&cursor=${first.nextCursor}`)).body;
    expect(second).toEqual({
      currency: 'EUR',
      totals,
      creators: [
        { creatorId: cid, name: 'Cleo', onHold: eur('7.00'), payable: eur('0.00'), adjustments: eur('0.00'), amountDue: eur('0.00') },
      ],
      nextCursor: null,
    });
    for (const [query, code] of [
      ['limit=0', 'invalid_input'],
      ['limit=1001', 'invalid_input'],
      ['limit=ten', 'invalid_input'],
      ['limit=2&cursor=bm90LWEtY3Vyc29y', 'invalid_input'],
    ] as const) {
      const res = await b.admin.get(`/api/payouts/due?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, code]);
    }
  });

  it("gives one creator's amount due, their figures as the totals, and refuses a bad creator or a paged or campaign query", async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'ANN', '70.00', { createdAt: yesterday() });
    await b.order('3', 'BOB', '50.00');
    await b.admin.post(`/api/creators/${b.ann}/adjustments`, { amount: eur('-3.00'), reason: 'returned sample' });
    const ofAnn = await b.admin.get(`/api/payouts/due?creatorId=${b.ann}`);
    expect([ofAnn.status, ofAnn.body]).toEqual([
      200,
      {
        currency: 'EUR',
        totals: { creators: 1, onHold: eur('7.00'), payable: eur('10.00'), adjustments: eur('-3.00'), amountDue: eur('7.00') },
        creators: [
          { creatorId: b.ann, name: 'Ann', onHold: eur('7.00'), payable: eur('10.00'), adjustments: eur('-3.00'), amountDue: eur('7.00') },
        ],
        nextCursor: null,
      },
    ]);
    // Bob's 5.00 paid out, he is owed nothing: no row, totals of zero.
    expect((await b.admin.post('/api/payouts', { creatorIds: [b.bob] })).body.items.map((p: { amount: unknown }) => p.amount)).toEqual([
      eur('5.00'),
    ]);
    const zero = eur('0.00');
    expect((await b.admin.get(`/api/payouts/due?creatorId=${b.bob}`)).body).toEqual({
      currency: 'EUR',
      totals: { creators: 0, onHold: zero, payable: zero, adjustments: zero, amountDue: zero },
      creators: [],
      nextCursor: null,
    });

    const other = await newAccount(t.app);
    const theirs = (await other.admin.post('/api/creators', { name: 'Theirs' })).body.id;
    for (const [query, status, code] of [
      ['creatorId=abc', 400, 'invalid_input'],
      ['creatorId=99999999', 404, 'not_found'],
      [`creatorId=${theirs}`, 404, 'not_found'],
      [`creatorId=${b.ann}&campaignId=${b.campaign}`, 400, 'invalid_input'],
      [`creatorId=${b.ann}&limit=10`, 400, 'invalid_input'],
      [`creatorId=${b.ann}&cursor=bm90LWEtY3Vyc29y`, 400, 'invalid_input'],
    ] as const) {
      const res = await b.admin.get(`/api/payouts/due?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, status, code]);
    }
  });

  it('pages the payouts newest first by cursor, each once, and refuses a bad page', async () => {
    const b = await brand();
    const names = ['Cleo', 'Dan', 'Eve'];
    for (const name of names) {
      const id = (await b.admin.post('/api/creators', { name })).body.id;
      expect((await b.admin.post(`/api/creators/${id}/adjustments`, { amount: eur('1.00'), reason: 'welcome' })).status).toBe(201);
    }
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'BOB', '50.00');
    const made = (await b.admin.post('/api/payouts', {})).body.items as Array<{ id: string; creatorName: string }>;
    expect(made.map((p) => p.creatorName)).toEqual(['Ann', 'Bob', 'Cleo', 'Dan', 'Eve']);
    const all = (await b.admin.get('/api/payouts')).body;
    expect(all.nextCursor).toBeNull();
    const newestFirst = [...made].reverse().map((p) => p.id);
    expect(all.items.map((p: { id: string }) => p.id)).toEqual(newestFirst);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await b.admin.get(
        `/api/payouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((p) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(newestFirst);
    const pending = (await b.admin.get('/api/payouts?status=pending&limit=10')).body;
    expect([pending.items.length, pending.nextCursor]).toEqual([5, null]);
    for (const [query, code] of [
      ['limit=0', 'invalid_input'],
      ['limit=1001', 'invalid_input'],
      ['cursor=bm90LWEtY3Vyc29y', 'invalid_input'],
    ] as const) {
      const res = await b.admin.get(`/api/payouts?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, code]);
    }
  });

  it('moves commission whose hold ended into the stored amounts due, and reads them right on either side of the sweep', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00', { createdAt: yesterday() });
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000 + 3_600_000);
    const before = await creatorBalances(t.db, b.accountId, new Date());
    const after = await creatorBalances(t.db, b.accountId, inTwoWeeks);
    expect([before[0]!.onHold, before[0]!.payable, after[0]!.onHold, after[0]!.payable]).toEqual([1000n, 0n, 0n, 1000n]);
    const stored = async () => {
      const row = await t.db
        .selectFrom('payout_balances')
        .select(['on_hold_minor', 'payable_minor'])
        .where('account_id', '=', b.accountId)
        .where('creator_id', '=', b.ann)
        .executeTakeFirstOrThrow();
      return [String(row.on_hold_minor), String(row.payable_minor)];
    };
    // The account's split is seconds old: a sweep now leaves it; two weeks on, it is swept.
    await sweepStaleHolds(t.db, new Date());
    expect(await stored()).toEqual(['1000', '0']);
    expect(await sweepStaleHolds(t.db, inTwoWeeks)).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual(['0', '1000']);
    // Read at an instant before the split, the order is on hold again.
    expect(await creatorBalances(t.db, b.accountId, new Date())).toEqual(before);
    expect(await creatorBalances(t.db, b.accountId, inTwoWeeks)).toEqual(after);
  });

  it('authorizes every creator at or above a minimum, marks paid once, and keeps a paid payout as it is', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'BOB', '50.00');
    const some = await b.admin.post('/api/payouts', { minimum: eur('6.00') });
    expect(some.body.items.map((p: { creatorId: string; amount: unknown }) => [p.creatorId, p.amount])).toEqual([[b.ann, eur('10.00')]]);
    const all = await b.admin.post('/api/payouts', {});
    expect(all.body.items.map((p: { creatorId: string; amount: unknown }) => [p.creatorId, p.amount])).toEqual([[b.bob, eur('5.00')]]);
    expect((await b.due()).creators).toEqual([]);

    const id = some.body.items[0].id;
    const paid = await b.admin.post(`/api/payouts/${id}/paid`, { method: 'paypal', reference: 'PP-1', paidAt: '2026-04-01T12:00:00Z' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', method: 'paypal', reference: 'PP-1', paidAt: '2026-04-01T12:00:00.000Z' });
    const again = await b.admin.post(`/api/payouts/${id}/paid`, { method: 'bank' });
    expect([again.status, again.body.error.code]).toEqual([409, 'payout_not_pending']);
    const cancel = await b.admin.post(`/api/payouts/${id}/cancel`);
    expect([cancel.status, cancel.body.error.code]).toEqual([409, 'payout_not_pending']);

    expect((await b.admin.get('/api/payouts?status=paid')).body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await b.admin.get(`/api/payouts?creatorId=${b.bob}`)).body.items.map((p: { status: string }) => p.status)).toEqual(['pending']);
    expect((await b.admin.get('/api/payouts')).body.items).toHaveLength(2);
    await b.invariant();
  });

  it('claws back every change after a payout and carries a negative balance forward into the next amount due', async () => {
    const b = await brand();
    const first = await b.order('1', 'ANN', '100.00');
    await b.order('2', 'ANN', '200.00');
    const payout = (await b.admin.post('/api/payouts', { creatorIds: [b.ann] })).body.items[0];
    expect(payout.amount).toEqual(eur('30.00'));
    await b.admin.post(`/api/payouts/${payout.id}/paid`, { method: 'bank' });

    // A partial refund of order 1 (40.00 of 100.00): commission 10.00 → 6.00.
    await b.order('1', 'ANN', '100.00', { refunded: '40.00' });
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '0.00', payable: '0.00', adjustments: '-4.00', amountDue: '-4.00' });
    await b.invariant();
    // Carried forward: no payout for a negative balance.
    expect((await b.admin.post('/api/payouts', {})).body.items).toEqual([]);

    // Order 2 refunded in full: −20.00; order 1 rejected: −6.00; undone: +6.00.
    await b.order('2', 'ANN', '200.00', { status: 'refunded' });
    expect((await b.dueOf(b.ann))!.amountDue).toBe('-24.00');
    expect((await b.admin.post(`/api/conversions/${first}/reject`, {})).status).toBe(200);
    expect((await b.dueOf(b.ann))!.amountDue).toBe('-30.00');
    await b.invariant();
    expect((await b.admin.post(`/api/conversions/${first}/approve`, {})).status).toBe(200);
    expect((await b.dueOf(b.ann))!.amountDue).toBe('-24.00');
    await b.invariant();

    // A new sale nets against the negative balance.
    await b.order('3', 'ANN', '500.00');
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '0.00', payable: '50.00', adjustments: '-24.00', amountDue: '26.00' });
    const next = (await b.admin.post('/api/payouts', {})).body.items;
    expect(next.map((p: { amount: unknown }) => p.amount)).toEqual([eur('26.00')]);
    const lines = (await b.admin.get(`/api/payouts/${next[0].id}`)).body.lines;
    expect(
      lines.map((l: { orderNumber?: string; adjustmentId?: string; amount: { value: string } }) => l.orderNumber ?? l.amount.value),
    ).toEqual(['#3', '-4.00', '-20.00', '-6.00', '6.00']);
    const adjustments = (await b.admin.get(`/api/creators/${b.ann}/adjustments`)).body.items;
    expect(
      adjustments.map((a: { kind: string; amount: { value: string }; payoutId: string }) => [a.kind, a.amount.value, a.payoutId]),
    ).toEqual([
      ['clawback', '6.00', next[0].id],
      ['clawback', '-6.00', next[0].id],
      ['clawback', '-20.00', next[0].id],
      ['clawback', '-4.00', next[0].id],
    ]);
    // The paid payout never changed.
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body).toMatchObject({ status: 'paid', amount: eur('30.00') });
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body.lines.map((l: { amount: { value: string } }) => l.amount.value)).toEqual([
      '10.00',
      '20.00',
    ]);
    await b.invariant();
  });

  it('releases a canceled payout’s lines: its orders at their current commission, its adjustments open again', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    const bonus = await b.admin.post(`/api/creators/${b.ann}/adjustments`, { amount: eur('5.00'), reason: 'launch video' });
    expect(bonus.status).toBe(201);
    expect(bonus.body).toMatchObject({ kind: 'manual', amount: eur('5.00'), reason: 'launch video', conversionId: null, payoutId: null });
    const payout = (await b.admin.post('/api/payouts', {})).body.items[0];
    expect(payout.amount).toEqual(eur('15.00'));
    // Refunded by half while pending: a clawback of −5.00.
    await b.order('1', 'ANN', '100.00', { refunded: '50.00' });
    expect((await b.dueOf(b.ann))!.amountDue).toBe('-5.00');
    await b.invariant();

    const canceled = await b.admin.post(`/api/payouts/${payout.id}/cancel`);
    expect([canceled.status, canceled.body.status]).toEqual([200, 'canceled']);
    // The order at 5.00, the bonus 5.00; the clawback netted by its opposite.
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '0.00', payable: '5.00', adjustments: '5.00', amountDue: '10.00' });
    await b.invariant();
    const again = (await b.admin.post('/api/payouts', {})).body.items;
    expect(again.map((p: { amount: unknown }) => p.amount)).toEqual([eur('10.00')]);
    await b.invariant();

    const log = (await b.admin.get('/api/payouts/audit')).body.items;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['authorize', 'cancel', 'authorize', 'adjust']);
    expect(log[3]).toMatchObject({ actor: 'api-key:tests', creatorId: b.ann, detail: 'bonus of 5.00 EUR: launch video' });
    expect(log[1]).toMatchObject({ actor: 'api-key:tests', action: 'cancel', payoutId: payout.id, creatorId: b.ann });
    // A signed-in admin is named by e-mail.
    await b.session.post(`/api/payouts/${again[0].id}/paid`, { method: 'bank', reference: 'SEPA-9' });
    expect((await b.admin.get('/api/payouts/audit')).body.items[0]).toMatchObject({
      actor: b.email,
      action: 'paid',
      payoutId: again[0].id,
      detail: expect.stringMatching(/^paid by bank \(SEPA-9\) on \d{4}-\d{2}-\d{2}T/),
    });
  });

  it('re-expresses adjustments and what payouts cover on a change of default currency; a payout keeps its amount', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    await b.order('2', 'ANN', '200.00');
    await b.order('3', 'ANN', '300.00', { createdAt: yesterday() });
    const payout = (await b.admin.post('/api/payouts', {})).body.items[0];
    await b.admin.post(`/api/payouts/${payout.id}/paid`, { method: 'other' });
    // Open in the amount due: a clawback of −10.00 (order 2 half refunded) and a bonus of 10.00.
    await b.order('2', 'ANN', '200.00', { refunded: '100.00' });
    await b.admin.post(`/api/creators/${b.ann}/adjustments`, { amount: eur('10.00'), reason: 'bonus' });
    expect((await b.dueOf(b.ann))!.adjustments).toBe('0.00');

    expect((await b.admin.patch('/api/account', { defaultCurrency: 'USD' })).status).toBe(200);
    // The adjustments at the day's USD rate (the last ECB rate of the snapshot, 2026-04-13: 1.1684): 10.00 EUR is 11.68 USD.
    // No clawback for the change.
    const adjustments = (await b.admin.get(`/api/creators/${b.ann}/adjustments`)).body.items;
    expect(adjustments.map((a: { kind: string; amount: unknown }) => [a.kind, a.amount])).toEqual([
      ['manual', { value: '11.68', currency: 'USD' }],
      ['clawback', { value: '-11.68', currency: 'USD' }],
    ]);
    const due = await b.due();
    expect(due.currency).toBe('USD');
    expect(due.creators[0].adjustments).toEqual({ value: '0.00', currency: 'USD' });
    expect(due.creators[0].onHold.currency).toBe('USD');
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body.amount).toEqual(eur('30.00'));
    await b.invariant();
    // A refund after the change claws back what the payout covers of order 1 in USD: 10.00 EUR at 1.1561 on 2026-03-06.
    await b.order('1', 'ANN', '100.00', { status: 'refunded' });
    expect((await b.admin.get(`/api/creators/${b.ann}/adjustments`)).body.items[0].amount).toEqual({ value: '-11.56', currency: 'USD' });
    await b.invariant();
  });

  it('claws back in full a conversion removed after its payout (as a rebuild’s repair removes one the rebuild has not)', async () => {
    const b = await brand();
    const id = await b.order('1', 'ANN', '100.00');
    await b.order('2', 'ANN', '50.00');
    const payout = (await b.admin.post('/api/payouts', {})).body.items[0];
    await b.admin.post(`/api/payouts/${payout.id}/paid`, { method: 'bank' });
    await t.db.transaction().execute(async (trx) => {
      await sql`delete from approval_events where account_id = ${b.accountId} and conversion_id = ${id}`.execute(trx);
      await sql`delete from conversions where account_id = ${b.accountId} and id = ${id}`.execute(trx);
    });
    expect(await b.dueOf(b.ann)).toEqual({ onHold: '0.00', payable: '0.00', adjustments: '-10.00', amountDue: '-10.00' });
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body.lines.map((l: { amount: { value: string } }) => l.amount.value)).toEqual([
      '10.00',
      '5.00',
    ]);
    await b.invariant();
  });

  it('answers bad input with a stable code, and another account’s payouts and creators with 404', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    const payout = (await b.admin.post('/api/payouts', {})).body.items[0];
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/payouts', { minimum: { value: '1.00', currency: 'USD' } }, 422, 'wrong_currency'],
      ['POST', '/api/payouts', { minimum: eur('-1.00') }, 422, 'invalid_amount'],
      ['POST', '/api/payouts', { minimum: eur('1.001') }, 422, 'invalid_amount'],
      ['POST', '/api/payouts', { creatorIds: [] }, 400, 'invalid_input'],
      ['POST', '/api/payouts', { creatorIds: ['99999999'] }, 404, 'not_found'],
      ['POST', '/api/payouts', { everyone: true }, 400, 'invalid_input'],
      ['POST', `/api/payouts/${payout.id}/paid`, { method: 'cash' }, 400, 'invalid_input'],
      ['POST', `/api/payouts/${payout.id}/paid`, { method: 'bank', paidAt: 'yesterday' }, 400, 'invalid_input'],
      ['POST', '/api/payouts/99999999/paid', { method: 'bank' }, 404, 'not_found'],
      ['GET', '/api/payouts/99999999', undefined, 404, 'not_found'],
      ['GET', '/api/payouts?status=lost', undefined, 400, 'invalid_input'],
      ['POST', `/api/creators/${b.ann}/adjustments`, { amount: eur('0.00'), reason: 'x' }, 422, 'invalid_amount'],
      ['POST', `/api/creators/${b.ann}/adjustments`, { amount: eur('1.00') }, 400, 'invalid_input'],
      ['POST', `/api/creators/${b.ann}/adjustments`, { amount: eur('1.00'), reason: '  ' }, 400, 'invalid_input'],
      ['POST', `/api/creators/${b.ann}/adjustments`, { amount: { value: '1', currency: 'JPY' }, reason: 'x' }, 422, 'wrong_currency'],
      ['POST', '/api/creators/99999999/adjustments', { amount: eur('1.00'), reason: 'x' }, 404, 'not_found'],
      ['PATCH', `/api/campaigns/${b.campaign}`, { holdDays: 366 }, 400, 'invalid_input'],
      ['PATCH', `/api/campaigns/${b.campaign}`, { holdDays: -1 }, 400, 'invalid_input'],
      ['PATCH', `/api/campaigns/${b.campaign}`, { holdDays: 1.5 }, 400, 'invalid_input'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await b.admin.call(method as 'POST', path, body);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, status, code]);
    }
    // Nothing of the above changed anything.
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body.status).toBe('pending');
    expect((await b.admin.get(`/api/campaigns/${b.campaign}`)).body.holdDays).toBe(15);

    const other = await brand();
    for (const [method, path, body] of [
      ['GET', `/api/payouts/${payout.id}`, undefined],
      ['POST', `/api/payouts/${payout.id}/paid`, { method: 'bank' }],
      ['POST', `/api/payouts/${payout.id}/cancel`, undefined],
      ['POST', '/api/payouts', { creatorIds: [b.ann] }],
      ['GET', `/api/creators/${b.ann}/adjustments`, undefined],
    ] as const) {
      const res = await other.admin.call(method, path, body);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
    }
    expect((await other.admin.get('/api/payouts')).body.items).toEqual([]);
  });

  it('lets viewers and members read payouts, and only admins act', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00');
    const payout = (await b.admin.post('/api/payouts', {})).body.items[0];
    for (const role of ['viewer', 'member'] as const) {
      const client: Client = await b.as(role);
      expect((await client.get('/api/payouts')).status).toBe(200);
      expect((await client.get('/api/payouts/due')).status).toBe(200);
      expect((await client.get(`/api/payouts/${payout.id}`)).status).toBe(200);
      for (const [path, body] of [
        ['/api/payouts', {}],
        [`/api/payouts/${payout.id}/paid`, { method: 'bank' }],
        [`/api/payouts/${payout.id}/cancel`, {}],
        [`/api/creators/${b.ann}/adjustments`, { amount: eur('1.00'), reason: 'x' }],
      ] as const) {
        const res = await client.post(path, body);
        expect([role, path, res.status, res.body.error?.code]).toEqual([role, path, 403, 'forbidden']);
      }
      expect((await client.get('/api/payouts/audit')).status).toBe(403);
    }
    expect((await b.admin.get(`/api/payouts/${payout.id}`)).body.status).toBe('pending');
  });

  describe('at once', () => {
    it('never puts one conversion in two payouts when two admins authorize together', async () => {
      const b = await brand();
      for (let i = 1; i <= 20; i++) await b.order(`${i}`, i % 2 ? 'ANN' : 'BOB', '10.00');
      // On PostgreSQL through two server processes on one database; PGlite has one connection.
      const other = dbKind === 'postgres' ? await t.second() : t.app;
      const key = b.admin.auth.bearer!;
      const { Client: ClientClass } = await import('../support/harness.ts');
      const second = new ClientClass(other, { bearer: key });
      const [x, y] = await Promise.all([b.admin.post('/api/payouts', {}), second.post('/api/payouts', {})]);
      expect([x.status, y.status]).toEqual([201, 201]);
      const items = [...x.body.items, ...y.body.items];
      expect(items.map((p: { creatorId: string }) => p.creatorId).sort()).toEqual([b.ann, b.bob].sort());
      expect(items.map((p: { amount: { value: string } }) => p.amount.value)).toEqual(['10.00', '10.00']);
      const { rows } = await sql<{ n: string; distinct: string }>`
        select count(*)::text as n, count(distinct conversion_id)::text as distinct from payout_lines
        where account_id = ${b.accountId}`.execute(t.db);
      expect(rows[0]).toEqual({ n: '20', distinct: '20' });
      await b.invariant();
    });
  });
});
