import { sql } from 'kysely';
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

/** Writes the entries with one statement, their columns as arrays (an authorization may have 50,000). */
export async function audit(trx: Db, accountId: string, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql`
    insert into payout_audit (account_id, actor, action, payout_id, creator_id, detail)
    select ${accountId}, u.actor, u.action, u.payout_id, u.creator_id, u.detail
    from unnest(${entries.map((e) => e.actor)}::text[], ${entries.map((e) => e.action)}::text[],
                ${entries.map((e) => e.payoutId ?? null)}::bigint[], ${entries.map((e) => e.creatorId ?? null)}::bigint[],
                ${entries.map((e) => e.detail)}::text[]) with ordinality as u(actor, action, payout_id, creator_id, detail, n)
    order by u.n`.execute(trx);
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
