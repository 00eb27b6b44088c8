import { sql } from 'kysely';
import type { MemberRef } from '../../core/attribution.ts';
import type { Db } from '../../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import { assertCampaign } from './campaigns.ts';
import { claimCode } from './codes.ts';
import { type CommissionInput, type CommissionView, mergeTerms, NO_TERMS, overrideView } from './commission-terms.ts';
import { linksByCreator, type MemberLinkView } from './links.ts';

// Campaign members. Removing one hides it from the campaign's views but keeps its row and its
// codes, which go on attributing orders (SPEC §6); adding it again shows its history again.
export interface MemberView {
  creatorId: string;
  name: string;
  codes: string[];
  links: MemberLinkView[];
  /** The member's own terms; null when the campaign's apply. */
  commission: CommissionView | null;
  removed: boolean;
  /** Removed from the Community: hidden from campaign views like a removed member. */
  creatorRemoved: boolean;
}

export interface MemberInput {
  creatorId: string;
  codes?: string[];
  commission?: CommissionInput | null;
}

async function loadMembers(
  db: Db,
  accountId: string,
  campaignId: string,
  filter: { creatorId?: string; includeRemoved: boolean },
  publicUrl: string,
): Promise<MemberView[]> {
  let query = db
    .selectFrom('members as m')
    .innerJoin('creators as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.creator_id'))
    .select([
      'm.creator_id',
      'c.name',
      'm.commission_percent',
      'm.commission_fixed_minor',
      'm.commission_fixed_currency',
      'm.removed_at',
      'c.removed_at as creator_removed_at',
    ])
    .where('m.account_id', '=', accountId)
    .where('m.campaign_id', '=', campaignId);
  if (filter.creatorId !== undefined) query = query.where('m.creator_id', '=', filter.creatorId);
  if (!filter.includeRemoved) query = query.where('m.removed_at', 'is', null).where('c.removed_at', 'is', null);
  const rows = await query.orderBy('m.created_at').orderBy('m.creator_id').execute();
  if (rows.length === 0) return [];

  let codes = db
    .selectFrom('codes')
    .select(['creator_id', 'code'])
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', campaignId);
  if (filter.creatorId !== undefined) codes = codes.where('creator_id', '=', filter.creatorId);
  const byCreator = new Map<string, string[]>();
  for (const c of await codes.orderBy('id').execute()) {
    byCreator.set(c.creator_id, [...(byCreator.get(c.creator_id) ?? []), c.code]);
  }
  const links = await linksByCreator(db, accountId, campaignId, filter.creatorId, publicUrl);
  return rows.map((row) => ({
    creatorId: row.creator_id,
    name: row.name,
    codes: byCreator.get(row.creator_id) ?? [],
    links: links.get(row.creator_id) ?? [],
    commission: overrideView(row),
    removed: row.removed_at !== null,
    creatorRemoved: row.creator_removed_at !== null,
  }));
}

export async function getMember(db: Db, accountId: string, member: MemberRef, publicUrl: string): Promise<MemberView> {
  const [found] = await loadMembers(db, accountId, member.campaignId, { creatorId: member.creatorId, includeRemoved: true }, publicUrl);
  if (!found) throw notFound('Member');
  return found;
}

export async function listMembers(
  db: Db,
  accountId: string,
  campaignId: string,
  options: { includeRemoved: boolean },
  publicUrl: string,
): Promise<MemberView[]> {
  await assertCampaign(db, accountId, campaignId);
  return loadMembers(db, accountId, campaignId, options, publicUrl);
}

/**
 * Adds the creator to the campaign, or restores it if it was removed (its codes come back with
 * it), then claims the given codes — all or nothing. `created` is false when the creator was
 * already an active member: the call is then idempotent apart from the new codes and terms.
 */
