import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';

// The backup file (`tally backup`): gzip of
//
//   line 1   the header, one line of JSON: format "tally-backup", version 1, the Tally migration
//            the database was at, when it was taken, the database it came from, each table with
//            its columns and row count (in load order: a table after those it references), and
//            each identity column's sequence position
//   then     for each table of the header, in its order: its rows in PostgreSQL's COPY text
//            format (one line a row, the header's columns, tab between fields, \N for null,
//            backslash escapes; timestamps in UTC, ISO dates, bytea in hex), then a line `\.`
//
// COPY text never writes `\.` as a row (a backslash in a value is written `\\`), so the line
// ends a table unambiguously. Every value is the database's own text form, read back exactly:
// int8 ids, numeric rates, microsecond timestamps, bytea, jsonb and arrays.

export const DUMP_FORMAT = 'tally-backup';
export const DUMP_VERSION = 1;

const ZName = z.string().min(1).max(63);

export const ZDumpHeader = z.object({
  format: z.literal(DUMP_FORMAT),
  version: z.literal(DUMP_VERSION),
  migration: ZName,
  takenAt: z.iso.datetime(),
  source: z.enum(['pglite', 'postgres']),
  tables: z.array(z.object({ name: ZName, columns: z.array(ZName).min(1), rows: z.number().int().nonnegative() })).min(1),
  sequences: z.array(z.object({ table: ZName, column: ZName, lastValue: z.string().regex(/^-?[0-9]{1,19}$/), called: z.boolean() })),
});
export type DumpHeader = z.infer<typeof ZDumpHeader>;
export type DumpTable = DumpHeader['tables'][number];

/**
 * A backup, restore or move refused, with a reason for the operator (a file that is not a usable
 * backup, a database that is not empty, a data directory in use): nothing was written.
 */
export class BackupRefused extends Error {}

export const END_OF_TABLE = '\\.\n';
const NEWLINE = 0x0a;
const isEndOfTable = (buf: Buffer, start: number, end: number) => end - start === 2 && buf[start] === 0x5c && buf[start + 1] === 0x2e;

/** The header line is small; a first line longer than this is not one. */
const MAX_HEADER = 1 << 20;
/** Rows are handed to COPY in batches of about this many bytes. */
const BATCH_BYTES = 4 << 20;

export type DumpPart =
  | { kind: 'header'; header: DumpHeader }
  | { kind: 'rows'; table: DumpTable; data: Uint8Array }
  | { kind: 'end'; table: DumpTable };

/** Counts the rows of a piece of COPY text made of whole lines. */
export function countLines(data: Uint8Array): number {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let n = 0;
  for (let i = buf.indexOf(NEWLINE); i >= 0; i = buf.indexOf(NEWLINE, i + 1)) n += 1;
  return n;
}

function parseHeader(line: Buffer): DumpHeader {
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    throw new BackupRefused('This is not a Tally backup: its first line is not a backup header.');
  }
  const parsed = ZDumpHeader.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BackupRefused(
      `This is not a Tally backup of a version this Tally reads: header ${issue.path.join('.') || '(root)'}: ${issue.message}.`,
    );
  }
  return parsed.data;
}

/**
 * Reads a backup: its header, then each table's rows in batches of whole lines, then the
 * table's end. Throws a BackupRefused when the file is not a backup, is corrupt or truncated, or a
 * table holds another number of rows than its header says.
 */
export async function* readDump(input: Readable): AsyncGenerator<DumpPart> {
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);

  let header: DumpHeader | undefined;
  let index = 0;
  let counted = 0;
  let batch: Buffer<ArrayBufferLike>[] = [];
  let batchBytes = 0;
  let batchRows = 0;
  let rest: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  const table = () => header!.tables[index];
  const flush = function* (): Generator<DumpPart> {
    const rows = batchRows;
    const data = Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    batchRows = 0;
    if (rows === 0) return;
    counted += rows;
    if (counted > table()!.rows)
      throw new BackupRefused(`The backup holds more rows of ${table()!.name} than its header says (${table()!.rows}).`);
    yield { kind: 'rows', table: table()!, data };
  };

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const buf: Buffer<ArrayBufferLike> = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let pos = 0;
      if (!header) {
        const nl = buf.indexOf(NEWLINE);
        if (nl < 0) {
          if (buf.length > MAX_HEADER) throw new BackupRefused('This is not a Tally backup: it has no header line.');
          rest = buf;
          continue;
        }
        header = parseHeader(buf.subarray(0, nl));
        yield { kind: 'header', header };
        pos = nl + 1;
      }
      let start = pos;
      for (let nl = buf.indexOf(NEWLINE, pos); nl >= 0; nl = buf.indexOf(NEWLINE, pos)) {
        if (!table()) throw new BackupRefused('The backup goes on after its last table: it is corrupt.');
        if (isEndOfTable(buf, pos, nl)) {
          batch.push(buf.subarray(start, pos));
          batchBytes += pos - start;
          yield* flush();
          if (counted !== table()!.rows) {
            throw new BackupRefused(
              `The backup holds ${counted} rows of ${table()!.name} where its header says ${table()!.rows}: it is corrupt.`,
            );
          }
          yield { kind: 'end', table: table()! };
          index += 1;
          counted = 0;
          start = nl + 1;
        } else {
          batchRows += 1;
        }
        pos = nl + 1;
      }
      batch.push(buf.subarray(start, pos));
      batchBytes += pos - start;
      if (batchBytes >= BATCH_BYTES) yield* flush();
      rest = buf.subarray(pos);
    }
  } catch (error) {
    if (error instanceof BackupRefused) throw error;
    // zlib's own words: "incorrect header check", "unexpected end of file", a wrong checksum.
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('Z_'))
      throw new BackupRefused(`This is not a Tally backup, or it is truncated or corrupt (${(error as Error).message}).`);
    throw error;
  } finally {
    // Also when the reader stops early (a refused restore): the file is not left open.
    input.destroy();
  }
  if (!header) throw new BackupRefused('This is not a Tally backup: it is empty.');
  if (table()) throw new BackupRefused(`The backup ends before the end of table ${table()!.name}: it is truncated.`);
  if (rest.length > 0) throw new BackupRefused('The backup goes on after its last table: it is corrupt.');
}

/** Writes to a stream, waiting when it asks to. */
export async function writeTo(stream: Writable, data: string | Uint8Array): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}
