import { type Kysely, sql } from 'kysely';
import { stripPersonalData } from '../../stores/strip-personal-data.ts';
import { runStatements } from './run-statements.ts';

// Personal data (SPEC §9). Shopify's privacy requests are recorded as they are honoured
// (privacy_requests: which, when, how many orders named and kept bodies erased; never the
// customer's id, e-mail or phone). Dead letters kept before bodies were stripped of the
// customer's data are stripped now, as a dead letter is from now on when it is kept
// (stores/strip-personal-data.ts); one that is not JSON is not kept at all.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table privacy_requests (
      account_id bigint not null,
      id bigint generated always as identity,
      store_id bigint not null,
      delivery_id text not null,
      topic text not null check (topic in ('customers/redact', 'shop/redact', 'customers/data_request')),
      received_at timestamptz not null default now(),
      -- The orders the request names (none for shop/redact), and the kept bodies it erased.
      orders integer not null,
      bodies_erased integer not null,
      primary key (account_id, id),
      -- A redelivery (same delivery id) is recorded once.
      unique (account_id, store_id, delivery_id),
      foreign key (account_id, store_id) references stores (account_id, id)
    );
  `,
  );

  await stripKeptBodies(db);
}

/** Strips every kept body of its customer's data, in keyset batches (a database may hold many). */
export async function stripKeptBodies(db: Kysely<unknown>): Promise<void> {
  let after = { account: '0', id: '0' };
  for (;;) {
    const { rows } = await sql<{ account_id: string; id: string; raw: Buffer }>`
      select account_id, id, raw from deliveries
      where raw is not null and (account_id, id) > (${after.account}::bigint, ${after.id}::bigint)
      order by account_id, id limit 100`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const stripped = stripPersonalData(Buffer.from(row.raw));
      await sql`update deliveries set raw = decode(${stripped?.toString('hex') ?? null}, 'hex')
                where account_id = ${row.account_id} and id = ${row.id}`.execute(db);
    }
    const last = rows[rows.length - 1]!;
    after = { account: last.account_id, id: last.id };
  }
}
