import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/connect.ts';

// The live ledger (schema public) against a rebuilt one (the rebuild's temporary tables, schema
// pg_temp), row by row on natural keys: orders and deletions by store and store order id,
// refunds by store and refund id, conversions by their order, rollups by their buckets (a
// missing rollup row is zeros).

export interface Difference {
  table: string;
  /** The row's natural key, e.g. "store 3, order 820982911946154508". */
  key: string;
  column: string;
  live: string | null;
  rebuilt: string | null;
}

const ORDER_COLUMNS = [
  'number',
  'currency',
  'placed_at',
  'store_updated_at',
  'base_status',
  'gross_minor',
  'refunded_minor',
  'status',
  'amount_minor',
  'codes',
  'ref',
  'country',
  'subtotal_minor',
  'current_minor',
];
const CONVERSION_COLUMNS = [
  'campaign_id',
  'creator_id',
  'via_type',
  'via_value',
  'order_date',
  'currency',
  'status',
  'approval',
  'amount_minor',
  'terms_percent',
  'terms_fixed_minor',
  'terms_fixed_currency',
  'fx_missing',
  'converted_minor',
  'commission_minor',
  'counted',
];
const SUMS = ['orders', 'sales', 'commission'];
const ROLLUPS: ReadonlyArray<{ table: string; keys: string[]; sums: string[] }> = [
  { table: 'rollup_member_days', keys: ['day', 'campaign_id', 'creator_id'], sums: SUMS },
  { table: 'rollup_member_months', keys: ['month', 'campaign_id', 'creator_id'], sums: SUMS },
  { table: 'rollup_member_years', keys: ['year', 'campaign_id', 'creator_id'], sums: SUMS },
  { table: 'rollup_campaign_days', keys: ['day', 'campaign_id'], sums: [...SUMS, 'fx_missing'] },
  { table: 'rollup_campaign_months', keys: ['month', 'campaign_id'], sums: [...SUMS, 'fx_missing'] },
  { table: 'rollup_campaign_hours', keys: ['hour', 'campaign_id'], sums: SUMS },
  { table: 'rollup_account_days', keys: ['day'], sums: SUMS },
  { table: 'rollup_creator_days', keys: ['day', 'creator_id'], sums: SUMS },
  { table: 'rollup_creator_weeks', keys: ['week', 'creator_id'], sums: SUMS },
  { table: 'rollup_creator_months', keys: ['month', 'creator_id'], sums: SUMS },
  { table: 'rollup_creator_quarters', keys: ['quarter', 'creator_id'], sums: SUMS },
  { table: 'rollup_creator_years', keys: ['year', 'creator_id'], sums: SUMS },
];

/** Each column of each row that differs between the live and the rebuilt ledger of the account. */
export async function compareLedgers(trx: Db, accountId: string): Promise<Difference[]> {
  const differences: Difference[] = [];
  const orders = (schema: string) => sql`select store_id, external_id, ${columnsJson(ORDER_COLUMNS, 'o')} as j
    from ${sql.id(schema, 'orders')} o where o.account_id = ${accountId}`;
  differences.push(...(await compare(trx, 'orders', orders, ['store_id', 'external_id'], (k) => `store ${k[0]}, order ${k[1]}`)));

  const refunds = (schema: string) => sql`select store_id, refund_id, ${columnsJson(['order_external_id', 'amount_minor'], 'r')} as j
    from ${sql.id(schema, 'refunds')} r where r.account_id = ${accountId}`;
  differences.push(...(await compare(trx, 'refunds', refunds, ['store_id', 'refund_id'], (k) => `store ${k[0]}, refund ${k[1]}`)));

  const deletions = (schema: string) => sql`select store_id, external_id, ${columnsJson(['at'], 'd')} as j
    from ${sql.id(schema, 'order_deletions')} d where d.account_id = ${accountId}`;
  differences.push(
    ...(await compare(trx, 'order_deletions', deletions, ['store_id', 'external_id'], (k) => `store ${k[0]}, order ${k[1]}`)),
  );

  const conversions = (schema: string) => sql`select o.store_id, o.external_id, ${columnsJson(CONVERSION_COLUMNS, 'c')} as j
    from ${sql.id(schema, 'conversions')} c join ${sql.id(schema, 'orders')} o on o.account_id = c.account_id and o.id = c.order_id
    where c.account_id = ${accountId}`;
  differences.push(
    ...(await compare(
      trx,
      'conversions',
      conversions,
      ['store_id', 'external_id'],
      (k) => `the conversion of store ${k[0]}, order ${k[1]}`,
    )),
  );

  for (const r of ROLLUPS) {
    const rows = (schema: string) => sql`select ${sql.join(r.keys.map((k) => sql`${sql.ref(k)}::text as ${sql.ref(k)}`))},
        ${columnsJson(r.sums, 't')} as j
      from ${sql.id(schema, r.table)} t where t.account_id = ${accountId}`;
    const zero = `{${r.sums.map((s) => `"${s}": "0"`).join(', ')}}`;
    differences.push(...(await compare(trx, r.table, rows, r.keys, (k) => r.keys.map((name, i) => `${name} ${k[i]}`).join(', '), zero)));
  }
  return differences;
}

