import { sql } from 'kysely';
import { toMoney } from '../../core/money.ts';
import type { StoreStatus } from '../../core/status.ts';
import type { Db } from '../../db/connect.ts';
import { instantTextProblem } from '../../schemas/common.ts';
import { PORTAL_ORDERS_PAGE, type TPortal } from '../../schemas/portal.ts';
import { notFound } from '../errors.ts';
import { creatorBalances } from '../payouts/balances.ts';
import { listPayouts } from '../payouts/payouts.ts';
import { decodeCursor, encodeCursor, isRowId } from '../reports/cursor.ts';
import { findPortalLink } from './portal-links.ts';

// What a creator's own page shows (SPEC §11): their counted orders in that one account, on hold
// and amount due as the Payments figures compute them (creatorBalances, for this creator only),
// and their payouts. Every read is scoped by the account and creator the link names; nothing of
// the order's customer is selected.

// The cursor is the last order's (order_date, id), the date as text with microseconds so the
// comparison is exact; a date of the shape we write that names no real instant is refused.
type Key = { d: string; i: string };
const isInstantKey = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(v) && instantTextProblem(v) === null;
const cursorKey = (text: string) => decodeCursor<Key>(text, (c) => (isInstantKey(c.d) && isRowId(c.i) ? { d: c.d, i: c.i } : null));

/** The page behind `token`, or not_found for an unknown or revoked one (the same answer for both). */
export async function portalView(db: Db, token: string, input: { cursor?: string | undefined }, now: Date): Promise<TPortal> {
  const link = await findPortalLink(db, token);
  if (!link) throw notFound('Page');
  const { accountId, creatorId } = link;
  const after = input.cursor === undefined ? null : cursorKey(input.cursor);

  const head = await db
    .selectFrom('creators as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.name', 'a.default_currency'])
    .where('r.account_id', '=', accountId)
    .where('r.id', '=', creatorId)
    .executeTakeFirstOrThrow();
  const currency = head.default_currency;
  const [balance] = await creatorBalances(db, accountId, now, [creatorId]);

  let orders = db
    .selectFrom('conversions as c')
    .innerJoin('orders as o', (j) => j.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
    .innerJoin('campaigns as k', (j) => j.onRef('k.account_id', '=', 'c.account_id').onRef('k.id', '=', 'c.campaign_id'))
    .select([
      'c.id',
      'o.number',
      'c.order_date',
      'k.name as campaign_name',
      'c.status',
      'c.currency',
      'c.amount_minor',
      'c.commission_minor',
      sql<string>`to_char(c.order_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('date_key'),
    ])
    .where('c.account_id', '=', accountId)
    .where('c.creator_id', '=', creatorId)
    .where('c.counted', '=', true);
  if (after) orders = orders.where(sql<boolean>`(c.order_date, c.id) < (${after.d}::timestamptz, ${after.i}::bigint)`);
  const rows = await orders
    .orderBy('c.order_date', 'desc')
    .orderBy('c.id', 'desc')
    .limit(PORTAL_ORDERS_PAGE + 1)
    .execute();
  const page = rows.slice(0, PORTAL_ORDERS_PAGE);
  const last = page.at(-1);

  return {
    creator: { name: head.name },
    currency,
    onHold: toMoney(balance?.onHold ?? 0n, currency),
    amountDue: toMoney(balance?.amountDue ?? 0n, currency),
    orders: page.map((r) => ({
      orderNumber: r.number,
      orderDate: r.order_date.toISOString(),
      campaignName: r.campaign_name,
      amount: toMoney(BigInt(r.amount_minor), r.currency),
      status: r.status as StoreStatus,
      // A counted conversion has its commission (a missing rate makes it uncounted).
      commission: toMoney(BigInt(r.commission_minor ?? '0'), currency),
    })),
    nextCursor: rows.length > PORTAL_ORDERS_PAGE && last ? encodeCursor({ d: last.date_key, i: last.id }) : null,
    payouts: (await listPayouts(db, accountId, { creatorId })).items,
  };
}
