import type { MemberRef } from '../../core/attribution.ts';
import { normalizeCode } from '../../core/attribution.ts';
import type { Db } from '../../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import { lockActiveMember } from './active-member.ts';

// Tracking (discount) codes. A code belongs to one member of the account at a time: the
// unique (account_id, code_norm) key decides, so two racing requests cannot both get it.
export interface CodeView {
  code: string;
  creatorId: string;
  campaignId: string;
}

/**
 * Gives `code` to the member inside the caller's transaction. `created` is false when the
 * member already held it (idempotent). ON CONFLICT DO NOTHING, not a caught unique violation,
 * so the transaction stays usable; it waits for a concurrent claimant to commit or roll back,
 * and the holder read afterwards is the committed one.
 */
export async function claimCode(trx: Db, accountId: string, ref: MemberRef, code: string): Promise<{ code: string; created: boolean }> {
  const text = code.trim();
  const norm = normalizeCode(text);
  if (norm === '') throw new AppError('invalid_input', 'A code cannot be empty.');
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await trx
      .insertInto('codes')
      .values({ account_id: accountId, campaign_id: ref.campaignId, creator_id: ref.creatorId, code: text, code_norm: norm })
      .onConflict((oc) => oc.columns(['account_id', 'code_norm']).doNothing())
      .returning('code')
      .executeTakeFirst();
    if (inserted) return { code: inserted.code, created: true };
    const holder = await trx
      .selectFrom('codes')
      .select(['code', 'campaign_id', 'creator_id'])
      .where('account_id', '=', accountId)
      .where('code_norm', '=', norm)
      .executeTakeFirst();
    // Freed between the two statements: try again.
    if (!holder) continue;
    if (holder.campaign_id === ref.campaignId && holder.creator_id === ref.creatorId) return { code: holder.code, created: false };
    throw new AppError('code_taken', `Another member holds the code "${text}".`);
  }
  throw new AppError('code_taken', `Another member holds the code "${text}".`);
}

/** Adds a code to an active member; the creator must still be in the Community. */
export async function addCode(db: Db, accountId: string, ref: MemberRef, code: string): Promise<{ view: CodeView; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await lockActiveMember(trx, accountId, ref);
    const claimed = await claimCode(trx, accountId, ref, code);
    return { view: { code: claimed.code, ...ref }, created: claimed.created };
  });
}

/** Frees the code. Conversions keep the code's text, so their history is unchanged. */
export async function removeCode(db: Db, accountId: string, ref: MemberRef, code: string): Promise<void> {
  const row = await db
    .deleteFrom('codes')
    .where('account_id', '=', accountId)
    .where('campaign_id', '=', ref.campaignId)
    .where('creator_id', '=', ref.creatorId)
    .where('code_norm', '=', normalizeCode(code))
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('Code');
}
