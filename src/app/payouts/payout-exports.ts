import { type RawBuilder, sql } from 'kysely';
import { neutralizeCell } from '../../core/csv-cell.ts';
import { formatMoney } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import type { PayoutStatus } from '../../db/schema.ts';
import { PAYOUT_EXPORT_COLUMNS, PAYOUT_LINE_EXPORT_COLUMNS } from '../../schemas/payouts.ts';
import { type CsvDownload, csvStream, rangeLabel } from '../exports/exports.ts';
import { inRange, parseRange, type RangeInput } from '../reports/range.ts';

// The payouts' accounting CSVs (SPEC §11): one record per payout, or one per payout line, of
// the payouts the filters keep (status, creator, authorized in a range of the account's days).
// They are written as the sales export is (exports.ts csvStream: UTF-8 with a BOM, CRLF, every
// text cell neutralised against formulas) and read in keyset chunks, newest payout first, so a
// file of any size holds one chunk in memory and no query stays open while a client downloads.

const CHUNK_ROWS = 1000;

export interface PayoutExportFilter extends RangeInput {
  status?: PayoutStatus | undefined;
  creatorId?: string | undefined;
}

/** An instant as the account's local date and time, as the sales export writes order dates. */
const localTime = (column: string) => sql<string | null>`to_char(${sql.ref(column)} at time zone a.time_zone, 'YYYY-MM-DD HH24:MI:SS')`;

const text = (value: string | null) => neutralizeCell(value ?? '');

/** The filters as one predicate on payouts `p`, and the file name's range label. */
async function plan(db: Db, accountId: string, filter: PayoutExportFilter): Promise<{ where: RawBuilder<boolean>; label: string }> {
  const account = await db.selectFrom('accounts').select('time_zone').where('id', '=', accountId).executeTakeFirstOrThrow();
  const range = parseRange(filter, account.time_zone);
  const parts = [inRange(sql.ref('p.created_at'), range)];
  if (filter.status) parts.push(sql<boolean>`p.status = ${filter.status}`);
  if (filter.creatorId) parts.push(sql<boolean>`p.creator_id = ${filter.creatorId}::bigint`);
  return { where: sql<boolean>`(${sql.join(parts, sql` and `)})`, label: await rangeLabel(db, range) };
}

function payoutRows(db: Db, accountId: string, where: RawBuilder<boolean>) {
  return db
    .selectFrom('payouts as p')
    .innerJoin('creators as r', (j) => j.onRef('r.account_id', '=', 'p.account_id').onRef('r.id', '=', 'p.creator_id'))
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select((eb) => [
      'p.id',
      'r.name',
      'r.email',
      'r.paypal_email',
      'p.status',
      'p.amount_minor',
      'p.currency',
      localTime('p.created_at').as('authorized_at'),
      'p.created_by',
      localTime('p.paid_at').as('paid_at'),
      'p.method',
      'p.reference',
      'p.note',
      eb
        .selectFrom('payout_lines as l')
        .select((c) => c.fn.countAll<string>().as('n'))
        .whereRef('l.account_id', '=', 'p.account_id')
        .whereRef('l.payout_id', '=', 'p.id')
        .as('lines'),
    ])
    .where('p.account_id', '=', accountId)
    .where(where);
}
type PayoutRow = Awaited<ReturnType<ReturnType<typeof payoutRows>['executeTakeFirstOrThrow']>>;

const payoutRecord = (r: PayoutRow): string[] => [
  r.id,
  text(r.name),
  text(r.email),
  text(r.paypal_email),
  r.status,
  formatMoney(BigInt(r.amount_minor), r.currency),
  r.currency,
  r.authorized_at ?? '',
  text(r.created_by),
  r.paid_at ?? '',
  r.method ?? '',
  text(r.reference),
  text(r.note),
  r.lines ?? '0',
];

