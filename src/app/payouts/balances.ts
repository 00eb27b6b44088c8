import { sql } from 'kysely';
import { amountDue, type CreatorBalance } from '../../core/payouts.ts';
import type { Db } from '../../db/connect.ts';

// What each creator of an account is owed now (SPEC §11): the commission of counted
// conversions in no open or paid payout, on hold or payable by their campaign's hold and their
// order's date, and the adjustments in no open or paid payout. A conversion or adjustment is in
// an open or paid payout while it has an unreleased line (migration 0018).

export interface Balance extends CreatorBalance {
  creatorId: string;
  name: string;
  amountDue: bigint;
}

/** Creators with anything on hold, payable or adjusted, by name then id; only `creatorIds` when given. */
export async function creatorBalances(db: Db, accountId: string, now: Date, creatorIds?: readonly string[]): Promise<Balance[]> {
  const only = (column: string) =>
    creatorIds === undefined ? sql`true` : sql`${sql.ref(column)} = any(${creatorIds as string[]}::bigint[])`;
  // The core's isOnHold in SQL: held while the order's date plus the hold's days (of 86,400 s) is after now.
  const held = sql<boolean>`c.order_date + k.hold_days * interval '86400 seconds' > ${now.toISOString()}::timestamptz`;
  const { rows } = await sql<{ creator_id: string; name: string; on_hold: string; payable: string; adjustments: string }>`
    with free as (
      select c.creator_id,
             coalesce(sum(c.commission_minor) filter (where ${held}), 0) as on_hold,
             coalesce(sum(c.commission_minor) filter (where not ${held}), 0) as payable
      from conversions c
      join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
      where c.account_id = ${accountId} and c.counted and ${only('c.creator_id')}
        and not exists (select 1 from payout_lines l
                        where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)
      group by c.creator_id
    ), adjusted as (
      select a.creator_id, sum(a.amount_minor) as adjustments
      from payout_adjustments a
      where a.account_id = ${accountId} and ${only('a.creator_id')}
        and not exists (select 1 from payout_lines l
                        where l.account_id = a.account_id and l.adjustment_id = a.id and not l.released)
      group by a.creator_id
    )
    select r.id as creator_id, r.name, coalesce(f.on_hold, 0)::text as on_hold, coalesce(f.payable, 0)::text as payable,
           coalesce(j.adjustments, 0)::text as adjustments
    from creators r
    left join free f on f.creator_id = r.id
    left join adjusted j on j.creator_id = r.id
    where r.account_id = ${accountId} and (f.creator_id is not null or j.creator_id is not null)
      and (coalesce(f.on_hold, 0) <> 0 or coalesce(f.payable, 0) <> 0 or coalesce(j.adjustments, 0) <> 0)
    order by r.name, r.id`.execute(db);
  return rows.map((r) => {
    const balance = { onHold: BigInt(r.on_hold), payable: BigInt(r.payable), adjustments: BigInt(r.adjustments) };
    return { creatorId: r.creator_id, name: r.name, ...balance, amountDue: amountDue(balance) };
  });
}
