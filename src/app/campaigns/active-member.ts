import type { MemberRef } from '../../core/attribution.ts';
import type { Db } from '../../db/connect.ts';
import { AppError, notFound } from '../errors.ts';

/**
 * Holds a member steady (FOR SHARE) while something is given to it — a code, a link — and
 * refuses members removed from the campaign or whose creator left the Community.
 */
export async function lockActiveMember(trx: Db, accountId: string, ref: MemberRef): Promise<void> {
  const member = await trx
    .selectFrom('members as m')
    .innerJoin('creators as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.creator_id'))
    .select(['m.removed_at', 'c.removed_at as creator_removed_at'])
    .where('m.account_id', '=', accountId)
    .where('m.campaign_id', '=', ref.campaignId)
    .where('m.creator_id', '=', ref.creatorId)
    .forShare()
    .executeTakeFirst();
  if (!member) throw notFound('Member');
  if (member.creator_removed_at !== null) throw new AppError('creator_removed');
  if (member.removed_at !== null) throw new AppError('member_removed');
}
