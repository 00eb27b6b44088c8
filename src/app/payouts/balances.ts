import { type RawBuilder, sql } from 'kysely';
import { amountDue, type CreatorBalance } from '../../core/payouts.ts';
import type { Db } from '../../db/connect.ts';

// What each creator of an account is owed now (SPEC §11): the commission of counted
// conversions in no open or paid payout, on hold or payable by their campaign's hold and their
// order's date, and the adjustments in no open or paid payout.
//
// The database keeps these sums per creator (payout_balances, migration 0020) with the on hold
// / payable split taken at the account's instant payouts_hold_at. A read moves what changed
// sides between that instant and its own now: the free conversions whose hold ends in between,
// found by campaign and order date (an index range per campaign, a minute's worth of orders
// while the sweep runs).

export interface Balance extends CreatorBalance {
  creatorId: string;
  name: string;
  amountDue: bigint;
}

type BalanceRow = { creator_id: string; name: string; on_hold: string; payable: string; adjustments: string };

const toBalance = (r: BalanceRow): Balance => {
  const balance = { onHold: BigInt(r.on_hold), payable: BigInt(r.payable), adjustments: BigInt(r.adjustments) };
  return { creatorId: r.creator_id, name: r.name, ...balance, amountDue: amountDue(balance) };
};

/**
 * Per creator, the commission that changed sides between the account's split instant and
 * `now`, signed as what moves from on hold to payable (negative when `now` is before the
 * instant).
 */
export function crossedHold(accountId: string, now: Date): RawBuilder<unknown> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const hold = sql`k.hold_days * interval '86400 seconds'`;
  // Lateral per campaign, so that each is one range of the (campaign, order date) index.
  return sql`
    select c.creator_id, sum(c.commission_minor) * case when ${at} > a.payouts_hold_at then 1 else -1 end as moved
    from accounts a
    join campaigns k on k.account_id = a.id
    cross join lateral (
      select c.creator_id, c.commission_minor
      from conversions c
      where c.account_id = a.id and c.campaign_id = k.id and c.counted
        and c.order_date > least(a.payouts_hold_at, ${at}) - ${hold}
        and c.order_date <= greatest(a.payouts_hold_at, ${at}) - ${hold}
        and not exists (select 1 from payout_lines l where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)
    ) c
    where a.id = ${accountId}
    group by c.creator_id, a.payouts_hold_at`;
}

/**
 * Runs `read` with PostgreSQL's JIT compilation off. The planner cannot know how few
 * conversions crossedHold's ranges hold (their bounds come from the account row), so it
 * estimates enough to compile the statement: about 20 ms of compiling for a read of 1 ms.
 */
async function withoutJit<T>(db: Db, read: (db: Db) => Promise<T>): Promise<T> {
  const run = async (trx: Db) => {
    await sql`set local jit = off`.execute(trx);
    return read(trx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

function balanceRows(accountId: string, now: Date, where: RawBuilder<unknown>, tail: RawBuilder<unknown>) {
  const onHold = sql`b.on_hold_minor - coalesce(m.moved, 0)`;
  const payable = sql`b.payable_minor + coalesce(m.moved, 0)`;
  return sql<BalanceRow>`
    with moved as (${crossedHold(accountId, now)})
    select r.id as creator_id, r.name, (${onHold})::text as on_hold, (${payable})::text as payable,
           b.adjustments_minor::text as adjustments
    from creators r
    join payout_balances b on b.account_id = r.account_id and b.creator_id = r.id
    left join moved m on m.creator_id = r.id
    where r.account_id = ${accountId} and ${where}
      and (${onHold} <> 0 or ${payable} <> 0 or b.adjustments_minor <> 0)
    order by r.name, r.id
    ${tail}`;
}

/** Creators with anything on hold, payable or adjusted, by name then id; only `creatorIds` when given. */
export async function creatorBalances(db: Db, accountId: string, now: Date, creatorIds?: readonly string[]): Promise<Balance[]> {
  const only = creatorIds === undefined ? sql`true` : sql`r.id = any(${creatorIds as string[]}::bigint[])`;
  const { rows } = await withoutJit(db, (trx) => balanceRows(accountId, now, only, sql``).execute(trx));
  return rows.map(toBalance);
}

/** A page of creatorBalances after the creator (name, id) `after`, and whether more follow. */
export async function creatorBalancesPage(
  db: Db,
  accountId: string,
  now: Date,
  page: { limit: number; after?: { name: string; id: string } | undefined },
): Promise<{ balances: Balance[]; more: boolean }> {
  const after = page.after ? sql`(r.name, r.id) > (${page.after.name}, ${page.after.id}::bigint)` : sql`true`;
  const { rows } = await withoutJit(db, (trx) => balanceRows(accountId, now, after, sql`limit ${page.limit + 1}`).execute(trx));
  return { balances: rows.slice(0, page.limit).map(toBalance), more: rows.length > page.limit };
}

/** The account's sums over every creator: on hold, payable, adjustments, amount due, and how many creators owe or are owed. */
export async function balanceTotals(db: Db, accountId: string, now: Date): Promise<CreatorBalance & { creators: number }> {
  const { rows } = await withoutJit(db, (trx) =>
    sql<{ on_hold: string; payable: string; adjustments: string; creators: string }>`
    with moved as (${crossedHold(accountId, now)}),
    rows as (
      select b.on_hold_minor - coalesce(m.moved, 0) as on_hold, b.payable_minor + coalesce(m.moved, 0) as payable,
             b.adjustments_minor as adjustments
      from payout_balances b left join moved m on m.creator_id = b.creator_id
      where b.account_id = ${accountId}
    )
    select coalesce(sum(on_hold), 0)::text as on_hold, coalesce(sum(payable), 0)::text as payable,
           coalesce(sum(adjustments), 0)::text as adjustments,
           count(*) filter (where on_hold <> 0 or payable <> 0 or adjustments <> 0)::text as creators
    from rows`.execute(trx),
  );
  const r = rows[0]!;
  return { onHold: BigInt(r.on_hold), payable: BigInt(r.payable), adjustments: BigInt(r.adjustments), creators: Number(r.creators) };
}
