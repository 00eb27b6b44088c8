import { sql } from 'kysely';
import { type Money, toMoney } from '../../core/money.ts';
import { amountDue, type CreatorBalance, payoutAmount } from '../../core/payouts.ts';
import type { Db } from '../../db/connect.ts';
import type { PayoutMethod, PayoutStatus } from '../../db/schema.ts';
import type { TDue, TPayout, TPayoutDetail } from '../../schemas/payouts.ts';
import type { Principal } from '../accounts/credentials.ts';
import { AppError, notFound } from '../errors.ts';
import { logPayoutsChanged } from '../events/events.ts';
import { lockAccount } from '../ledger/lock-orders.ts';
import { decodeCursor, encodeCursor, isRowId } from '../reports/cursor.ts';
import { defaultCurrencyMinor } from './amounts.ts';
import { audit } from './audit.ts';
import { type Balance, balanceTotals, creatorBalances, creatorBalancesPage } from './balances.ts';
import { sweepHold } from './hold-sweep.ts';

// Payouts (SPEC §11): authorize (pending, its lines frozen), mark paid, cancel (lines released).
//
// Authorizing and canceling are work on the whole account: they lock the account row FOR
// UPDATE first. Every writer of conversions takes that row key-share (the write path, and the
// clawback trigger of migration 0018 before it reads the lines), so while lines are frozen or
// released no commission changes unseen: a change either commits before (and is frozen as it
// is) or waits, then sees the lines and adds its clawback. Two authorizations at once run one
// after the other, and the second finds the first's lines taken; the partial unique indexes on
// payout_lines would refuse a conversion or adjustment in two open or paid payouts anyway.

export interface AuthorizeInput {
  creatorIds?: string[] | undefined;
  minimum?: Money | undefined;
  note?: string | undefined;
}

type PayoutRow = {
  id: string;
  creator_id: string;
  creator_name: string;
  status: PayoutStatus;
  currency: string;
  amount_minor: string;
  created_at: Date;
  paid_at: Date | null;
  method: PayoutMethod | null;
  reference: string | null;
  note: string | null;
};

const view = (r: PayoutRow): TPayout => ({
  id: r.id,
  creatorId: r.creator_id,
  creatorName: r.creator_name,
  status: r.status,
  amount: toMoney(BigInt(r.amount_minor), r.currency),
  createdAt: r.created_at.toISOString(),
  paidAt: r.paid_at?.toISOString() ?? null,
  method: r.method,
  reference: r.reference,
  note: r.note,
});

function payoutRows(db: Db, accountId: string) {
  return db
    .selectFrom('payouts as p')
    .innerJoin('creators as r', (j) => j.onRef('r.account_id', '=', 'p.account_id').onRef('r.id', '=', 'p.creator_id'))
    .select([
      'p.id',
      'p.creator_id',
      'r.name as creator_name',
      'p.status',
      'p.currency',
      'p.amount_minor',
      'p.created_at',
      'p.paid_at',
      'p.method',
      'p.reference',
      'p.note',
    ])
    .where('p.account_id', '=', accountId);
}

/**
 * Each creator's on hold, payable, adjustments and amount due, in the default currency, with
 * the account's totals: every creator, or a page of `limit` after `cursor` (by name, then id).
 */
export async function amountsDue(
  db: Db,
  accountId: string,
  now: Date,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<TDue> {
  const account = await db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow();
  const currency = account.default_currency;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, dueCursor);
  const [listed, totals] = await Promise.all([
    page.limit === undefined
      ? creatorBalances(db, accountId, now).then((balances) => ({ balances, more: false }))
      : creatorBalancesPage(db, accountId, now, { limit: page.limit, after }),
    balanceTotals(db, accountId, now),
  ]);
  const last = listed.balances.at(-1);
  return dueView(currency, totals, listed.balances, listed.more && last ? encodeCursor({ name: last.name, id: last.creatorId }) : null);
}

