// Readers for the European Central Bank's euro reference rate files, as an admin downloads them:
// eurofxref-hist.zip/.csv, eurofxref.zip/.csv (daily), eurofxref-daily.xml, -hist-90d.xml,
// -hist.xml. Rates stay decimal strings exactly as published; arithmetic happens in fx-convert.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { unzipSync } from 'fflate';

export type Rate = {
  currency: string;
  /** YYYY-MM-DD */
  day: string;
  /** decimal string: units of `currency` per 1 EUR */
  perEur: string;
};

export class FxFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FxFileError';
  }
}

// ECB currency columns include retired codes (CYP, ROL, TRL, HRK...) that ISO no longer lists,
// so only the shape of a code is checked here; whether an order may use it is decided elsewhere.
const CURRENCY_SHAPE = /^[A-Z]{3}$/;
const RATE_SHAPE = /^[0-9]+(?:\.[0-9]+)?$/;
const ISO_DAY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
// The daily eurofxref.csv writes "10 February 2023" where the history file writes 2023-02-10.
const LONG_DAY = /^([0-9]{1,2}) ([A-Za-z]+) ([0-9]{4})$/;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
// A real history file unzips to about 2 MB; refuse archives that claim far more.
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/** True for a real calendar day written YYYY-MM-DD. */
export function isIsoDay(day: string): boolean {
  const m = ISO_DAY.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function ecbDay(text: string): string | undefined {
  if (isIsoDay(text)) return text;
  const m = LONG_DAY.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf((m[2] ?? '').toLowerCase()) + 1;
  if (month === 0) return undefined;
  const iso = `${m[3]}-${String(month).padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
  return isIsoDay(iso) ? iso : undefined;
}

function checkedRate(value: string, where: string): string {
  if (!RATE_SHAPE.test(value)) throw new FxFileError(`${where}: rate ${JSON.stringify(value)} is not a number`);
  if (!/[1-9]/.test(value)) throw new FxFileError(`${where}: rate ${value} is not positive`);
  return value;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The ECB CSV layout: `Date,USD,JPY,...,` then one row per day; `N/A` where a currency was not quoted. */
export function parseEcbCsv(text: string): Rate[] {
  return [...ecbCsvRates(text)];
}

/**
 * parseEcbCsv one rate at a time, checked as it goes: a caller storing them in chunks never
 * holds the whole history (217,000 rates) at once. A fault found late throws late, so take
 * the rates inside a transaction.
 */
export function* ecbCsvRates(text: string): Generator<Rate> {
  const lines = stripBom(text)
    .split(/\r\n|\n|\r/)
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
  const header = lines[0];
  const head = header ? header.line.split(',').map((c) => c.trim()) : [];
  if (head[0] !== 'Date') {
    throw new FxFileError('not an ECB rates CSV: the first column is not "Date"');
  }
  // Trailing empty columns come from the trailing comma the ECB writes on every line.
  let width = head.length;
  while (width > 1 && head[width - 1] === '') width--;
  const currencies = head.slice(1, width);
  currencies.forEach((code, i) => {
    if (!CURRENCY_SHAPE.test(code)) throw new FxFileError(`CSV header column ${i + 2}: ${JSON.stringify(code)} is not a currency code`);
    if (currencies.indexOf(code) !== i) throw new FxFileError(`CSV header: currency ${code} appears twice`);
  });
  if (currencies.length === 0) throw new FxFileError('CSV header names no currencies');

  let count = 0;
  const seenDays = new Set<string>();
  for (const { line, no } of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.trim());
    const day = ecbDay(cells[0] ?? '');
    if (!day) throw new FxFileError(`CSV line ${no}: ${JSON.stringify(cells[0])} is not a date`);
    if (seenDays.has(day)) throw new FxFileError(`CSV line ${no}: date ${day} appears twice`);
    seenDays.add(day);
    if (cells.length < width || cells.slice(width).some((c) => c !== '')) {
      throw new FxFileError(`CSV line ${no}: expected ${width} columns, found ${cells.length}`);
    }
    const row: Rate[] = [];
    currencies.forEach((currency, i) => {
      const cell = cells[i + 1] ?? '';
      if (cell === 'N/A' || cell === '') return;
      row.push({ currency, day, perEur: checkedRate(cell, `CSV line ${no}, ${currency}`) });
    });
    count += row.length;
    yield* row;
  }
  if (count === 0) throw new FxFileError('the CSV holds no rates');
}

type Node = Record<string, unknown>;

function cubes(parent: unknown): Node[] {
  if (typeof parent !== 'object' || parent === null) return [];
  const list = (parent as Node).Cube;
  // Self-closing or empty <Cube/> parses to "", which carries nothing.
  return Array.isArray(list) ? list.filter((c): c is Node => typeof c === 'object' && c !== null) : [];
}

/** The ECB XML layout: gesmes:Envelope > Cube > Cube[time] > Cube[currency, rate]. */
export function parseEcbXml(text: string): Rate[] {
  const xml = stripBom(text);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new FxFileError(`not well-formed XML (line ${valid.err.line}): ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    // Keep "0.87650" as written: the rate's text is the data, not a JS number.
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => name === 'Cube',
  });
  const doc = parser.parse(xml) as Node;
  const envelope = doc.Envelope;
  if (typeof envelope !== 'object' || envelope === null) {
    throw new FxFileError('not an ECB rates XML: no gesmes:Envelope element');
  }
  const rates: Rate[] = [];
  for (const outer of cubes(envelope)) {
    for (const dayCube of cubes(outer)) {
      const time = String(dayCube['@_time'] ?? '');
      const day = ecbDay(time);
      if (!day) throw new FxFileError(`XML: Cube time ${JSON.stringify(time)} is not a date`);
      for (const rateCube of cubes(dayCube)) {
        const currency = String(rateCube['@_currency'] ?? '');
        if (!CURRENCY_SHAPE.test(currency)) {
          throw new FxFileError(`XML ${day}: ${JSON.stringify(currency)} is not a currency code`);
        }
        const perEur = checkedRate(String(rateCube['@_rate'] ?? ''), `XML ${day}, ${currency}`);
        rates.push({ currency, day, perEur });
      }
    }
  }
  if (rates.length === 0) throw new FxFileError('the XML holds no rates');
  return rates;
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FxFileError(`${what} is not UTF-8 text`);
  }
}

