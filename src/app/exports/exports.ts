import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { sql } from 'kysely';
import { approvalLabel } from '../../core/approval.ts';
import { neutralizeCell } from '../../core/csv-cell.ts';
import { formatMoney } from '../../core/money.ts';
import { type StoreStatus, statusLabel } from '../../core/status.ts';
import type { Db } from '../../db/connect.ts';
import type { CopyOut } from '../../db/copy-out.ts';
import { EXPORT_COLUMNS } from '../../schemas/exports.ts';
import { conversionViews, ordersTableWhere } from '../conversions/conversion-view.ts';
import type { ConversionFilter } from '../conversions/conversions.ts';
import { notFound } from '../errors.ts';
import { boundDay, inRange, parseRange, type Range, type RangeInput } from '../reports/range.ts';
import { copyCells, copyCsv } from './export-copy.ts';

// CSV exports of conversions (SPEC §3, §4, §6, §9, §10): the rows a user selected in a
// campaign's Orders table, the Orders table as filtered, and "Download all sales".
//
// Two paths give the same bytes. The generic one (both databases) reads rows newest first in
// keyset chunks on (order_date, id) and turns them into records one chunk at a time as the
// reader asks for them, so an export of any size holds one chunk in memory. Each chunk is its
// own short query: no transaction or cursor is held while a slow client downloads (the
// embedded database has one connection, which must stay free for others). On PostgreSQL the
// download is one COPY of the same rows with every cell written by SQL (export-copy.ts), on a
// connection of its own, several times faster; the generic path is the reference it is
// tested against, and the fallback when every COPY connection is busy.

/** Rows read per query. */
export const EXPORT_CHUNK_ROWS = 1000;

export interface CsvExport {
  /** The download's name, e.g. `summer-sale-conversions-2026-03-01-to-2026-03-31.csv`. */
  filename: string;
  /** The header, then one record per conversion, newest first; read lazily. */
  records: AsyncIterable<string[]>;
}

export interface CsvDownload {
  filename: string;
  /** The CSV bytes (csvStream's format), by the fastest path the database offers. */
  body: Readable;
  /** Which path wrote them: PostgreSQL's COPY, or keyset chunks formatted here. */
  via: 'copy' | 'keyset';
}

/** Which rows an export keeps, and its file name. */
interface ExportPlan {
  filename: string;
  scope: (query: ExportQuery) => ExportQuery;
}

