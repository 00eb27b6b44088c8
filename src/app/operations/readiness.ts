import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { missingMigrations } from '../../db/migrate.ts';
import { inboxBacklog } from '../inbox/backlog.ts';
import { within } from './within.ts';

// Whether this process can do its work (GET /readyz), as a load balancer or an orchestrator
// asks: the database answers, every migration the code knows of is applied, and the inbox is
// not stuck. Liveness (GET /healthz) is another question: a process whose database is away is
// alive and comes back by itself, so it should be taken out of rotation, not restarted.

/**
 * The inbox is stuck when a delivery has waited this long to be applied and this process has
 * applied none meanwhile. A long burst makes old backlogs, but the processor then keeps
 * applying; one that applies nothing for this long has stopped.
 */
export const INBOX_STUCK_AFTER_S = 300;
/** The checks' answer is awaited this long; a database that says nothing meanwhile is not ready. */
export const ANSWER_WITHIN_MS = 5_000;

export interface Readiness {
  ready: boolean;
  /** 'ok', or what is wrong. */
  checks: { database: string; migrations: string; inbox: string };
}

export async function checkReadiness(db: Db, processor: { lastProgress(): number | null }): Promise<Readiness> {
  const result = await within(
    check(db, processor).catch(() => 'unreachable' as const),
    ANSWER_WITHIN_MS,
  );
  if (typeof result === 'string') {
    const database = result === 'late' ? `no answer within ${ANSWER_WITHIN_MS / 1000} s` : 'unreachable';
    return { ready: false, checks: { database, migrations: 'unknown', inbox: 'unknown' } };
  }
  return result;
}

async function check(db: Db, processor: { lastProgress(): number | null }): Promise<Readiness> {
  await sql`select 1`.execute(db);
  const missing = await missingMigrations(db);
  const { oldestDueSeconds } = await inboxBacklog(db);
  const progress = processor.lastProgress();
  const idleFor = progress === null ? Infinity : (Date.now() - progress) / 1000;
  const stuck = oldestDueSeconds > INBOX_STUCK_AFTER_S && idleFor > INBOX_STUCK_AFTER_S;
  const checks = {
    database: 'ok',
    migrations: missing.length === 0 ? 'ok' : `not applied: ${missing.join(', ')}`,
    inbox: stuck ? `stuck: a delivery has waited ${Math.round(oldestDueSeconds)} s to be applied` : 'ok',
  };
  return { ready: missing.length === 0 && !stuck, checks };
}
