import { Readable } from 'node:stream';
import { type RawBuilder, sql } from 'kysely';
import { APPROVAL_LABELS } from '../../core/approval.ts';
import { FORMULA_TRIGGERS } from '../../core/csv-cell.ts';
import { CsvLineEnds } from '../../core/csv-line-ends.ts';
import { currenciesByDigits } from '../../core/money.ts';
import { STORE_STATUSES, statusLabel } from '../../core/status.ts';
import type { CopyOut } from '../../db/copy-out.ts';
import { EXPORT_COLUMNS } from '../../schemas/exports.ts';

// The fast path of CSV exports on PostgreSQL: one `COPY (SELECT …) TO STDOUT (FORMAT csv)`
// whose SELECT writes every cell exactly as the generic path's toRecord does in JS — the
// same formula neutralisation (core/csv-cell.ts), status and approval words, amounts with
// their currency's digits (core/money.ts), dates in the account's zone — so the two give the
// same bytes. PostgreSQL's CSV quoting is csv-stringify's: a field is quoted when it holds a
// comma, a quote, CR or LF, and quotes are doubled. What differs is fixed here: an empty text
// becomes NULL (COPY would write "" for it), the LF after each record becomes CRLF
// (core/csv-line-ends.ts), and the BOM and header are written before the rows.

type Ref = RawBuilder<unknown>;

const literals = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

/** core/csv-cell.ts neutralizeCell, then NULL for an empty cell. */
function neutralized(column: string): RawBuilder<string | null> {
  const ref = sql.ref(column);
  return sql`nullif(case when left(${ref}, 1) in (${literals(FORMULA_TRIGGERS)}) then '''' || ${ref} else ${ref} end, '')`;
}

/** core/money.ts formatMoney of minor units in the row's currency: `1234` EUR → `12.34`, JPY → `1234`. */
function money(minor: Ref, currency: Ref): RawBuilder<string> {
  const decimal = (digits: number) =>
    digits === 0 ? sql`${minor}::text` : sql`(${minor} * ${sql.raw(`0.${'1'.padStart(digits, '0')}`)})::text`;
  const branches = [...currenciesByDigits()]
    .filter(([digits]) => digits !== 2)
    .map(([digits, codes]) => sql`when ${currency} in (${literals(codes)}) then ${decimal(digits)}`);
  // Two digits is the rule for every other code; a currency is checked when it is stored.
  return sql`case ${sql.join(branches, sql` `)} else ${decimal(2)} end`;
}

function labels(column: string, pairs: ReadonlyArray<readonly [string, string]>): RawBuilder<string> {
  const branches = pairs.map(([value, label]) => sql`when ${sql.lit(value)} then ${sql.lit(label)}`);
  return sql`case ${sql.ref(column)} ${sql.join(branches, sql` `)} end`;
}

/** The thirteen cells of a row, in EXPORT_COLUMNS order, over the conversionViews aliases. */
export function copyCells(): RawBuilder<unknown>[] {
  const inDefault = (column: string) =>
    sql`case when c.fx_missing or ${sql.ref(column)} is null then null else ${money(sql.ref(column), sql.ref('a.default_currency'))} end`;
  return [
    neutralized('o.external_id'),
    neutralized('o.number'),
    sql`to_char(c.order_date at time zone a.time_zone, 'YYYY-MM-DD HH24:MI:SS')`,
    neutralized('ca.name'),
    neutralized('cr.name'),
    neutralized('c.via_value'),
    labels(
      'c.status',
      STORE_STATUSES.map((s) => [s, statusLabel(s)] as const),
    ),
    labels('c.approval', Object.entries(APPROVAL_LABELS)),
    money(sql.ref('c.amount_minor'), sql.ref('c.currency')),
    sql`c.currency`,
    inDefault('c.converted_minor'),
    sql`a.default_currency`,
    inDefault('c.commission_minor'),
  ];
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
const HEADER = Buffer.concat([BOM, Buffer.from(`${EXPORT_COLUMNS.map(csvField).join(',')}\r\n`)]);

/**
 * The CSV of a SELECT of copyCells() through COPY, or null when every COPY connection is busy.
 * The first bytes are read before this returns, so a failing query is an error answer rather
 * than a truncated file; after that the COPY is read only as fast as the reader consumes it.
 */
export async function copyCsv(copier: CopyOut, statement: { sql: string; parameters: readonly unknown[] }): Promise<Readable | null> {
  const source = await copier.open(statement, 'format csv');
  if (!source) return null;
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next().catch((error: unknown) => {
    source.destroy();
    throw error;
  });
  const lineEnds = new CsvLineEnds();
  async function* bytes(): AsyncGenerator<Buffer> {
    yield HEADER;
    for (let step = first; !step.done; step = await chunks.next()) yield lineEnds.convert(step.value);
    if (!lineEnds.balanced) throw new Error('the COPY ended inside a quoted field');
  }
  const out = Readable.from(bytes(), { objectMode: false });
  // A reader that stops early (a closed download) ends the COPY and frees its connection.
  out.once('close', () => source.destroy());
  return out;
}