/**
 * One creator's on hold, payable, adjustments and amount due, for their page: the answer of
 * amountsDue with only them, their figures as the totals (zero, and no row, when nothing is
 * on hold, payable or adjusted). not_found for a creator of another account.
 */
export async function creatorAmountDue(db: Db, accountId: string, creatorId: string, now: Date): Promise<TDue> {
  const [account, creator] = await Promise.all([
    db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow(),
    db.selectFrom('creators').select('id').where('account_id', '=', accountId).where('id', '=', creatorId).executeTakeFirst(),
  ]);
  if (!creator) throw notFound('Creator');
  const balances = await creatorBalances(db, accountId, now, [creatorId]);
  const only = balances[0];
  const totals = {
    creators: balances.length,
    onHold: only?.onHold ?? 0n,
    payable: only?.payable ?? 0n,
    adjustments: only?.adjustments ?? 0n,
  };
  return dueView(account.default_currency, totals, balances, null);
}

function dueView(currency: string, totals: CreatorBalance & { creators: number }, balances: Balance[], nextCursor: string | null): TDue {
  const money = (minor: bigint) => toMoney(minor, currency);
  return {
    currency,
    totals: {
      creators: totals.creators,
      onHold: money(totals.onHold),
      payable: money(totals.payable),
      adjustments: money(totals.adjustments),
      amountDue: money(amountDue(totals)),
    },
    creators: balances.map((b) => ({
      creatorId: b.creatorId,
      name: b.name,
      onHold: money(b.onHold),
      payable: money(b.payable),
      adjustments: money(b.adjustments),
      amountDue: money(b.amountDue),
    })),
    nextCursor,
  };
}

const dueCursor = (value: Record<string, unknown>) =>
  typeof value.name === 'string' && isRowId(value.id) ? { name: value.name, id: value.id } : null;

/**
 * One pending payout per creator whose amount due is positive and at least `minimum`, paying
 * their payable conversions and open adjustments as they are now. A balance at or below zero
 * is carried forward: no payout, and it stays in the amount due.
 */
