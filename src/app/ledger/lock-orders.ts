import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

// The one lock order of the ledger. A transaction that writes orders or conversions first takes
// the advisory lock of every order it touches, in the order of their keys, and in the same
// statement the account rows with a key-share lock; only then does it read or lock any row. So
// two writers never wait on each other in a cycle.
//
// Work on a whole account (a change of default currency or time zone, a backfill, the demo, a
// rebuild) instead locks the account row FOR UPDATE, first and alone: every other writer of the
// account waits for it at its key-share lock, and it takes no order lock, so it never waits for
// them in turn. (An advisory lock per order would not do there: a transaction holds its locks
// until it ends, and the server's lock table holds a few thousand.)

/** The key of an order's lock. */
export const orderLockKey = ({ accountId, storeId }: { accountId: string; storeId: string }, externalId: string) =>
  `${accountId}:${storeId}:${externalId}`;

/** Takes the locks of the orders, then the accounts'; returns each account's default currency. */
export async function lockOrdersAndAccounts(
  trx: Db,
  orders: ReadonlyArray<{ accountId: string; storeId: string; externalId: string }>,
): Promise<Map<string, string>> {
  const lockKeys = [...new Set(orders.map((o) => orderLockKey(o, o.externalId)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const accountIds = [...new Set(orders.map((o) => o.accountId))];
  // The aggregate ends before the row locks are taken, and a row lock reads the row's latest version.
  const rows = await sql<{ id: string; default_currency: string }>`/* statement: apply.lock-accounts */
    select a.id, a.default_currency
    from accounts a,
         (select count(pg_advisory_xact_lock(hashtextextended(k, 0)))::int as n from unnest(${lockKeys}::text[]) as u(k)) l
    where a.id = any(${accountIds}::bigint[]) and l.n = ${lockKeys.length}
    order by a.id
    for key share of a`.execute(trx);
  if (rows.rows.length !== accountIds.length) throw new Error('an account of the batch was not found');
  return new Map(rows.rows.map((a) => [a.id, a.default_currency]));
}

/** Locks the account row for work on the whole account; returns its default currency. */
export async function lockAccount(trx: Db, accountId: string): Promise<string> {
  const row = await trx.selectFrom('accounts').select('default_currency').where('id', '=', accountId).forUpdate().executeTakeFirstOrThrow();
  return row.default_currency;
}
