import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { notFound } from '../errors.ts';
import { applyBatch } from '../ledger/apply-batch.ts';
import { keptFactsToJson } from '../ledger/kept-facts.ts';
import { lockAccount } from '../ledger/lock-orders.ts';
import { inRange, parseRange, type RangeInput } from '../reports/range.ts';

/**
 * Attributes the stored, unattributed orders placed in a range to this campaign's members, by
 * the codes and links known now (SPEC §5.5: only when the brand asks). An order whose codes or
 * link now point to another campaign's member is left for that campaign's backfill. Each order
 * it attributes is kept as a delivery (topic `backfill`) with the decision, so a rebuild
 * attributes it the same way.
 */
export async function backfillCampaign(
  db: Db,
  accountId: string,
  campaignId: string,
  range: RangeInput,
): Promise<{ examined: number; attributed: number }> {
  return db.transaction().execute(async (trx) => {
    const campaign = await trx
      .selectFrom('campaigns')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', campaignId)
      .executeTakeFirst();
    if (!campaign) throw notFound('Campaign');
    // Work on the whole account: its row locked first (see lock-orders.ts), so however many
    // orders the range holds, no order lock is taken.
    await lockAccount(trx, accountId);
    const account = await trx.selectFrom('accounts').select('time_zone').where('id', '=', accountId).executeTakeFirstOrThrow();
    const orders = await trx
      .selectFrom('orders as o')
      .leftJoin('conversions as c', (j) => j.onRef('c.account_id', '=', 'o.account_id').onRef('c.order_id', '=', 'o.id'))
      .select(['o.store_id', 'o.external_id'])
      .where('o.account_id', '=', accountId)
      .where('c.id', 'is', null)
      .where(inRange(sql.ref('o.placed_at'), parseRange(range, account.time_zone)))
      .orderBy('o.placed_at')
      .execute();
    if (orders.length === 0) return { examined: 0, attributed: 0 };

    // Each candidate kept as a delivery, applied as one batch; those that attributed nothing keep nothing.
    const facts = orders.map((o) => ({ kind: 'backfill' as const, externalId: o.external_id, campaignId }));
    const kept = await sql<{ id: string; received_at: Date }>`
      insert into deliveries (account_id, store_id, delivery_id, topic, facts, status, processed_at)
      select ${accountId}::bigint, u.store_id, 'backfill:' || gen_random_uuid()::text, 'backfill', u.facts, 'done', now()
      from unnest(${orders.map((o) => o.store_id)}::bigint[], ${facts.map(keptFactsToJson)}::jsonb[])
           with ordinality as u(store_id, facts, n)
      order by u.n
      returning id, received_at`.execute(trx);
    const ids = kept.rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const applied = await applyBatch(
      trx,
      orders.map((o, i) => ({ accountId, storeId: o.store_id, facts: facts[i]!, receivedAt: kept.rows[0]!.received_at })),
      { accountLocked: true },
    );
    const idle = ids.filter((_, i) => !applied[i]!.changed);
    if (idle.length > 0) {
      await sql`delete from deliveries where account_id = ${accountId} and id = any(${idle}::bigint[])`.execute(trx);
    }
    return { examined: orders.length, attributed: applied.filter((a) => a.changed).length };
  });
}
