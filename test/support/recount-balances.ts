import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';

// What the amounts due of migration 0020 are kept equal to, for the tests and the payouts
// benchmark (its ceiling).

export interface Recounted {
  creatorId: string;
  onHold: string;
  payable: string;
  adjustments: string;
}

/**
 * The amounts due summed afresh from the conversions, lines and adjustments at `now` (the
 * definition of SPEC §11 as one query), per creator with anything in them: what the stored
 * balances of migration 0020, moved to `now`, must equal.
 */
export async function recountedBalances(db: Db, accountId: string, now: Date): Promise<Recounted[]> {
  const held = sql<boolean>`c.order_date + k.hold_days * interval '86400 seconds' > ${now.toISOString()}::timestamptz`;
  const { rows } = await sql<{ creator_id: string; on_hold: string; payable: string; adjustments: string }>`
    with free as (
      select c.creator_id,
             coalesce(sum(c.commission_minor) filter (where ${held}), 0) as on_hold,
             coalesce(sum(c.commission_minor) filter (where not ${held}), 0) as payable
      from conversions c
      join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
      where c.account_id = ${accountId} and c.counted
        and not exists (select 1 from payout_lines l where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)
      group by c.creator_id
    ), adjusted as (
      select a.creator_id, sum(a.amount_minor) as adjustments
      from payout_adjustments a
      where a.account_id = ${accountId}
        and not exists (select 1 from payout_lines l where l.account_id = a.account_id and l.adjustment_id = a.id and not l.released)
      group by a.creator_id
    )
    select r.id as creator_id, coalesce(f.on_hold, 0)::text as on_hold, coalesce(f.payable, 0)::text as payable,
           coalesce(j.adjustments, 0)::text as adjustments
    from creators r
    left join free f on f.creator_id = r.id
    left join adjusted j on j.creator_id = r.id
    where r.account_id = ${accountId}
      and (coalesce(f.on_hold, 0) <> 0 or coalesce(f.payable, 0) <> 0 or coalesce(j.adjustments, 0) <> 0)
    order by r.id`.execute(db);
  return rows.map((r) => ({ creatorId: r.creator_id, onHold: r.on_hold, payable: r.payable, adjustments: r.adjustments }));
}