export async function addMember(
  db: Db,
  accountId: string,
  campaignId: string,
  input: MemberInput,
  publicUrl: string,
): Promise<{ member: MemberView; created: boolean }> {
  // Two requests claiming the same codes in opposite orders can deadlock; PostgreSQL aborts
  // one, and running it again gives the answer it should have had (usually code_taken).
  for (let attempt = 1; ; attempt++) {
    try {
      return await addMemberOnce(db, accountId, campaignId, input, publicUrl);
    } catch (error) {
      if ((error as { code?: string })?.code !== DEADLOCK || attempt >= 3) throw error;
    }
  }
}

const DEADLOCK = '40P01';

async function addMemberOnce(
  db: Db,
  accountId: string,
  campaignId: string,
  input: MemberInput,
  publicUrl: string,
): Promise<{ member: MemberView; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await assertCampaign(trx, accountId, campaignId);
    const creator = await trx
      .selectFrom('creators')
      .select('removed_at')
      .where('account_id', '=', accountId)
      .where('id', '=', input.creatorId)
      .forShare()
      .executeTakeFirst();
    if (!creator) throw notFound('Creator');
    if (creator.removed_at !== null) throw new AppError('creator_removed');

    const ref = { campaignId, creatorId: input.creatorId };
    const existing = await lockMember(trx, accountId, ref);
    let created = true;
    if (!existing) {
      const inserted = await trx
        .insertInto('members')
        .values({ account_id: accountId, campaign_id: campaignId, creator_id: input.creatorId, ...mergeTerms(NO_TERMS, input.commission) })
        .onConflict((oc) => oc.columns(['account_id', 'campaign_id', 'creator_id']).doNothing())
        .returning('creator_id')
        .executeTakeFirst();
      // Lost a race with a concurrent add of the same creator: treat it as already a member.
      if (!inserted) created = await reactivate(trx, accountId, ref, input.commission);
    } else {
      created = await reactivate(trx, accountId, ref, input.commission);
    }
    for (const code of input.codes ?? []) await claimCode(trx, accountId, ref, code);
    return { member: await getMember(trx, accountId, ref, publicUrl), created };
  });
}

async function lockMember(trx: Db, accountId: string, ref: MemberRef) {
  return trx
    .selectFrom('members')
    .select(['removed_at', 'commission_percent', 'commission_fixed_minor', 'commission_fixed_currency'])
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', ref.campaignId)
    .where('creator_id', '=', ref.creatorId)
    .forUpdate()
    .executeTakeFirst();
}

/** Brings back a removed member and applies new terms; true if it had been removed. */
async function reactivate(trx: Db, accountId: string, ref: MemberRef, commission: CommissionInput | null | undefined): Promise<boolean> {
  const current = await lockMember(trx, accountId, ref);
  if (!current) throw notFound('Member');
  await trx
    .updateTable('members')
    .set({ removed_at: null, ...mergeTerms(current, commission) })
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', ref.campaignId)
    .where('creator_id', '=', ref.creatorId)
    .execute();
  return current.removed_at !== null;
}

/** Sets (merge-patch) or, with null, clears the member's own terms. */
export async function updateMemberTerms(
  db: Db,
  accountId: string,
  ref: MemberRef,
  commission: CommissionInput | null,
  publicUrl: string,
): Promise<MemberView> {
  return db.transaction().execute(async (trx) => {
    const current = await lockMember(trx, accountId, ref);
    if (!current) throw notFound('Member');
    await trx
      .updateTable('members')
      .set(mergeTerms(current, commission))
      .where('account_id', '=', accountId)
      .where('campaign_id', '=', ref.campaignId)
      .where('creator_id', '=', ref.creatorId)
      .execute();
    return getMember(trx, accountId, ref, publicUrl);
  });
}

/** Idempotent: removing twice keeps the first removal time. Codes are kept. */
export async function removeMember(db: Db, accountId: string, ref: MemberRef): Promise<void> {
  const row = await db
    .updateTable('members')
    .set({ removed_at: sql`coalesce(removed_at, now())` })
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', ref.campaignId)
    .where('creator_id', '=', ref.creatorId)
    .returning('creator_id')
    .executeTakeFirst();
  if (!row) throw notFound('Member');
}
