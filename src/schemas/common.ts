import { z } from 'zod';
import { isIsoDay } from '../core/fx-parse.ts';
import { amountProblem, hasControlCharacters, instantProblem, isInt8Id, MAX_TEXT_LENGTH } from '../core/limits.ts';
import { parseMoney } from '../core/money.ts';

// Shapes shared by every resource. What the ledger cannot hold (SPEC §8) is refused here, by
// the schema, with a message the error handler prefixes with the field's path: a control
// character in a text, an amount beyond 10^12 major units, a day or an instant outside the
// years 1970 to 9999, an id beyond int8. Use cases then never meet such a value, and the
// database never refuses one halfway through a write.
//
// Zod runs refinements even after another check of the same value failed, so each one here
// guards itself against input of any length or shape.

// Ids are int8 in the database, at most 2^63 - 1: a longer one cannot exist and must not
// reach a query.
export const ZId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'an id is a decimal number written as a string')
  .refine((v) => v.length < 19 || isInt8Id(v), 'an id fits in a signed 64-bit integer');
export const ZCurrency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code in capitals');
export const ZRole = z.enum(['admin', 'member', 'viewer']);

const CONTROL = 'holds a control character (such as NUL), which cannot be kept';
// Line breaks and tabs have their place in a note (and the CSV export quotes them); no other
// control character does, and none at all in a name or a code (SPEC §8).
const hasControlBesidesBreaks = (v: string) => hasControlCharacters(v.replace(/[\t\n\r]/g, ''));

/**
 * Text the ledger keeps: no control characters (NUL included) and at most `max` characters,
 * trimmed first with `trim`. With `breaks`, line breaks and tabs are kept (notes); a name, a
 * code, an id or a domain has none.
 */
export function zText(max: number = MAX_TEXT_LENGTH, options: { trim?: boolean; breaks?: boolean } = {}) {
  const base = options.trim ? z.string().trim() : z.string();
  const refused = options.breaks ? hasControlBesidesBreaks : hasControlCharacters;
  return base.max(max, { message: `at most ${max} characters`, abort: true }).refine((v) => !refused(v), CONTROL);
}

/** A name: trimmed, not empty, no control characters. */
export const zName = (max = 200) => zText(max, { trim: true }).min(1, 'a name is required');

/** A free-form note (a reason), trimmed; line breaks and tabs are kept. */
export const zProse = (max: number = MAX_TEXT_LENGTH) => zText(max, { trim: true, breaks: true });

export const ZTimeZone = zText(64).min(1);

// Amounts in requests are decimal strings. The shape is plain ("12.50", "-3"); whether the
// decimals fit the currency, and whether a sign is allowed, is the use case's to say (422).
const DECIMAL_MAX_LENGTH = 40;
export const ZDecimal = z
  .string()
  .max(DECIMAL_MAX_LENGTH, { message: `at most ${DECIMAL_MAX_LENGTH} characters`, abort: true })
  .regex(/^-?[0-9]+(\.[0-9]+)?$/, 'a decimal string such as "12.50"');

/**
 * What keeps a decimal amount in `currency` out of the ledger: more than 10^12 major units,
 * either way. Null when it fits, and also when the currency is unknown or the decimals do not
 * fit it: the use case refuses those (422 unsupported_currency, invalid_amount), as it does a
 * sign where none is allowed.
 */
export function amountBeyondLimit(value: unknown, currency: unknown): string | null {
  if (typeof value !== 'string' || typeof currency !== 'string' || value.length > DECIMAL_MAX_LENGTH) return null;
  let minor: bigint;
  try {
    minor = parseMoney(value, currency, { allowNegative: true });
  } catch {
    return null;
  }
  return amountProblem('', minor < 0n ? -minor : minor, currency)?.trimStart() ?? null;
}