/** The Conversion view plus the order date in the account's zone and the exact keyset key. */
function exportRows(db: Db, accountId: string) {
  return conversionViews(db, accountId).select([
    sql<string>`to_char(c.order_date at time zone a.time_zone, 'YYYY-MM-DD HH24:MI:SS')`.as('local_date'),
    // Microseconds as text, so the keyset comparison is exact and never goes through a JS Date.
    sql<string>`to_char(c.order_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('date_key'),
  ]);
}
type ExportQuery = ReturnType<typeof exportRows>;
type ExportRow = Awaited<ReturnType<ExportQuery['executeTakeFirstOrThrow']>>;
type Key = { d: string; i: string };

function toRecord(row: ExportRow): string[] {
  // Converted amount and commission are null exactly when the rate is missing (a table check).
  const inDefault = (minor: string | null) => (row.fx_missing || minor === null ? '' : formatMoney(BigInt(minor), row.default_currency));
  // Amounts are not neutralised: formatMoney writes only digits and a decimal point (and a
  // leading minus for a negative, which cannot occur — sale values are never below zero and
  // commissions are non-negative shares of them), so the cell stays a plain number.
  return [
    neutralizeCell(row.external_id),
    neutralizeCell(row.number),
    row.local_date,
    neutralizeCell(row.campaign_name),
    neutralizeCell(row.creator_name),
    neutralizeCell(row.via_value),
    statusLabel(row.status as StoreStatus),
    approvalLabel(row.approval),
    formatMoney(BigInt(row.amount_minor), row.currency),
    row.currency,
    inDefault(row.converted_minor),
    row.default_currency,
    inDefault(row.commission_minor),
  ];
}

/**
 * The header and the records of every row `scope` keeps, newest first, one chunk per query.
 * The first chunk is read before this returns, so a failing query is an error answer rather
 * than a truncated file.
 */
async function keysetRecords(db: Db, accountId: string, scope: (query: ExportQuery) => ExportQuery): Promise<AsyncIterable<string[]>> {
  const chunk = (after: Key | null) => {
    let query = scope(exportRows(db, accountId));
    if (after) query = query.where(sql<boolean>`(c.order_date, c.id) < (${after.d}::timestamptz, ${after.i}::bigint)`);
    return query.orderBy('c.order_date', 'desc').orderBy('c.id', 'desc').limit(EXPORT_CHUNK_ROWS).execute();
  };
  const first = await chunk(null);
  async function* records(): AsyncGenerator<string[]> {
    yield [...EXPORT_COLUMNS];
    let rows = first;
    for (;;) {
      for (const row of rows) yield toRecord(row);
      const last = rows.at(-1);
      if (rows.length < EXPORT_CHUNK_ROWS || !last) return;
      rows = await chunk({ d: last.date_key, i: last.id });
    }
  }
  return records();
}

/**
 * The records as a CSV byte stream: RFC 4180 quoting, CRLF, UTF-8 with a byte order mark (so
 * spreadsheets read accents right). It pulls records only as fast as its reader consumes them.
 */
export function csvStream(records: AsyncIterable<string[]>): Readable {
  // quote_record_delimiter: with a record delimiter given, csv-stringify would otherwise quote
  // only fields holding CRLF, and write a lone LF or CR in a name bare, splitting the record.
  const csv = stringify({ bom: true, record_delimiter: 'windows', quote_record_delimiter: true, eof: true });
  // pipeline destroys both sides on an error or an early close, which ends the generator.
  return pipeline(Readable.from(records), csv, () => {});
}

// ---- file names ---------------------------------------------------------------------------

const SLUG_MAX = 60;

/** A campaign name as a file-name slug: lower case letters and digits (any script) and dashes. */
export function slugify(name: string, fallback = 'campaign'): string {
  const slug = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const short = Array.from(slug).slice(0, SLUG_MAX).join('').replace(/-+$/, '');
  return short || fallback;
}

/** `2026-03-01-to-2026-03-31`, `from-2026-03-01`, `to-2026-03-31` or `all-time`: days in the account's zone. */
export async function rangeLabel(db: Db, range: Range): Promise<string> {
  if (!range.from && !range.to) return 'all-time';
  const { rows } = await sql<{ from: string | null; to: string | null }>`
    select ${boundDay(range.from, range.timeZone)}::text as "from", ${boundDay(range.to, range.timeZone)}::text as "to"`.execute(db);
  const { from, to } = rows[0] ?? { from: null, to: null };
  if (from && to) return `${from}-to-${to}`;
  return from ? `from-${from}` : `to-${to}`;
}

// ---- the three exports --------------------------------------------------------------------

async function accountZone(db: Db, accountId: string): Promise<string> {
  const account = await db.selectFrom('accounts').select('time_zone').where('id', '=', accountId).executeTakeFirstOrThrow();
  return account.time_zone;
}

async function campaignName(db: Db, accountId: string, campaignId: string): Promise<string> {
  const campaign = await db
    .selectFrom('campaigns')
    .select('name')
    .where('account_id', '=', accountId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
  if (!campaign) throw notFound('Campaign');
  return campaign.name;
}

/** A campaign's Orders table with its filters, as the list shows it. */
async function campaignPlan(
  db: Db,
  accountId: string,
  campaignId: string,
  filter: Omit<ConversionFilter, 'limit' | 'cursor'>,
): Promise<ExportPlan> {
  const name = await campaignName(db, accountId, campaignId);
  const range = parseRange(filter, await accountZone(db, accountId));
  return {
    filename: `${slugify(name)}-conversions-${await rangeLabel(db, range)}.csv`,
    scope: (query) => query.where(ordersTableWhere(campaignId, range, filter)),
  };
}

/**
 * The rows selected in a campaign's Orders table. Ids that are not a visible conversion of
 * this campaign in this account are skipped; duplicates count once.
 */
async function selectedPlan(db: Db, accountId: string, campaignId: string, ids: readonly string[]): Promise<ExportPlan> {
  const name = await campaignName(db, accountId, campaignId);
  // One parameter however many ids; they are validated decimal int8s (ZId).
  const idList = ids.join(',');
  return {
    filename: `${slugify(name)}-conversions-selected.csv`,
    scope: (query) =>
      query.where(ordersTableWhere(campaignId, null, {})).where(sql<boolean>`c.id = any(string_to_array(${idList}, ',')::bigint[])`),
  };
}

/** "Download all sales": every conversion of every campaign in the range, removed members and creators included. */
async function allSalesPlan(db: Db, accountId: string, input: RangeInput): Promise<ExportPlan> {
  const range = parseRange(input, await accountZone(db, accountId));
  return {
    filename: `tally-sales-${await rangeLabel(db, range)}.csv`,
    scope: (query) => query.where(inRange(sql.ref('c.order_date'), range)),
  };
}

// The generic path, as records.

export async function exportCampaignConversions(
  db: Db,
  accountId: string,
  campaignId: string,
  filter: Omit<ConversionFilter, 'limit' | 'cursor'>,
): Promise<CsvExport> {
  return recordsOf(db, accountId, await campaignPlan(db, accountId, campaignId, filter));
}

export async function exportSelectedConversions(db: Db, accountId: string, campaignId: string, ids: readonly string[]): Promise<CsvExport> {
  return recordsOf(db, accountId, await selectedPlan(db, accountId, campaignId, ids));
}

export async function exportAllSales(db: Db, accountId: string, input: RangeInput): Promise<CsvExport> {
  return recordsOf(db, accountId, await allSalesPlan(db, accountId, input));
}

async function recordsOf(db: Db, accountId: string, plan: ExportPlan): Promise<CsvExport> {
  return { filename: plan.filename, records: await keysetRecords(db, accountId, plan.scope) };
}

// The downloads: COPY on PostgreSQL, the generic path otherwise.

export async function downloadCampaignConversions(
  db: Db,
  copyOut: CopyOut | undefined,
  accountId: string,
  campaignId: string,
  filter: Omit<ConversionFilter, 'limit' | 'cursor'>,
): Promise<CsvDownload> {
  return download(db, copyOut, accountId, await campaignPlan(db, accountId, campaignId, filter));
}

export async function downloadSelectedConversions(
  db: Db,
  copyOut: CopyOut | undefined,
  accountId: string,
  campaignId: string,
  ids: readonly string[],
): Promise<CsvDownload> {
  return download(db, copyOut, accountId, await selectedPlan(db, accountId, campaignId, ids));
}

export async function downloadAllSales(db: Db, copyOut: CopyOut | undefined, accountId: string, input: RangeInput): Promise<CsvDownload> {
  return download(db, copyOut, accountId, await allSalesPlan(db, accountId, input));
}

async function download(db: Db, copier: CopyOut | undefined, accountId: string, plan: ExportPlan): Promise<CsvDownload> {
  if (copier) {
    const statement = plan
      .scope(exportRows(db, accountId))
      .clearSelect()
      .select(copyCells().map((cell, i) => cell.as(`c${i}`)))
      .orderBy('c.order_date', 'desc')
      .orderBy('c.id', 'desc')
      .compile();
    const body = await copyCsv(copier, statement);
    if (body) return { filename: plan.filename, body, via: 'copy' };
  }
  return { filename: plan.filename, body: csvStream(await keysetRecords(db, accountId, plan.scope)), via: 'keyset' };
}
