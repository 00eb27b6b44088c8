import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// The processor claims the oldest pending deliveries of every account (`order by id`). The
// index of 0003 leads with the account, so each claim read every pending entry and sorted them:
// after a burst, a backlog of thousands for each batch of a hundred. This one is in claim
// order, so a claim reads its batch and stops.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop index deliveries_pending;
    create index deliveries_pending on deliveries (id) where status = 'pending';
  `,
  );
}