function lineRows(db: Db, accountId: string, where: RawBuilder<boolean>) {
  return (
    db
      .selectFrom('payout_lines as l')
      .innerJoin('payouts as p', (j) => j.onRef('p.account_id', '=', 'l.account_id').onRef('p.id', '=', 'l.payout_id'))
      .innerJoin('creators as r', (j) => j.onRef('r.account_id', '=', 'p.account_id').onRef('r.id', '=', 'p.creator_id'))
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .leftJoin('payout_adjustments as j', (x) => x.onRef('j.account_id', '=', 'l.account_id').onRef('j.id', '=', 'l.adjustment_id'))
      // The order of a conversion's line, or of a clawback's conversion. It may be gone (a rebuild's
      // repair removes it); the line stays, its order cells empty.
      .leftJoin('conversions as c', (x) =>
        x.onRef('c.account_id', '=', 'l.account_id').on(sql<boolean>`c.id = coalesce(l.conversion_id, j.conversion_id)`),
      )
      .leftJoin('orders as o', (x) => x.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
      .leftJoin('campaigns as k', (x) => x.onRef('k.account_id', '=', 'c.account_id').onRef('k.id', '=', 'c.campaign_id'))
      .select([
        'l.id as line_id',
        'p.id',
        'r.name',
        'p.status',
        'l.adjustment_id',
        'o.external_id',
        'o.number',
        localTime('c.order_date').as('order_date'),
        'k.name as campaign_name',
        'j.reason',
        'l.amount_minor',
        'p.currency',
      ])
      .where('l.account_id', '=', accountId)
      .where(where)
  );
}
type LineRow = Awaited<ReturnType<ReturnType<typeof lineRows>['executeTakeFirstOrThrow']>>;

// Amounts are not neutralised: formatMoney writes digits, a point and, for a deduction or a
// clawback, a leading minus, which a spreadsheet reads as the negative number it is.
const lineRecord = (r: LineRow): string[] => [
  r.id,
  text(r.name),
  r.status,
  r.adjustment_id === null ? 'order' : 'adjustment',
  text(r.external_id),
  text(r.number),
  r.order_date ?? '',
  text(r.campaign_name),
  text(r.reason),
  formatMoney(BigInt(r.amount_minor), r.currency),
  r.currency,
];

/**
 * The header, then the records chunk by chunk. The first chunk is read before this returns, so
 * a failing query is an error answer rather than a truncated file.
 */
async function chunked<Row, Key>(
  header: readonly string[],
  chunk: (after: Key | null) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  record: (row: Row) => string[],
): Promise<AsyncIterable<string[]>> {
  const first = await chunk(null);
  async function* records(): AsyncGenerator<string[]> {
    yield [...header];
    let rows = first;
    for (;;) {
      for (const row of rows) yield record(row);
      const last = rows.at(-1);
      if (rows.length < CHUNK_ROWS || last === undefined) return;
      rows = await chunk(keyOf(last));
    }
  }
  return records();
}

/** The accounting CSV: one record per payout, newest first. */
export async function downloadPayouts(db: Db, accountId: string, filter: PayoutExportFilter): Promise<CsvDownload> {
  const { where, label } = await plan(db, accountId, filter);
  const records = await chunked(
    PAYOUT_EXPORT_COLUMNS,
    (after: string | null) => {
      const query = payoutRows(db, accountId, where);
      return (after === null ? query : query.where(sql<boolean>`p.id < ${after}::bigint`))
        .orderBy('p.id', 'desc')
        .limit(CHUNK_ROWS)
        .execute();
    },
    (row) => row.id,
    payoutRecord,
  );
  return { filename: `tally-payouts-${label}.csv`, body: csvStream(records), via: 'keyset' };
}

/** One record per line: newest payout first, each payout's lines in the order they were frozen. */
export async function downloadPayoutLines(db: Db, accountId: string, filter: PayoutExportFilter): Promise<CsvDownload> {
  const { where, label } = await plan(db, accountId, filter);
  const records = await chunked(
    PAYOUT_LINE_EXPORT_COLUMNS,
    (after: { p: string; l: string } | null) => {
      const query = lineRows(db, accountId, where);
      return (
        after === null
          ? query
          : query.where(sql<boolean>`(p.id < ${after.p}::bigint or (p.id = ${after.p}::bigint and l.id > ${after.l}::bigint))`)
      )
        .orderBy('p.id', 'desc')
        .orderBy('l.id')
        .limit(CHUNK_ROWS)
        .execute();
    },
    (row) => ({ p: row.id, l: row.line_id }),
    lineRecord,
  );
  return { filename: `tally-payout-lines-${label}.csv`, body: csvStream(records), via: 'keyset' };
}