function columnsJson(columns: readonly string[], alias: string): RawBuilder<unknown> {
  return sql`jsonb_build_object(${sql.join(columns.map((c) => sql`${sql.lit(c)}, ${sql.ref(`${alias}.${c}`)}::text`))})`;
}

async function compare(
  trx: Db,
  table: string,
  rows: (schema: string) => RawBuilder<unknown>,
  keys: readonly string[],
  describe: (key: string[]) => string,
  zero: string | null = null,
): Promise<Difference[]> {
  const on = sql.join(
    keys.map((k) => sql`l.${sql.ref(k)} = r.${sql.ref(k)}`),
    sql` and `,
  );
  const keyOut = sql.join(
    keys.map((k) => sql`coalesce(l.${sql.ref(k)}, r.${sql.ref(k)})::text`),
    sql`, `,
  );
  const differ =
    zero === null ? sql`l.j is distinct from r.j` : sql`coalesce(l.j, ${zero}::jsonb) is distinct from coalesce(r.j, ${zero}::jsonb)`;
  const found = await sql<{ k: string[]; live: Record<string, string | null> | null; rebuilt: Record<string, string | null> | null }>`
    select array[${keyOut}] as k, l.j as live, r.j as rebuilt
    from (${rows('public')}) l full join (${rows('pg_temp')}) r on ${on}
    where ${differ}
    order by 1`.execute(trx);
  const differences: Difference[] = [];
  for (const row of found.rows) {
    const key = describe(row.k);
    if (zero === null && (row.live === null || row.rebuilt === null)) {
      differences.push({ table, key, column: '(row)', live: row.live ? 'present' : null, rebuilt: row.rebuilt ? 'present' : null });
      continue;
    }
    const live = row.live ?? JSON.parse(zero!);
    const rebuilt = row.rebuilt ?? JSON.parse(zero!);
    for (const column of Object.keys({ ...live, ...rebuilt })) {
      if (live[column] !== rebuilt[column])
        differences.push({ table, key, column, live: live[column] ?? null, rebuilt: rebuilt[column] ?? null });
    }
  }
  return differences;
}

