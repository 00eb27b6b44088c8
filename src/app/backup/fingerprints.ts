import { type Kysely, sql } from 'kysely';
import { catalogTables, setCopySettings } from './catalog.ts';

// What `tally move` compares between the database it read and the one it wrote: for every
// table, per account (tables without an account as a whole), the number of rows and a hash of
// their text. Row texts are hashed one by one and summed, so the order rows come in does not
// matter and no table is ever held as one string. Texts are the databases' own, in UTC.

export interface Fingerprint {
  table: string;
  /** The account, or null for a table that has no account_id. */
  accountId: string | null;
  rows: string;
  hash: string;
}

// biome-ignore lint/suspicious/noExplicitAny: backups read and write tables by name, whatever migration the database is at.
export async function fingerprints(db: Kysely<any>): Promise<Fingerprint[]> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await setCopySettings(trx);
      const result: Fingerprint[] = [];
      for (const table of await catalogTables(trx)) {
        const account = table.columns.includes('account_id') ? sql`t.account_id::text` : sql`null::text`;
        const { rows } = await sql<Fingerprint>`
        select ${table.name}::text as "table", ${account} as "accountId", count(*)::text as rows,
               sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint)::text as hash
        from ${sql.table(table.name)} t
        group by 2
        order by 2`.execute(trx);
        result.push(...rows);
      }
      return result;
    });
}

export interface FingerprintDifference {
  table: string;
  accountId: string | null;
  /** e.g. "conversions (account 1): 12 rows in the source, 11 in the target" */
  message: string;
}

/** Each (table, account) whose rows differ between the source and the target. */
export function fingerprintDifferences(source: Fingerprint[], target: Fingerprint[]): FingerprintDifference[] {
  const key = (f: Fingerprint) => `${f.table}\u0000${f.accountId ?? ''}`;
  const there = new Map(target.map((f) => [key(f), f]));
  const differences: FingerprintDifference[] = [];
  const differ = (f: Fingerprint, what: string) =>
    differences.push({
      table: f.table,
      accountId: f.accountId,
      message: `${f.table}${f.accountId === null ? '' : ` (account ${f.accountId})`}: ${what}`,
    });
  for (const f of source) {
    const g = there.get(key(f));
    there.delete(key(f));
    if (!g) differ(f, `${f.rows} rows in the source, none in the target`);
    else if (g.rows !== f.rows) differ(f, `${f.rows} rows in the source, ${g.rows} in the target`);
    else if (g.hash !== f.hash) differ(f, `the same ${f.rows} rows in number, but not in content`);
  }
  for (const g of there.values()) differ(g, `none in the source, ${g.rows} rows in the target`);
  return differences;
}
