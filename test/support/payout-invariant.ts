import { sql } from 'kysely';
import { expect } from 'vitest';
import { creatorBalances } from '../../src/app/payouts/balances.ts';
import type { Db } from '../../src/db/connect.ts';
import type { Client } from './harness.ts';
import { recountedBalances } from './recount-balances.ts';

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

/** The stored balances, read at each of `instants`, equal the recount at that instant, creator by creator. */
export async function expectStoredBalances(db: Db, accountId: string, instants: readonly Date[]): Promise<void> {
  for (const at of instants) {
    const stored = (await creatorBalances(db, accountId, at))
      .map((b) => ({ creatorId: b.creatorId, onHold: String(b.onHold), payable: String(b.payable), adjustments: String(b.adjustments) }))
      .sort((x, y) => Number(BigInt(x.creatorId) - BigInt(y.creatorId)));
    expect([at.toISOString(), stored]).toEqual([at.toISOString(), await recountedBalances(db, accountId, at)]);
  }
}