function looksLikeXml(text: string): boolean {
  return stripBom(text).trimStart().startsWith('<');
}

function unzipSingle(bytes: Uint8Array): { name: string; text: string } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (!/\.(csv|xml)$/i.test(f.name) || f.name.startsWith('__MACOSX/')) return false;
        if (f.originalSize > MAX_ENTRY_BYTES) throw new FxFileError(`zip entry ${f.name} is too large`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FxFileError) throw e;
    throw new FxFileError(`not a readable zip archive: ${e instanceof Error ? e.message : String(e)}`);
  }
  const names = Object.keys(entries);
  const name = names[0];
  if (names.length !== 1 || name === undefined) {
    throw new FxFileError(`the zip must hold exactly one .csv or .xml file, found ${names.length}`);
  }
  return { name, text: decodeUtf8(entries[name] ?? new Uint8Array(), name) };
}

/** Any ECB rates file as uploaded: a zip holding one .csv/.xml, an XML file, or a CSV file. */
export function parseEcbFile(bytes: Uint8Array): Rate[] {
  return [...ecbFileRates(bytes)];
}

/** parseEcbFile as it reads: a CSV one rate at a time (ecbCsvRates), an XML file whole. */
export function ecbFileRates(bytes: Uint8Array): Iterable<Rate> {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const { name, text } = unzipSingle(bytes);
    return /\.xml$/i.test(name) ? parseEcbXml(text) : ecbCsvRates(text);
  }
  const text = decodeUtf8(bytes, 'the file');
  return looksLikeXml(text) ? parseEcbXml(text) : ecbCsvRates(text);
}