/** Makes the account's live orders, refunds and conversions equal to the rebuilt ones. */
export async function repairLedger(trx: Db, accountId: string): Promise<void> {
  const set = (columns: readonly string[]) => sql.join(columns.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`));
  const tuple = (alias: string, columns: readonly string[]) => sql`(${sql.join(columns.map((c) => sql`${sql.ref(`${alias}.${c}`)}`))})`;
  const list = (columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(c)));
  const from = (alias: string, columns: readonly string[]) => sql.join(columns.map((c) => sql.ref(`${alias}.${c}`)));

  // Refunds: by store and refund id.
  await sql`delete from public.refunds p where p.account_id = ${accountId}
    and not exists (select 1 from pg_temp.refunds r where r.store_id = p.store_id and r.refund_id = p.refund_id)`.execute(trx);
  await sql`update public.refunds p set order_external_id = r.order_external_id, amount_minor = r.amount_minor
    from pg_temp.refunds r where p.account_id = ${accountId} and r.store_id = p.store_id and r.refund_id = p.refund_id
      and (p.order_external_id, p.amount_minor) is distinct from (r.order_external_id, r.amount_minor)`.execute(trx);
  await sql`insert into public.refunds (account_id, store_id, refund_id, order_external_id, amount_minor)
    select r.account_id, r.store_id, r.refund_id, r.order_external_id, r.amount_minor from pg_temp.refunds r
    where not exists (select 1 from public.refunds p
                      where p.account_id = r.account_id and p.store_id = r.store_id and p.refund_id = r.refund_id)`.execute(trx);

  // Deletions: by store and store order id.
  await sql`delete from public.order_deletions p where p.account_id = ${accountId}
    and not exists (select 1 from pg_temp.order_deletions r where r.store_id = p.store_id and r.external_id = p.external_id)`.execute(trx);
  await sql`update public.order_deletions p set at = r.at
    from pg_temp.order_deletions r
    where p.account_id = ${accountId} and r.store_id = p.store_id and r.external_id = p.external_id and p.at <> r.at`.execute(trx);
  await sql`insert into public.order_deletions (account_id, store_id, external_id, at)
    select r.account_id, r.store_id, r.external_id, r.at from pg_temp.order_deletions r
    where not exists (select 1 from public.order_deletions p
                      where p.account_id = r.account_id and p.store_id = r.store_id and p.external_id = r.external_id)`.execute(trx);

  // Orders: by store and store order id.
  await sql`update public.orders p set ${set(ORDER_COLUMNS)}, updated_at = now()
    from pg_temp.orders r where p.account_id = ${accountId} and r.store_id = p.store_id and r.external_id = p.external_id
      and ${tuple('p', ORDER_COLUMNS)} is distinct from ${tuple('r', ORDER_COLUMNS)}`.execute(trx);
  await sql`insert into public.orders (account_id, store_id, external_id, ${list(ORDER_COLUMNS)})
    select r.account_id, r.store_id, r.external_id, ${from('r', ORDER_COLUMNS)} from pg_temp.orders r
    where not exists (select 1 from public.orders p
                      where p.account_id = r.account_id and p.store_id = r.store_id and p.external_id = r.external_id)`.execute(trx);

  // Conversions: by their order. One the rebuild does not have goes, with its reviews.
  const rebuilt = sql`(select o.external_id, c.*
                       from pg_temp.conversions c join pg_temp.orders o on o.account_id = c.account_id and o.id = c.order_id)`;
  await sql`update public.conversions p set ${set(CONVERSION_COLUMNS)}, updated_at = now()
    from ${rebuilt} r join public.orders o on o.account_id = ${accountId} and o.store_id = r.store_id and o.external_id = r.external_id
    where p.account_id = ${accountId} and p.order_id = o.id
      and ${tuple('p', CONVERSION_COLUMNS)} is distinct from ${tuple('r', CONVERSION_COLUMNS)}`.execute(trx);
  await sql`insert into public.conversions (account_id, order_id, store_id, ${list(CONVERSION_COLUMNS)})
    select ${accountId}::bigint, o.id, r.store_id, ${from('r', CONVERSION_COLUMNS)}
    from ${rebuilt} r join public.orders o on o.account_id = ${accountId} and o.store_id = r.store_id and o.external_id = r.external_id
    where not exists (select 1 from public.conversions p where p.account_id = ${accountId} and p.order_id = o.id)`.execute(trx);
  const extra = sql`select p.id from public.conversions p join public.orders o on o.account_id = p.account_id and o.id = p.order_id
    where p.account_id = ${accountId}
      and not exists (select 1 from ${rebuilt} r where r.store_id = o.store_id and r.external_id = o.external_id)`;
  await sql`delete from public.approval_events e where e.account_id = ${accountId} and e.conversion_id in (${extra})`.execute(trx);
  await sql`delete from public.conversions p where p.account_id = ${accountId} and p.id in (${extra})`.execute(trx);
  await sql`delete from public.orders p where p.account_id = ${accountId}
    and not exists (select 1 from pg_temp.orders r where r.store_id = p.store_id and r.external_id = p.external_id)`.execute(trx);
}
