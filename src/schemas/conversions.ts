import { z } from 'zod';
import { STORE_STATUSES } from '../core/status.ts';
import { ZId, ZMoney, ZRange, zProse } from './common.ts';

// Conversions: the Orders table of a campaign, one conversion, and its approval (SPEC §2, §10).

export const ZStoreStatus = z.enum(STORE_STATUSES);
export const ZApproval = z.enum(['approved', 'rejected']);

export const ZConversion = z
  .object({
    id: ZId,
    orderId: z.string().describe("the store's own order id"),
    orderNumber: z.string().describe('the number the store staff see, e.g. #1002'),
    storeId: ZId,
    orderDate: z.iso.datetime(),
    campaignId: ZId,
    campaignName: z.string(),
    creatorId: ZId,
    creatorName: z.string(),
    via: z.object({ type: z.enum(['code', 'link']), value: z.string() }),
    status: ZStoreStatus,
    approval: ZApproval,
    amount: ZMoney.describe("the current sale value, in the store's currency"),
    converted: ZMoney.nullable().describe("the amount in the account's default currency; null when fxMissing"),
    fxMissing: z.boolean(),
    commission: ZMoney.nullable().describe("in the account's default currency; null when fxMissing"),
    counted: z.boolean().describe('approved, paid or partially refunded, and converted: in the totals'),
  })
  .meta({ id: 'Conversion' });
export type TConversion = z.infer<typeof ZConversion>;

export const CONVERSIONS_PAGE_DEFAULT = 50;
export const CONVERSIONS_PAGE_MAX = 500;

export const ZConversionListQuery = ZRange.extend({
  status: z
    .string()
    .describe(`one status or several separated by commas: ${STORE_STATUSES.join(', ')}`)
    .transform((v) => v.split(','))
    .pipe(z.array(ZStoreStatus).min(1))
    .optional(),
  approval: ZApproval.optional(),
  creatorId: ZId.optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(CONVERSIONS_PAGE_MAX))
    .optional()
    .describe(`page size, ${CONVERSIONS_PAGE_DEFAULT} by default, at most ${CONVERSIONS_PAGE_MAX}`),
  cursor: z.string().max(200).optional().describe("the previous page's nextCursor"),
});

export const ZConversionPage = z.object({
  items: z.array(ZConversion),
  nextCursor: z.string().nullable().describe('null on the last page'),
});

export const ZConversionParams = z.object({ id: ZId });

export const ZApprovalBody = z.object({ reason: zProse(1000).optional() });

export const ZApprovalEvent = z.object({
  at: z.iso.datetime(),
  actor: z.string(),
  from: ZApproval,
  to: ZApproval,
  reason: z.string().nullable(),
});
export type TApprovalEvent = z.infer<typeof ZApprovalEvent>;

export const ZApprovalHistory = z.object({ items: z.array(ZApprovalEvent) });
