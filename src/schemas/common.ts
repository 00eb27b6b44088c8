import { z } from 'zod';

// Shapes shared by every resource.
export const ZId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'an id is a decimal number written as a string');
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
