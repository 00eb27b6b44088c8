import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { lockAccount } from '../ledger/lock-orders.ts';
import { crossedHold } from './balances.ts';

// Time moves commission from on hold to payable with no write to the ledger. A read of the
// balances moves what crossed since the account's split instant (balances.ts); the sweep writes
// it into the balances and moves the instant, so that what reads have to move stays a few
// minutes of orders.

/** How far behind an account's split instant may fall before the server sweeps it. */
export const HOLD_SWEEP_MS = 60_000;

/** Moves the split of the account's balances to `now`; the caller holds the account FOR UPDATE. */
export async function sweepHold(trx: Db, accountId: string, now: Date): Promise<void> {
  await sql`set local jit = off`.execute(trx);
  await sql`
    insert into payout_balances as b (account_id, creator_id, on_hold_minor, payable_minor)
    select ${accountId}, m.creator_id, -m.moved, m.moved
    from (${crossedHold(accountId, now)}) m
    where m.moved <> 0
    order by m.creator_id
    on conflict (account_id, creator_id) do update
      set on_hold_minor = b.on_hold_minor + excluded.on_hold_minor, payable_minor = b.payable_minor + excluded.payable_minor`.execute(trx);
  await trx.updateTable('accounts').set({ payouts_hold_at: now }).where('id', '=', accountId).execute();
}

/** Sweeps every account whose split instant is older than `HOLD_SWEEP_MS`, one transaction each; how many it swept. */
export async function sweepStaleHolds(db: Db, now: Date): Promise<number> {
  const stale = await db
    .selectFrom('accounts')
    .select('id')
    .where('payouts_hold_at', '<', new Date(now.getTime() - HOLD_SWEEP_MS))
    .orderBy('id')
    .execute();
  for (const { id } of stale) {
    await db.transaction().execute(async (trx) => {
      await lockAccount(trx, id);
      await sweepHold(trx, id, now);
    });
  }
  return stale.length;
}
