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
