import { z } from 'zod';
import { RATE_SHAPE, ZCurrency, ZDay } from './common.ts';

// A rate has at most 12 digits before the point and 30 after: far beyond any currency's, and
// short enough for the figures' arithmetic.
const RATE_HINT = 'a positive decimal string such as "1.0876", at most 12 digits before the point and 30 after';

export const ZRateBody = z.object({
  currency: ZCurrency,
  date: ZDay,
  perEur: z.string().regex(RATE_SHAPE, RATE_HINT),
});

export const ZRateAdded = z.object({ currency: ZCurrency, date: z.string(), perEur: z.string(), refigured: z.number().int() });

export const ZRatesQuery = z.object({ date: ZDay.optional() });

export const ZRatesReply = z.object({
  date: z.string(),
  items: z.array(z.object({ currency: ZCurrency, perEur: z.string(), day: z.string(), source: z.enum(['ecb', 'account']) })),
});

export const ZImportReply = z.object({
  rates: z.number().int(),
  currencies: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  refigured: z.number().int(),
});
