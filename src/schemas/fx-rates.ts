import { z } from 'zod';
import { ZCurrency } from './common.ts';

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

export const ZRateBody = z.object({
  currency: ZCurrency,
  date: ZDay,
  perEur: z.string().regex(/^[0-9]+(\.[0-9]+)?$/, 'a positive decimal string such as "1.0876"'),
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