/** An amount in a request: `value` within 10^12 major units of `currency`. */
export const ZMoneyBody = z
  .object({ value: ZDecimal, currency: ZCurrency })
  .superRefine((money, ctx) => {
    const problem = amountBeyondLimit(money.value, money.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem, input: money.value });
  })
  .meta({ id: 'MoneyAmount', description: 'an amount: a decimal string in a currency, within 10^12 of it' });

/** An amount in an answer. Sums may exceed what one request may carry, so no limit here. */
export const ZMoney = z
  .object({ value: z.string().regex(/^-?[0-9]+(\.[0-9]+)?$/, 'a decimal string such as "12.50"'), currency: ZCurrency })
  .meta({ id: 'Money' });

// Days and instants: 1970 to 9999, real calendar days (no 2026-02-30).
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '9999-12-31';
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_HINT = `a calendar day written YYYY-MM-DD, from ${FIRST_DAY} to ${LAST_DAY}`;

/** The problem of a day `YYYY-MM-DD`; null when it is a calendar day from 1970 to 9999. */
export function dayProblem(day: string): string | null {
  if (day.length !== 10 || !DAY_SHAPE.test(day) || !isIsoDay(day)) return `is not ${DAY_HINT}`;
  if (day < FIRST_DAY || day > LAST_DAY) return `is before ${FIRST_DAY} or after ${LAST_DAY}`;
  return null;
}

// ISO 8601 with an offset ("Z" or ±hh:mm), optional fractions of a second.
const INSTANT_SHAPE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;
const INSTANT_HINT = 'an ISO 8601 timestamp with an offset, such as 2026-03-01T09:30:00Z, from 1970 to 9999';

/** The problem of an ISO timestamp; null when it names a real instant from 1970 to 9999. */
export function instantTextProblem(text: string): string | null {
  const m = text.length <= 64 ? INSTANT_SHAPE.exec(text) : null;
  if (!m || !isIsoDay(m[1] ?? '')) return `is not ${INSTANT_HINT}`;
  const problem = instantProblem('', new Date(text));
  return problem === null ? null : problem.trimStart();
}

export const ZDay = z
  .string()
  .superRefine((v, ctx) => {
    const problem = dayProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  })
  .meta({ format: 'date', description: DAY_HINT, example: '2026-03-01' });

export const ZInstant = z
  .string()
  .superRefine((v, ctx) => {
    const problem = instantTextProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  })
  .meta({ format: 'date-time', description: INSTANT_HINT, example: '2026-03-01T09:30:00Z' });

// Report ranges: a day in the account's time zone (inclusive) or an ISO timestamp.
const DAY_OR_INSTANT_HINT = `a day YYYY-MM-DD in the account's time zone or ${INSTANT_HINT}`;
export const ZDayOrInstant = z
  .string()
  .superRefine((v, ctx) => {
    const problem = v.includes('T') ? instantTextProblem(v) : dayProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  })
  .meta({ description: DAY_OR_INSTANT_HINT, example: '2026-03-01' });
export const ZRange = z.object({ from: ZDayOrInstant.optional(), to: ZDayOrInstant.optional() });

/** A reference rate (units per 1 EUR): at most 12 digits before the point and 30 after. */
export const RATE_SHAPE = /^[0-9]{1,12}(\.[0-9]{1,30})?$/;

export const ZError = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

export const ZIdParams = z.object({ id: ZId });

/** A page size in a query string: a whole number from 1 to `max`; the caller applies the default. */
export const zPageLimit = (byDefault: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,4}$/, `a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, `at least 1`).max(max, `at most ${max}`))
    .optional()
    .describe(`page size, ${byDefault} by default, at most ${max}`);

export const ZCursor = z.string().max(2000).optional().describe("the previous page's nextCursor, with the same other parameters");
export const ZNextCursor = z.string().nullable().describe('pass as `cursor` for the next page; null on the last page');

/** A case-insensitive search text for a name or handle. */
export const ZSearch = zText(200, { trim: true }).optional().describe('only rows whose name or handle contains this text, ignoring case');
