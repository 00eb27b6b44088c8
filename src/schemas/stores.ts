import { z } from 'zod';
import { storeIdProblem } from '../core/limits.ts';
import { amountBeyondLimit, ZCurrency, ZDecimal, ZId, ZInstant, ZMoney, zName, zText } from './common.ts';

export const ZPlatform = z.enum(['shopify', 'woocommerce', 'custom']);

export const ZStoreBody = z.object({
  platform: ZPlatform,
  name: zName(200),
  currency: ZCurrency,
  domain: zText(255, { trim: true }).min(1).optional(),
});

export const ZStore = z
  .object({
    id: ZId,
    platform: ZPlatform,
    name: z.string(),
    currency: ZCurrency,
    domain: z.string().nullable(),
    webhookUrl: z.string(),
    // Shown to admins only: it signs the store's deliveries.
    webhookSecret: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Store' });

// A store's own order id: text, or digits (at most 20 of them, SPEC §8).
const ZExternalId = z
  .string()
  .min(1)
  .max(255, 'at most 255 characters')
  .superRefine((v, ctx) => {
    const problem = storeIdProblem('', v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.trimStart(), input: v });
  });

export const ZOrderParams = z.object({ id: ZId, externalId: ZExternalId });

export const ZCustomOrderBody = z
  .object({
    number: zText(100, { trim: true }).min(1),
    createdAt: ZInstant,
    updatedAt: ZInstant,
    currency: ZCurrency,
    subtotal: ZDecimal,
    refunded: ZDecimal.optional(),
    status: z.enum(['pending', 'paid', 'canceled', 'refunded']),
    codes: z.array(zText(255)).max(50).optional(),
    ref: zText(255, { trim: true }).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code')
      .optional(),
  })
  // Amounts are decimal strings in the order's currency: beyond 10^12 of it is refused here.
  .superRefine((order, ctx) => {
    for (const field of ['subtotal', 'refunded'] as const) {
      const problem = amountBeyondLimit(order[field], order.currency);
      if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem, input: order[field] });
    }
  });

export const ZOrder = z
  .object({
    storeId: ZId,
    externalId: z.string(),
    number: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    status: z.enum(['pending', 'paid', 'partially_refunded', 'refunded', 'canceled']),
    subtotal: ZMoney,
    refunded: ZMoney,
    amount: ZMoney,
    codes: z.array(z.string()),
    ref: z.string().nullable(),
    country: z.string().nullable(),
    conversionId: ZId.nullable(),
    // false when the request carried an older version than the one stored, which is kept.
    applied: z.boolean(),
  })
  .meta({ id: 'Order' });

export const ZStorePatch = z
  .object({
    name: ZStoreBody.shape.name,
    currency: ZCurrency,
    domain: ZStoreBody.shape.domain.unwrap().nullable(),
    // Shopify signs webhooks made in its admin with a secret of its own: paste it here.
    webhookSecret: zText(512).min(16),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one of name, currency, domain, webhookSecret');

export const ZDeadLetters = z.object({
  items: z.array(z.object({ id: ZId, receivedAt: z.string(), topic: z.string(), reason: z.string() })),
});
export const ZDeadLetterParams = z.object({ id: ZId, dlId: ZId });
export const ZPrivacyRequests = z.object({
  items: z.array(
    z.object({
      id: ZId,
      topic: z.enum(['customers/redact', 'shop/redact', 'customers/data_request']),
      receivedAt: z.string(),
      orders: z.number().int().describe('the orders the request names'),
      bodiesErased: z
        .number()
        .int()
        .describe("kept bodies of dead letters erased: of the orders named (customers/redact) or all the store's (shop/redact)"),
    }),
  ),
});
export const ZReplay = z.object({ id: ZId, status: z.enum(['pending', 'done', 'dead']), reason: z.string().nullable() });
