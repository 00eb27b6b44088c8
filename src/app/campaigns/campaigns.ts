import type { Db } from '../../db/connect.ts';
import { notFound } from '../errors.ts';
import { type CommissionInput, type CommissionView, commissionView, mergeTerms, NO_TERMS } from './commission-terms.ts';

// Campaigns and their commission terms. Conversions snapshot the terms when they are created,
// so editing a campaign here changes what new conversions earn and never touches old ones.
export interface CampaignView {
  id: string;
  name: string;
  commission: CommissionView;
  attributionWindowDays: number;
  holdDays: number;
}

export interface CampaignInput {
  name: string;
  commission?: CommissionInput;
  attributionWindowDays?: number;
  holdDays?: number;
}

export interface CampaignPatch {
  name?: string;
  commission?: CommissionInput | null;
  attributionWindowDays?: number;
  holdDays?: number;
}

const COLUMNS = [
  'id',
  'name',
  'commission_percent',
  'commission_fixed_minor',
  'commission_fixed_currency',
  'attribution_window_days',
  'hold_days',
] as const;

type Row = {
  id: string;
  name: string;
  commission_percent: string | null;
  commission_fixed_minor: string | null;
  commission_fixed_currency: string | null;
  attribution_window_days: number;
  hold_days: number;
};

const view = (row: Row): CampaignView => ({
  id: row.id,
  name: row.name,
  commission: commissionView(row),
  attributionWindowDays: row.attribution_window_days,
  holdDays: row.hold_days,
});

export async function createCampaign(db: Db, accountId: string, input: CampaignInput): Promise<CampaignView> {
  const terms = mergeTerms(NO_TERMS, input.commission ?? null);
  const row = await db
    .insertInto('campaigns')
    .values({
      account_id: accountId,
      name: input.name,
      ...terms,
      ...(input.attributionWindowDays !== undefined && { attribution_window_days: input.attributionWindowDays }),
      ...(input.holdDays !== undefined && { hold_days: input.holdDays }),
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row);
}

export async function listCampaigns(db: Db, accountId: string): Promise<CampaignView[]> {
  const rows = await db.selectFrom('campaigns').select(COLUMNS).where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map(view);
}

export async function getCampaign(db: Db, accountId: string, campaignId: string): Promise<CampaignView> {
  return view(await campaignRow(db, accountId, campaignId));
}

async function campaignRow(db: Db, accountId: string, campaignId: string, lock = false): Promise<Row> {
  let query = db.selectFrom('campaigns').select(COLUMNS).where('account_id', '=', accountId).where('id', '=', campaignId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Campaign');
  return row;
}

/** Throws not_found unless the campaign belongs to the account. */
export async function assertCampaign(db: Db, accountId: string, campaignId: string): Promise<void> {
  await campaignRow(db, accountId, campaignId);
}

export async function updateCampaign(db: Db, accountId: string, campaignId: string, patch: CampaignPatch): Promise<CampaignView> {
  return db.transaction().execute(async (trx) => {
    // Locked, so two concurrent partial edits of the terms merge instead of losing one.
    const current = await campaignRow(trx, accountId, campaignId, true);
    const row = await trx
      .updateTable('campaigns')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...mergeTerms(current, patch.commission),
        ...(patch.attributionWindowDays !== undefined && { attribution_window_days: patch.attributionWindowDays }),
        ...(patch.holdDays !== undefined && { hold_days: patch.holdDays }),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', campaignId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return view(row);
  });
}
