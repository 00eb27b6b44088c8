import { z } from 'zod';
import { ZCurrency, ZCursor, ZDayOrInstant, ZId, ZInstant, ZMoney, ZMoneyBody, zProse, zText } from './common.ts';

// Paying creators (SPEC §10, Payouts; §11).

export const ZPayoutStatus = z.enum(['pending', 'paid', 'canceled']);
export const ZPayoutMethod = z.enum(['paypal', 'bank', 'other']);

export const ZDueCreator = z
  .object({
    creatorId: ZId,
    name: z.string(),
    onHold: ZMoney.describe('commission of counted conversions in no payout whose order is younger than its campaign’s hold'),
    payable: ZMoney.describe('the same, past its hold'),
    adjustments: ZMoney.describe('bonuses, deductions and clawbacks in no payout'),
    amountDue: ZMoney.describe('payable plus adjustments; negative when it is carried forward'),
  })
  .meta({ id: 'DueCreator' });
export const ZDueTotals = z
  .object({
    creators: z.number().int().describe('creators with anything on hold, payable or adjusted'),
    onHold: ZMoney,
    payable: ZMoney,
    adjustments: ZMoney,
    amountDue: ZMoney.describe('what the account owes in all, net of negative balances carried forward'),
  })
  .meta({ id: 'DueTotals' });
export const ZDue = z
  .object({
    currency: z.string(),
    totals: ZDueTotals.describe('over every creator, whatever the page'),
    creators: z.array(ZDueCreator).describe('creators with anything on hold, payable or adjusted; by name, then id'),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page or without `limit`'),
  })
  .meta({ id: 'AmountsDue' });

