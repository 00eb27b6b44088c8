import type { Db } from '../../db/connect.ts';

/**
 * Runs several reads on one snapshot of the database, so an answer never mixes states — for
 * instance the account's currency from before a change with figures from after it.
 */
export function inSnapshot<T>(db: Db, read: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(read);
}
