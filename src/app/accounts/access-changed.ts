import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

// Every process re-checks its open event streams when access is taken away anywhere (a key
// revoked, a user removed or demoted, sessions ended): the change NOTIFYs this channel, which
// PostgreSQL delivers to every listening process when the change commits.
export const ACCESS_CHANNEL = 'tally_access';

/** Tells every process, at commit of the caller's transaction, that some access ended. */
export async function notifyAccessChanged(db: Db): Promise<void> {
  await sql`select pg_notify(${ACCESS_CHANNEL}, '')`.execute(db);
}
