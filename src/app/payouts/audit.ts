import type { Db } from '../../db/connect.ts';
import type { PayoutAuditTable } from '../../db/schema.ts';

// The payouts' audit log: who did what and when, written in the transaction that did it.
export interface AuditEntry {
  actor: string;
  action: PayoutAuditTable['action'];
  payoutId?: string | null;
  creatorId?: string | null;
  detail: string;
}

export async function audit(trx: Db, accountId: string, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('payout_audit')
    .values(
      entries.map((e) => ({
        account_id: accountId,
        actor: e.actor,
        action: e.action,
        payout_id: e.payoutId ?? null,
        creator_id: e.creatorId ?? null,
        detail: e.detail,
      })),
    )
    .execute();
}

/** The account's audit log, newest first (at most the last 1,000 entries). */
export async function listAudit(db: Db, accountId: string) {
  const rows = await db
    .selectFrom('payout_audit')
    .select(['at', 'actor', 'action', 'payout_id', 'creator_id', 'detail'])
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    payoutId: r.payout_id,
    creatorId: r.creator_id,
    detail: r.detail,
  }));
}
