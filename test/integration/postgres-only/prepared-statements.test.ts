import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statementName } from '../../../src/db/connect.ts';
import { describeDb, openTestDb, type TestDb } from '../../support/harness.ts';

// The statements of the webhook path with a fixed text are marked, and sent on PostgreSQL as
// named prepared statements: parsed once per connection, their plans kept.

describeDb('marked statements', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('names a marked text by its mark and a hash of the text, and leaves others unnamed', () => {
    const a = '/* statement: test.marked */ select $1::int as n';
    const b = '/* statement: test.marked */ select $1::int + 1 as n';
    expect(statementName(a)).toMatch(/^test\.marked_[0-9a-f]{12}$/);
    expect(statementName(a)).toBe(statementName(a));
    expect(statementName(b)).not.toBe(statementName(a));
    expect(statementName('select $1::int as n')).toBeNull();
    expect(statementName('select 1 /* statement: test.marked */')).toBeNull();
  });

  it('prepares a marked statement once per connection and answers it as an unmarked one', async () => {
    await db.db.connection().execute(async (conn) => {
      const names = async () =>
        (
          await sql<{ name: string }>`select name from pg_prepared_statements where name like 'test.%' order by name`.execute(conn)
        ).rows.map((r) => r.name);
      expect(await names()).toEqual([]);
      const first = await sql<{ n: number }>`/* statement: test.marked */ select ${41}::int + 1 as n`.execute(conn);
      const second = await sql<{ n: number }>`/* statement: test.marked */ select ${41}::int + 1 as n`.execute(conn);
      const plain = await sql<{ n: number }>`select ${41}::int + 1 as n`.execute(conn);
      expect([first.rows, second.rows, plain.rows]).toEqual([[{ n: 42 }], [{ n: 42 }], [{ n: 42 }]]);
      expect(await names()).toEqual([statementName('/* statement: test.marked */ select $1::int + 1 as n')]);
    });
  });
});
