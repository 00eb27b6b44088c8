import { z } from 'zod';
import { HOLD_DAYS_MAX } from '../core/payouts.ts';
import { ZDayOrInstant, ZId, ZMoney, ZMoneyBody, zName, zText } from './common.ts';
import { ZMemberLink } from './links.ts';

export { ZRemovedQuery } from './creators.ts';

const PERCENT_HINT = 'a percent is a decimal string from "0" to "100" with at most 4 decimals, such as "12.5"';

// Text, not a JSON number, so "12.5" is never a float on its way to the numeric column.
export const ZPercent = z
  .string(PERCENT_HINT)
  .regex(/^[0-9]{1,3}(\.[0-9]{1,4})?$/, PERCENT_HINT)
  .refine((v) => Number.parseInt(v, 10) < 100 || /^0*100(\.0*)?$/.test(v), PERCENT_HINT)
  .meta({ description: PERCENT_HINT, example: '10' });

// In a request: absent keeps what is there (PATCH) or means none (POST); null clears.
// Strict, so a typo such as "percentage" is an error rather than silently no commission.
export const ZCommissionBody = z.strictObject({ percent: ZPercent.nullish(), fixed: ZMoneyBody.nullish() }).meta({ id: 'CommissionTerms' });

export const ZCommission = z.object({ percent: z.string().nullable(), fixed: ZMoney.nullable() }).meta({ id: 'Commission' });

const ZName = zName(200);
const ZWindowDays = z.number().int().min(1).max(365);
// Days a conversion's commission is on hold before it is payable (SPEC §11).
const ZHoldDays = z.number().int().min(0).max(HOLD_DAYS_MAX);

export const ZCampaign = z
  .object({ id: ZId, name: z.string(), commission: ZCommission, attributionWindowDays: z.number().int(), holdDays: z.number().int() })
  .meta({ id: 'Campaign' });

export const ZCampaignBody = z.object({
  name: ZName,
  commission: ZCommissionBody.optional(),
  attributionWindowDays: ZWindowDays.optional(),
  holdDays: ZHoldDays.optional(),
});

export const ZCampaignPatch = z
  .object({ name: ZName, commission: ZCommissionBody.nullable(), attributionWindowDays: ZWindowDays, holdDays: ZHoldDays })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one of name, commission, attributionWindowDays, holdDays');

export const ZCampaignParams = z.object({ id: ZId });
export const ZCampaignList = z.object({ items: z.array(ZCampaign) });

// Stored as given (trimmed); matched case-insensitively.
export const ZCode = zText(100, { trim: true }).min(1, 'a code cannot be empty');

export const ZMember = z
  .object({
    creatorId: ZId,
    name: z.string(),
    codes: z.array(z.string()),
    links: z.array(ZMemberLink),
    /** The member's own terms, or null when the campaign's apply. */
    commission: ZCommission.nullable(),
    removed: z.boolean(),
    creatorRemoved: z.boolean(),
  })
  .meta({ id: 'Member' });

export const ZMemberBody = z.object({
  creatorId: ZId,
  codes: z.array(ZCode).max(100).optional(),
  commission: ZCommissionBody.nullish(),
});
export const ZMemberPatch = z.object({ commission: ZCommissionBody.nullable() });

export const ZMemberParams = z.object({ id: ZId, creatorId: ZId });
export const ZMemberList = z.object({ items: z.array(ZMember) });

export const ZCodeBody = z.object({ code: ZCode });
export const ZCodeParams = ZMemberParams.extend({ code: zText(400).min(1) });
export const ZMemberCode = z.object({ code: z.string(), creatorId: ZId, campaignId: ZId }).meta({ id: 'MemberCode' });

export type CommissionBody = z.infer<typeof ZCommissionBody>;
export type CommissionView = z.infer<typeof ZCommission>;
export type CampaignBody = z.infer<typeof ZCampaignBody>;
export type CampaignPatch = z.infer<typeof ZCampaignPatch>;
export type MemberBody = z.infer<typeof ZMemberBody>;

export const ZBackfillBody = z.object({ from: ZDayOrInstant, to: ZDayOrInstant });
export const ZBackfillReply = z.object({
  examined: z.number().int().describe('unattributed orders in the range'),
  attributed: z.number().int().describe('of those, attributed to this campaign now'),
});
