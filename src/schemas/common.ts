import { z } from 'zod';

// Shapes shared by every resource.
// Ids are int8 in the database, at most 2^63 - 1: a longer one cannot exist and must not
// reach a query. Compared as text, since zod runs refinements even after the shape failed.
const INT8_MAX = '9223372036854775807';
export const ZId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'an id is a decimal number written as a string')
  .refine((v) => v.length < INT8_MAX.length || v <= INT8_MAX, 'an id fits in a signed 64-bit integer');
export const ZCurrency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code in capitals');
export const ZDecimal = z.string().regex(/^-?[0-9]+(\.[0-9]+)?$/, 'a decimal string such as "12.50"');
export const ZMoney = z.object({ value: ZDecimal, currency: ZCurrency }).meta({ id: 'Money' });
export const ZRole = z.enum(['admin', 'member', 'viewer']);
export const ZTimeZone = z.string().min(1).max(64);

// Report ranges: a day in the account's time zone (inclusive) or an ISO timestamp.
export const ZDayOrInstant = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  z.iso.datetime({ offset: true }),
]);
export const ZRange = z.object({ from: ZDayOrInstant.optional(), to: ZDayOrInstant.optional() });

export const ZError = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });

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
export const ZSearch = z.string().trim().max(200).optional().describe('only rows whose name or handle contains this text, ignoring case');
