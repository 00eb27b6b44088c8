import { sql } from 'kysely';
import { toMoney } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import type { TConversion } from '../../schemas/conversions.ts';
import type { TCreatorCampaigns } from '../../schemas/creator-page.ts';
import { getCampaign } from '../campaigns/campaigns.ts';
import { getMember } from '../campaigns/members.ts';
import { conversionPage, pageCursor } from '../conversions/conversions.ts';
import { getCreator } from './creators.ts';

// A creator across the account (SPEC §7, the creator's page): every campaign they are or were a
// member of, with codes, links and terms and what they earned there, and all their orders.
// Unlike a campaign's views, nothing here hides a removed membership: it is the creator's history.

/** The creator's memberships, oldest first, with each campaign's counted orders and commission. */
export async function creatorCampaigns(db: Db, accountId: string, creatorId: string, publicUrl: string): Promise<TCreatorCampaigns> {
  await getCreator(db, accountId, creatorId);
  const account = await db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow();
  const currency = account.default_currency;
  const memberships = await db
    .selectFrom('members')
    .select('campaign_id')
    .where('account_id', '=', accountId)
    .where('creator_id', '=', creatorId)
    .orderBy('created_at')
    .orderBy('campaign_id')
    .execute();
  const { rows: earned } = await sql<{ campaign_id: string; orders: string; commission: string }>`
    select campaign_id, count(*)::text as orders, coalesce(sum(commission_minor), 0)::text as commission
    from conversions
    where account_id = ${accountId} and creator_id = ${creatorId} and counted
    group by campaign_id`.execute(db);
  const byCampaign = new Map(earned.map((e) => [e.campaign_id, e]));
  const items = [];
  for (const { campaign_id: campaignId } of memberships) {
    const e = byCampaign.get(campaignId);
    items.push({
      campaign: await getCampaign(db, accountId, campaignId),
      member: await getMember(db, accountId, { campaignId, creatorId }, publicUrl),
      orders: Number(e?.orders ?? 0),
      commission: toMoney(BigInt(e?.commission ?? 0), currency),
    });
  }
  const total = earned.reduce((sum, e) => sum + BigInt(e.commission), 0n);
  const orders = earned.reduce((sum, e) => sum + Number(e.orders), 0);
  return { currency, items, totals: { orders, commission: toMoney(total, currency) } };
}

/** The creator's conversions in every campaign, newest first, one keyset page at a time. */
export async function listCreatorConversions(
  db: Db,
  accountId: string,
  creatorId: string,
  filter: { limit?: number | undefined; cursor?: string | undefined },
): Promise<{ items: TConversion[]; nextCursor: string | null }> {
  const cursor = pageCursor(filter.cursor);
  await getCreator(db, accountId, creatorId);
  return conversionPage(db, accountId, sql<boolean>`c.creator_id = ${creatorId}`, cursor, filter.limit);
}
