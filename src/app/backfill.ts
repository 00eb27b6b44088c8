import { sql } from 'kysely';
import type { StoreStatus } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import { notFound } from './errors.ts';
import { attribute, openConversion } from './ingest-order.ts';
import { inRange, parseRange, type RangeInput } from './range.ts';
import { lockOrder } from './store-orders.ts';

/**
 * Attributes the stored, unattributed orders placed in a range to this campaign's members, by
 * the codes and links known now (SPEC §5.5: only when the brand asks). An order whose codes or
 * link now point to another campaign's member is left for that campaign's backfill.
 */
export async function backfillCampaign(
  db: Db,
  accountId: string,
  campaignId: string,
  range: RangeInput,
): Promise<{ examined: number; attributed: number }> {
  return db.transaction().execute(async (trx) => {
    const campaign = await trx.selectFrom('campaigns').select('id').where('account_id', '=', accountId).where('id', '=', campaignId).executeTakeFirst();
    if (!campaign) throw notFound('Campaign');
    // Key-share: waits for a change of currency or zone in flight (see ingestOrder).
    const account = await trx.selectFrom('accounts').select(['default_currency', 'time_zone']).where('id', '=', accountId).forKeyShare().executeTakeFirstOrThrow();
    const orders = await trx
      .selectFrom('orders as o')
      .leftJoin('conversions as c', (j) => j.onRef('c.account_id', '=', 'o.account_id').onRef('c.order_id', '=', 'o.id'))
      .select(['o.id', 'o.store_id', 'o.external_id', 'o.placed_at', 'o.currency', 'o.codes', 'o.ref'])
      .where('o.account_id', '=', accountId)
      .where('c.id', 'is', null)
      .where(inRange(sql.ref('o.placed_at'), parseRange(range, account.time_zone)))
      .orderBy('o.placed_at')
      .execute();
    let attributed = 0;
    for (const o of orders) {
      const attribution = await attribute(trx, accountId, { codes: o.codes, ref: o.ref, createdAt: o.placed_at });
      if (!attribution || attribution.member.campaignId !== campaignId) continue;
      const target = { accountId, storeId: o.store_id };
      // A delivery of the same order may be applying now: take its lock, then read its latest state.
      await lockOrder(trx, target, o.external_id);
      const now = await trx.selectFrom('orders').select(['status', 'amount_minor']).where('account_id', '=', accountId).where('id', '=', o.id).executeTakeFirstOrThrow();
      const opened = await openConversion(
        trx,
        target,
        { id: o.id, createdAt: o.placed_at, currency: o.currency, status: now.status as StoreStatus, amountMinor: BigInt(now.amount_minor) },
        attribution,
        account.default_currency,
      );
      if (opened) attributed += 1;
    }
    return { examined: orders.length, attributed };
  });
}
