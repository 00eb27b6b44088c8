import { sql } from 'kysely';
import { expect } from 'vitest';
import { creatorBalances } from '../../src/app/payouts/balances.ts';
import type { Db } from '../../src/db/connect.ts';
import type { Client } from './harness.ts';

// The invariant of SPEC §11, per creator, to the cent: paid + pending + amount due + on hold =
// the current commission of their counted conversions + their manual adjustments. Paid and
// pending are read from the payouts' unreleased lines (what they cover in the current
// currency), amount due and on hold from the API, the right side from the ledger itself.

export async function expectPayoutInvariant(db: Db, client: Client, accountId: string): Promise<void> {
  const due = (await client.get('/api/payouts/due')).body;
  const minor = (m: { value: string }) => BigInt(m.value.replace('.', ''));
  const { rows } = await sql<{ creator_id: string; paid: string; pending: string; commission: string; manual: string }>`
    select r.id as creator_id,
      (select coalesce(sum(l.settled_minor), 0) from payout_lines l join payouts p on p.account_id = l.account_id and p.id = l.payout_id
        where l.account_id = r.account_id and l.creator_id = r.id and not l.released and p.status = 'paid')::text as paid,
      (select coalesce(sum(l.settled_minor), 0) from payout_lines l join payouts p on p.account_id = l.account_id and p.id = l.payout_id
        where l.account_id = r.account_id and l.creator_id = r.id and not l.released and p.status = 'pending')::text as pending,
      (select coalesce(sum(c.commission_minor), 0) from conversions c
        where c.account_id = r.account_id and c.creator_id = r.id and c.counted)::text as commission,
      (select coalesce(sum(a.amount_minor), 0) from payout_adjustments a
        where a.account_id = r.account_id and a.creator_id = r.id and a.kind = 'manual')::text as manual
    from creators r where r.account_id = ${accountId} order by r.id`.execute(db);
  for (const r of rows) {
    const row = due.creators.find((c: { creatorId: string }) => c.creatorId === r.creator_id);
    const open = row ? minor(row.amountDue) + minor(row.onHold) : 0n;
    const left = BigInt(r.paid) + BigInt(r.pending) + open;
    const right = BigInt(r.commission) + BigInt(r.manual);
    expect([r.creator_id, left]).toEqual([r.creator_id, right]);
  }
  await expectStoredBalances(db, accountId, [new Date()]);
}

/**
 * The amounts due summed afresh from the conversions, lines and adjustments at `now` (the
 * definition of SPEC §11 as one query), per creator with anything in them: what the stored
 * balances of migration 0020, moved to `now`, must equal.
 */
async function recountedBalances(db: Db, accountId: string, now: Date) {
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

/** The stored balances, read at each of `instants`, equal the recount at that instant, creator by creator. */
export async function expectStoredBalances(db: Db, accountId: string, instants: readonly Date[]): Promise<void> {
  for (const at of instants) {
    const stored = (await creatorBalances(db, accountId, at))
      .map((b) => ({ creatorId: b.creatorId, onHold: String(b.onHold), payable: String(b.payable), adjustments: String(b.adjustments) }))
      .sort((x, y) => Number(BigInt(x.creatorId) - BigInt(y.creatorId)));
    expect([at.toISOString(), stored]).toEqual([at.toISOString(), await recountedBalances(db, accountId, at)]);
  }
}
