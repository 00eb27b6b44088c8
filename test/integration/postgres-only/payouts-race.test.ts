import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../../support/harness.ts';
import { expectPayoutInvariant } from '../../support/payout-invariant.ts';

// A commission that changes while payouts are authorized (migration 0018's locks): the change
// is either frozen into the payout, or clawed back after it; never lost. Two transactions at
// once need PostgreSQL's pool, so this runs on PostgreSQL only.

describeDb('payouts racing a commission change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function paidOrder() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'S', currency: 'EUR' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'K', commission: { percent: '10' } })).body.id;
    const creator = (await admin.post('/api/creators', { name: 'Ann' })).body.id as string;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['ANN'] });
    const order = await admin.put(`/api/stores/${store}/orders/1`, {
      number: '#1',
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      subtotal: '100.00',
      status: 'paid',
      codes: ['ANN'],
    });
    return { ...account, creator, conversion: order.body.conversionId as string };
  }

  /** A bulk change of one conversion's commission (as a refigure makes), held open until `commit` resolves. */
  function heldChange(conversion: string, commission: string) {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let changed!: () => void;
    const done = new Promise<void>((resolve) => (changed = resolve));
    const transaction = t.db.transaction().execute(async (trx) => {
      await sql`update conversions set commission_minor = ${commission} where id = ${conversion}`.execute(trx);
      changed();
      await held;
    });
    return { changed: done, commit, transaction };
  }

  it('an authorization waits for a change in flight and freezes the changed commission', async () => {
    const b = await paidOrder();
    const change = heldChange(b.conversion, '1234');
    await change.changed;
    const authorizing = b.admin.post('/api/payouts', {});
    await new Promise((r) => setTimeout(r, 300));
    change.commit();
    await change.transaction;
    const res = await authorizing;
    expect(res.body.items.map((p: { amount: { value: string } }) => p.amount.value)).toEqual(['12.34']);
    expect((await b.admin.get(`/api/creators/${b.creator}/adjustments`)).body.items).toEqual([]);
    await expectPayoutInvariant(t.db, b.admin, b.accountId);
  });

  it('a change made while an authorization holds the account is clawed back once its lines are committed', async () => {
    const b = await paidOrder();
    // The authorization's part, by hand: the account locked, then the line frozen at 10.00.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const authorizing = t.db.transaction().execute(async (trx) => {
      await sql`select 1 from accounts where id = ${b.accountId} for update`.execute(trx);
      locked();
      const payout = await sql<{ id: string }>`
        insert into payouts (account_id, creator_id, currency, amount_minor, created_by)
        values (${b.accountId}, ${b.creator}, 'EUR', 1000, 'test') returning id`.execute(trx);
      await sql`insert into payout_lines (account_id, payout_id, creator_id, conversion_id, amount_minor, settled_minor)
                values (${b.accountId}, ${payout.rows[0]!.id}, ${b.creator}, ${b.conversion}, 1000, 1000)`.execute(trx);
      await held;
    });
    await isLocked;
    // The change's row is written; its trigger waits for the account.
    const changing = sql`update conversions set commission_minor = 1234 where id = ${b.conversion}`.execute(t.db);
    await new Promise((r) => setTimeout(r, 300));
    commit();
    await authorizing;
    await changing;
    const adjustments = (await b.admin.get(`/api/creators/${b.creator}/adjustments`)).body.items;
    expect(adjustments.map((a: { kind: string; amount: { value: string } }) => [a.kind, a.amount.value])).toEqual([['clawback', '2.34']]);
    await expectPayoutInvariant(t.db, b.admin, b.accountId);
  });

  it('authorizes 12,000 creators in one request (more than a statement could take as 6 parameters a row): one payout each, every line once', async () => {
    const b = await paidOrder();
    const store = (await b.admin.post('/api/stores', { platform: 'custom', name: 'Bulk', currency: 'EUR' })).body.id;
    const campaign = (await b.admin.post('/api/campaigns', { name: 'Bulk', commission: { percent: '10' } })).body.id;
    // Written straight into the ledger: 12,000 creators with one counted order of 100.00 each (commission 10.00).
    await t.db.transaction().execute(async (trx) => {
      const a = b.accountId;
      await sql`insert into creators (account_id, name) select ${a}, 'Bulk ' || g from generate_series(1, 12000) g`.execute(trx);
      await sql`insert into members (account_id, campaign_id, creator_id)
                select ${a}, ${campaign}, id from creators where account_id = ${a} and name like 'Bulk %'`.execute(trx);
      await sql`insert into orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status,
                                    gross_minor, status, amount_minor)
                select ${a}, ${store}, 'B' || id, '#B' || id, 'EUR', '2026-03-06', '2026-03-06', 'paid', 10000, 'paid', 10000
                from creators where account_id = ${a} and name like 'Bulk %'`.execute(trx);
      await sql`insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date,
                                         currency, status, amount_minor, terms_percent, fx_missing, converted_minor, commission_minor, counted)
                select ${a}, o.id, ${store}, ${campaign}, r.id, 'code', 'BULK', '2026-03-06', 'EUR', 'paid', 10000, 10, false, 10000, 1000, true
                from creators r join orders o on o.account_id = r.account_id and o.store_id = ${store} and o.external_id = 'B' || r.id
                where r.account_id = ${a} and r.name like 'Bulk %'`.execute(trx);
    });
    const res = await b.admin.post('/api/payouts', {});
    expect(res.status).toBe(201);
    expect(res.body.items).toHaveLength(12_001);
    const { rows } = await sql<{ payouts: string; lines: string; conversions: string; total: string; audit: string }>`
      select (select count(*) from payouts where account_id = ${b.accountId})::text as payouts,
             (select count(*) from payout_lines where account_id = ${b.accountId})::text as lines,
             (select count(distinct conversion_id) from payout_lines where account_id = ${b.accountId})::text as conversions,
             (select sum(amount_minor) from payouts where account_id = ${b.accountId})::text as total,
             (select count(*) from payout_audit where account_id = ${b.accountId} and action = 'authorize')::text as audit`.execute(t.db);
    expect(rows[0]).toEqual({ payouts: '12001', lines: '12001', conversions: '12001', total: '12001000', audit: '12001' });
    expect((await b.admin.post('/api/payouts', {})).body.items).toEqual([]);
  }, 120_000);
});
