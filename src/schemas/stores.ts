import { z } from 'zod';
import { ZCurrency, ZDecimal, ZId, ZMoney } from './common.ts';

export const ZPlatform = z.enum(['shopify', 'woocommerce', 'custom']);

export const ZStoreBody = z.object({
  platform: ZPlatform,
  name: z.string().trim().min(1).max(200),
  currency: ZCurrency,
  domain: z.string().trim().min(1).max(255).optional(),
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

export const ZOrderParams = z.object({ id: ZId, externalId: z.string().min(1).max(255) });

export const ZCustomOrderBody = z.object({
  number: z.string().trim().min(1).max(100),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  currency: ZCurrency,
  subtotal: ZDecimal,
  refunded: ZDecimal.optional(),
  status: z.enum(['pending', 'paid', 'canceled', 'refunded']),
  codes: z.array(z.string().max(255)).max(50).optional(),
  ref: z.string().trim().max(255).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code').optional(),
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
    webhookSecret: z.string().min(16).max(512),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one of name, currency, domain, webhookSecret');

export const ZDeadLetters = z.object({
  items: z.array(z.object({ id: ZId, receivedAt: z.string(), topic: z.string(), reason: z.string() })),
});
export const ZDeadLetterParams = z.object({ id: ZId, dlId: ZId });
export const ZReplay = z.object({ id: ZId, status: z.enum(['pending', 'done', 'dead']), reason: z.string().nullable() });