export async function authorizePayouts(db: Db, caller: Principal, input: AuthorizeInput, now: Date): Promise<TPayout[]> {
  const { accountId } = caller;
  return db.transaction().execute(async (trx) => {
    const currency = await lockAccount(trx, accountId);
    // The balances split at now, so that what they call payable is what the lines below take.
    await sweepHold(trx, accountId, now);
    const minimum = input.minimum ? defaultCurrencyMinor('minimum', input.minimum, currency, false) : 0n;
    const ids = input.creatorIds ? [...new Set(input.creatorIds)] : undefined;
    if (ids) {
      const found = await trx
        .selectFrom('creators')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('account_id', '=', accountId)
        .where(sql<boolean>`id = any(${ids}::bigint[])`)
        .executeTakeFirstOrThrow();
      if (Number(found.n) !== ids.length) throw notFound('Creator');
    }
    const chosen = (await creatorBalances(trx, accountId, now, ids)).flatMap((b) => {
      const amount = payoutAmount(b.amountDue, minimum);
      return amount === null ? [] : [{ creatorId: b.creatorId, amount }];
    });
    if (chosen.length === 0) return [];

    const created = await sql<{ id: string; creator_id: string; amount_minor: string }>`
      insert into payouts (account_id, creator_id, currency, amount_minor, note, created_by)
      select ${accountId}, u.creator_id, ${currency}, u.amount, ${input.note ?? null}, ${caller.actor}
      from unnest(${chosen.map((c) => c.creatorId)}::bigint[], ${chosen.map((c) => c.amount.toString())}::bigint[]) as u(creator_id, amount)
      order by u.creator_id
      returning id, creator_id, amount_minor`.execute(trx);
    const payoutIds = created.rows.map((p) => p.id);
    const payouts = sql`unnest(${payoutIds}::bigint[], ${created.rows.map((p) => p.creator_id)}::bigint[])
      as p(id, creator_id)`;
    // The same conversions and adjustments creatorBalances summed: payable, counted, in no open or paid payout.
    await sql`
      insert into payout_lines (account_id, payout_id, creator_id, conversion_id, amount_minor, settled_minor)
      select c.account_id, p.id, c.creator_id, c.id, c.commission_minor, c.commission_minor
      from conversions c
      join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
      join ${payouts} on p.creator_id = c.creator_id
      where c.account_id = ${accountId} and c.counted
        and c.order_date + k.hold_days * interval '86400 seconds' <= ${now.toISOString()}::timestamptz
        and not exists (select 1 from payout_lines l where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)
      order by c.id`.execute(trx);
    await sql`
      insert into payout_lines (account_id, payout_id, creator_id, adjustment_id, amount_minor, settled_minor)
      select a.account_id, p.id, a.creator_id, a.id, a.amount_minor, a.amount_minor
      from payout_adjustments a
      join ${payouts} on p.creator_id = a.creator_id
      where a.account_id = ${accountId}
        and not exists (select 1 from payout_lines l where l.account_id = a.account_id and l.adjustment_id = a.id and not l.released)
      order by a.id`.execute(trx);
    // Each payout is the sum of its lines, or nothing is authorized.
    const { rows: mismatched } = await sql`
      select p.id from payouts p
      left join (select payout_id, sum(amount_minor) as total from payout_lines where account_id = ${accountId}
                   and payout_id = any(${payoutIds}::bigint[]) group by payout_id) l on l.payout_id = p.id
      where p.account_id = ${accountId} and p.id = any(${payoutIds}::bigint[])
        and p.amount_minor is distinct from l.total`.execute(trx);
    if (mismatched.length > 0) throw new Error('a payout is not the sum of its lines');

    await audit(
      trx,
      accountId,
      created.rows.map((p) => ({
        actor: caller.actor,
        action: 'authorize' as const,
        payoutId: p.id,
        creatorId: p.creator_id,
        detail: `authorized ${toMoney(BigInt(p.amount_minor), currency).value} ${currency}`,
      })),
    );
    await logPayoutsChanged(trx, accountId);
    const rows = await payoutRows(trx, accountId).where(sql<boolean>`p.id = any(${payoutIds}::bigint[])`).orderBy('p.id').execute();
    return rows.map(view);
  });
}