/** A page size in a query string, from 1 to `max`; absent, `absent` (the whole list) is what comes. */
const zPageLimitOrAll = (max: number, absent: string) =>
  z
    .string()
    .regex(/^[0-9]{1,4}$/, `a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(max, `at most ${max}`))
    .optional()
    .describe(`page size, at most ${max}; absent: ${absent}`);

export const DUE_PAGE_MAX = 1000;
export const PAYOUT_PAGE_MAX = 1000;
export const ZDueQuery = z.object({
  limit: zPageLimitOrAll(DUE_PAGE_MAX, 'every creator in one answer'),
  cursor: ZCursor,
  campaignId: ZId.optional().describe(
    "only that campaign's conversions and the clawbacks made for them, every creator in one answer; manual adjustments belong to no campaign and are left out",
  ),
  creatorId: ZId.optional().describe(
    'only that creator (their page), in one answer: `creators` holds them when they have anything on hold, payable or adjusted, and `totals` are theirs',
  ),
});

export const ZPayout = z
  .object({
    id: ZId,
    creatorId: ZId,
    creatorName: z.string(),
    status: ZPayoutStatus,
    amount: ZMoney.describe('in the default currency of when it was authorized; never changes'),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    method: ZPayoutMethod.nullable(),
    reference: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'Payout' });

export const ZPayoutLine = z
  .object({
    conversionId: ZId.optional(),
    orderNumber: z.string().optional(),
    adjustmentId: ZId.optional(),
    amount: ZMoney,
  })
  .meta({ id: 'PayoutLine' });
export const ZPayoutDetail = ZPayout.extend({ lines: z.array(ZPayoutLine) }).meta({ id: 'PayoutDetail' });
export const ZPayoutList = z.object({ items: z.array(ZPayout).describe('newest first') });

export const ZAuthorizeBody = z.strictObject({
  creatorIds: z.array(ZId).min(1).max(50_000).optional().describe('absent: every creator with an amount due'),
  minimum: ZMoneyBody.optional().describe('only creators whose amount due is at least this, in the default currency'),
  note: zProse(1000).optional(),
});
export const ZPayoutListQuery = z.object({
  status: ZPayoutStatus.optional(),
  creatorId: ZId.optional(),
  paypalEmail: z
    .literal('missing', { error: 'paypalEmail is missing or absent' })
    .optional()
    .describe('`missing`: only payouts of creators without a PayPal e-mail (those the PayPal file leaves out)'),
  limit: zPageLimitOrAll(PAYOUT_PAGE_MAX, 'every payout in one answer'),
  cursor: ZCursor,
});
export const ZPayoutPage = ZPayoutList.extend({
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page or without `limit`'),
});
export const ZPaidBody = z.strictObject({
  method: ZPayoutMethod,
  reference: zText(200, { trim: true }).optional(),
  paidAt: ZInstant.optional().describe('when it was paid; now when absent'),
});

export const ZAdjustment = z
  .object({
    id: ZId,
    creatorId: ZId,
    kind: z.enum(['manual', 'clawback']),
    amount: ZMoney.describe('positive for a bonus, negative for a deduction or a clawback'),
    reason: z.string().nullable(),
    conversionId: ZId.nullable().describe('the conversion a clawback is for'),
    payoutId: ZId.nullable().describe('the open or paid payout that holds it; null while it is in the amount due'),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Adjustment' });
export const ZAdjustmentList = z.object({ items: z.array(ZAdjustment).describe('newest first') });
export const ZAdjustmentBody = z.strictObject({ amount: ZMoneyBody, reason: zProse(1000).min(1, 'a reason is required') });

export type TPayout = z.infer<typeof ZPayout>;
export type TPayoutDetail = z.infer<typeof ZPayoutDetail>;
export type TAdjustment = z.infer<typeof ZAdjustment>;
export type TDue = z.infer<typeof ZDue>;

export const ZAuditEntry = z
  .object({
    at: z.string(),
    actor: z.string(),
    action: z.enum(['authorize', 'paid', 'cancel', 'adjust', 'portal_link', 'portal_revoke']),
    payoutId: ZId.nullable(),
    creatorId: ZId.nullable(),
    detail: z.string(),
  })
  .meta({ id: 'PayoutAuditEntry' });
export const ZAuditList = z.object({ items: z.array(ZAuditEntry).describe('newest first, at most 1,000') });

// ---- exports (SPEC §11) --------------------------------------------------------------------

export const ZPayoutExportQuery = z.object({
  status: ZPayoutStatus.optional(),
  creatorId: ZId.optional(),
  from: ZDayOrInstant.optional().describe('payouts authorized from this day (in the account’s time zone) or instant'),
  to: ZDayOrInstant.optional().describe('payouts authorized up to this day (inclusive) or instant'),
});

/** The accounting CSV: one record per payout, newest first. */
export const PAYOUT_EXPORT_COLUMNS = [
  'Payout ID',
  'Creator',
  'Creator E-mail',
  'PayPal E-mail',
  'Status',
  'Amount',
  'Currency',
  'Authorized At',
  'Authorized By',
  'Paid At',
  'Method',
  'Reference',
  'Note',
  'Lines',
] as const;

/** One record per payout line: newest payout first, its lines in the order they were frozen. */
export const PAYOUT_LINE_EXPORT_COLUMNS = [
  'Payout ID',
  'Creator',
  'Status',
  'Line Type',
  'Order ID',
  'Order Number',
  'Order Date',
  'Campaign',
  'Adjustment Reason',
  'Amount',
  'Currency',
] as const;

/** PayPal's "Payouts Web" upload takes at most this many rows per file. */
export const PAYPAL_BATCH_ROWS_MAX = 5000;

export const ZPaypalBatchQuery = z.object({
  currency: ZCurrency.optional().describe('the payouts’ currency; the account’s default currency when absent'),
  part: z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, 'part is a whole number from 1')
    .optional()
    .describe(`which ${PAYPAL_BATCH_ROWS_MAX}-row file of the batch; 1 when absent (the Tally-Parts header says how many)`),
});

// Documents the PayPal file's body; the route sends it as a stream.
export const ZPaypalFile = z.string().meta({
  description: 'PayPal Payouts Web file: no header row, UTF-8 without a byte order mark, LF line ends, oldest payout first',
  content: { 'text/csv': { schema: { type: 'string' } } },
});
