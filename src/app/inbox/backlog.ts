import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

// The inbox's backlog, across accounts, for operators (readiness and metrics): no account's
// figures are told apart. One statement; the counts read the partial indexes of pending and
// dead deliveries (migrations 0003 and 0013), so it costs about the size of the backlog.

export interface InboxBacklog {
  /** Deliveries stored and not yet applied, including retries not yet due. */
  pending: number;
  /**
   * How long the delivery that has waited longest for the processor has waited, in seconds: a
   * fresh one since it was stored, a retry since it fell due. 0 when none is due.
   */
  oldestDueSeconds: number;
  /** Dead letters kept, waiting for a replay. */
  dead: number;
}

export async function inboxBacklog(db: Db): Promise<InboxBacklog> {
  const { rows } = await sql<{ pending: string; oldest_due: number | null; dead: string }>`
    select
      (select count(*) from deliveries where status = 'pending') as pending,
      (select extract(epoch from now() - min(coalesce(next_attempt_at, received_at)))::float8 from deliveries
        where status = 'pending' and (next_attempt_at is null or next_attempt_at <= now())) as oldest_due,
      (select count(*) from deliveries where status = 'dead') as dead`.execute(db);
  const row = rows[0]!;
  return { pending: Number(row.pending), oldestDueSeconds: Math.max(0, row.oldest_due ?? 0), dead: Number(row.dead) };
}
