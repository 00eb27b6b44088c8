import { isSafeNumber, parse } from 'lossless-json';

// Store payloads carry ids above 2^53 (Shopify order and refund ids) that JSON.parse would
// silently round. Numbers that survive a round trip through a JS number stay numbers; any
// other (large integers, over-long decimals) comes out as its exact source text.
//
// lossless-json is exact but about ten times slower than JSON.parse, so a body is first
// scanned once (numbers and object keys, outside strings). A number lossless-json would keep
// as text is put in quotes, so JSON.parse gives it as that same text; every other number is
// one JSON.parse reads as lossless-json's Number(text) does. If JSON.parse then kept every
// key the scan saw (no duplicate key, which lossless-json refuses), its result is the one
// lossless-json would give; otherwise, or on any doubt, lossless-json parses the body.
//
// Nesting is bounded (MAX_DEPTH), checked by the same scan before anything recurses:
// lossless-json and the key count are recursive, and a 1 MiB body of `[[[[…` would exhaust
// the stack. No store payload comes near the bound.

export class JsonBodyError extends Error {
  readonly code = 'malformed_json' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JsonBodyError';
  }
}

/** The deepest nesting of arrays and objects read; store payloads nest about six deep. */
export const MAX_DEPTH = 128;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function exactNumber(text: string): number | string {
  return isSafeNumber(text) ? Number(text) : text;
}

export function parseJsonLossless(raw: Buffer | string): unknown {
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    try {
      text = utf8.decode(raw);
    } catch (error) {
      throw new JsonBodyError('malformed JSON: the body is not valid UTF-8', { cause: error });
    }
  }
  if (text.trim() === '') throw new JsonBodyError('malformed JSON: the body is empty');
  const scanned = scan(text);
  if (scanned.depth > MAX_DEPTH) throw new JsonBodyError(`malformed JSON: arrays and objects nested more than ${MAX_DEPTH} deep`);
  if (scanned.exact) {
    let value: unknown;
    try {
      value = JSON.parse(scanned.quoted.length === 0 ? text : quote(text, scanned.quoted));
    } catch {
      value = undefined;
    }
    // A parse error falls through to lossless-json, whose message is the one reported.
    if (value !== undefined && keyCount(value) === scanned.keys) return value;
  }
  try {
    return parse(text, null, exactNumber);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new JsonBodyError(`malformed JSON: ${detail}`, { cause: error });
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const OPEN = 0x7b; // '{', and '[' | 0x20
const CLOSE = 0x7d; // '}', and ']' | 0x20
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * The number of object keys in the text, where the numbers lossless-json keeps as text are
 * (start, end pairs), and the deepest nesting of brackets and braces outside strings (the scan
 * stops once it is beyond MAX_DEPTH). `exact` is false when such a number is not a JSON number
 * (lossless-json reports it).
 */
function scan(text: string): { keys: number; quoted: number[]; depth: number; exact: boolean } {
  let keys = 0;
  let depth = 0;
  let deepest = 0;
  let exact = true;
  const quoted: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // '[' and '{' differ by one bit (0x20), as do ']' and '}'.
    if ((c | 0x20) === OPEN) {
      if (++depth > deepest && (deepest = depth) > MAX_DEPTH) break;
    } else if ((c | 0x20) === CLOSE) {
      depth--;
    } else if (c === QUOTE) {
      // The string ends at the next quote not escaped, i.e. after an even run of backslashes.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) {
          i = n;
          break;
        }
        let b = q - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
      let j = i + 1;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === COLON) keys++;
    } else if (isDigit(c) || c === MINUS) {
      let digits = 0;
      let plain = true;
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (isDigit(d)) digits++;
        else if (d === 0x65 || d === 0x45) plain = false;
        else if (d !== DOT && d !== MINUS && d !== PLUS) break;
      }
      // Up to 15 digits without an exponent: always a safe number, read alike by both.
      if (!plain || digits > 15) {
        const token = text.slice(i, j);
        if (!JSON_NUMBER.test(token)) exact = false;
        else if (!isSafeNumber(token)) quoted.push(i, j);
      }
      i = j - 1;
    }
  }
  return { keys, quoted, depth: deepest, exact };
}

/** The text with quotes around each (start, end) span. */
function quote(text: string, spans: readonly number[]): string {
  let out = '';
  let from = 0;
  for (let k = 0; k < spans.length; k += 2) {
    out += `${text.slice(from, spans[k])}"${text.slice(spans[k], spans[k + 1])}"`;
    from = spans[k + 1]!;
  }
  return out + text.slice(from);
}

/** Every key of every object in a parsed value. */
function keyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += keyCount(item);
    return count;
  }
  for (const key in value) count += 1 + keyCount((value as Record<string, unknown>)[key]);
  return count;
}