/** Payouts newest first: every one, or a page of `limit` after `cursor`. */
export async function listPayouts(
  db: Db,
  accountId: string,
  filter: {
    status?: PayoutStatus | undefined;
    creatorId?: string | undefined;
    paypalEmail?: 'missing' | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
): Promise<{ items: TPayout[]; nextCursor: string | null }> {
  let query = payoutRows(db, accountId);
  if (filter.status) query = query.where('p.status', '=', filter.status);
  if (filter.creatorId) query = query.where('p.creator_id', '=', filter.creatorId);
  if (filter.paypalEmail === 'missing') query = query.where('r.paypal_email', 'is', null);
  if (filter.cursor !== undefined) query = query.where('p.id', '<', decodeCursor(filter.cursor, payoutCursor));
  if (filter.limit !== undefined) query = query.limit(filter.limit + 1);
  const rows = await query.orderBy('p.id', 'desc').execute();
  const more = filter.limit !== undefined && rows.length > filter.limit;
  const items = (more ? rows.slice(0, filter.limit) : rows).map(view);
  return { items, nextCursor: more ? encodeCursor({ id: items.at(-1)!.id }) : null };
}

const payoutCursor = (value: Record<string, unknown>) => (isRowId(value.id) ? value.id : null);

export async function getPayout(db: Db, accountId: string, payoutId: string): Promise<TPayoutDetail> {
  const row = await payoutRows(db, accountId).where('p.id', '=', payoutId).executeTakeFirst();
  if (!row) throw notFound('Payout');
  const lines = await db
    .selectFrom('payout_lines as l')
    .leftJoin('conversions as c', (j) => j.onRef('c.account_id', '=', 'l.account_id').onRef('c.id', '=', 'l.conversion_id'))
    .leftJoin('orders as o', (j) => j.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
    .select(['l.conversion_id', 'l.adjustment_id', 'l.amount_minor', 'o.number'])
    .where('l.account_id', '=', accountId)
    .where('l.payout_id', '=', payoutId)
    .orderBy('l.id')
    .execute();
  return {
    ...view(row),
    lines: lines.map((l) => ({
      ...(l.conversion_id !== null && { conversionId: l.conversion_id, orderNumber: l.number ?? '' }),
      ...(l.adjustment_id !== null && { adjustmentId: l.adjustment_id }),
      amount: toMoney(BigInt(l.amount_minor), row.currency),
    })),
  };
}

/** The pending payout, locked, or not_found / payout_not_pending. */
async function pendingPayout(trx: Db, accountId: string, payoutId: string): Promise<{ creator_id: string }> {
  const row = await trx
    .selectFrom('payouts')
    .select(['creator_id', 'status'])
    .where('account_id', '=', accountId)
    .where('id', '=', payoutId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Payout');
  if (row.status !== 'pending') throw new AppError('payout_not_pending', `The payout is ${row.status}: it never changes again.`);
  return row;
}

export async function markPaid(
  db: Db,
  caller: Principal,
  payoutId: string,
  input: { method: PayoutMethod; reference?: string | undefined; paidAt?: string | undefined },
): Promise<TPayout> {
  const { accountId } = caller;
  await db.transaction().execute(async (trx) => {
    const payout = await pendingPayout(trx, accountId, payoutId);
    const paidAt = input.paidAt ? new Date(input.paidAt) : new Date();
    await trx
      .updateTable('payouts')
      .set({ status: 'paid', method: input.method, reference: input.reference ?? null, paid_at: paidAt })
      .where('account_id', '=', accountId)
      .where('id', '=', payoutId)
      .execute();
    const detail = `paid by ${input.method}${input.reference ? ` (${input.reference})` : ''} on ${paidAt.toISOString()}`;
    await audit(trx, accountId, [{ actor: caller.actor, action: 'paid', payoutId, creatorId: payout.creator_id, detail }]);
    await logPayoutsChanged(trx, accountId);
  });
  return view((await payoutRows(db, accountId).where('p.id', '=', payoutId).executeTakeFirst())!);
}

/**
 * Cancels a pending payout: its lines are released, so what it paid is in the amount due
 * again. A released conversion counts there at its current commission, so the clawbacks made
 * for it while it was in the payout are netted by one adjustment of their opposite.
 */
export async function cancelPayout(db: Db, caller: Principal, payoutId: string): Promise<TPayout> {
  const { accountId } = caller;
  await db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    const payout = await pendingPayout(trx, accountId, payoutId);
    await trx
      .updateTable('payouts')
      .set({ status: 'canceled', canceled_at: new Date() })
      .where('account_id', '=', accountId)
      .where('id', '=', payoutId)
      .execute();
    const released = await trx
      .updateTable('payout_lines')
      .set({ released: true })
      .where('account_id', '=', accountId)
      .where('payout_id', '=', payoutId)
      .returning('conversion_id')
      .execute();
    const conversions = released.flatMap((l) => (l.conversion_id === null ? [] : [l.conversion_id]));
    if (conversions.length > 0) {
      await sql`
        insert into payout_adjustments (account_id, creator_id, kind, amount_minor, reason, conversion_id, actor)
        select a.account_id, a.creator_id, 'clawback', -sum(a.amount_minor), 'payout canceled: the order is in the amount due again',
               a.conversion_id, ${caller.actor}
        from payout_adjustments a
        where a.account_id = ${accountId} and a.conversion_id = any(${conversions}::bigint[])
        group by a.account_id, a.creator_id, a.conversion_id
        having sum(a.amount_minor) <> 0
        order by a.conversion_id`.execute(trx);
    }
    await audit(trx, accountId, [{ actor: caller.actor, action: 'cancel', payoutId, creatorId: payout.creator_id, detail: 'canceled' }]);
    await logPayoutsChanged(trx, accountId);
  });
  return view((await payoutRows(db, accountId).where('p.id', '=', payoutId).executeTakeFirst())!);
}
