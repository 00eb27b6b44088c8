import { z } from 'zod';
import { ZCurrency, ZCursor, ZId, ZMoney, ZNextCursor, ZRange, ZSearch, zPageLimit } from './common.ts';

// Report figures (SPEC §3, §6, §10): counted conversions only, in the account's default
// currency; every total is the sum of the rows it summarises.

const ZFigures = z.object({
  orders: z.number().int().describe('counted conversions'),
  sales: ZMoney,
  commission: ZMoney,
});

// Clicks on affiliate links, by click day in the account's time zone, and orders per click.
const ZClickFigures = {
  clicks: z.number().int().describe("clicks on the creator's affiliate links"),
  conversionRate: z
    .string()
    .nullable()
    .describe('orders / clicks as a decimal string with 4 decimals, such as "0.2500"; null without clicks'),
};

export const ZCreatorFigures = ZFigures.extend({ creatorId: ZId, name: z.string(), ...ZClickFigures }).meta({ id: 'CreatorFigures' });
export const ZCampaignFigures = ZFigures.extend({ campaignId: ZId, name: z.string() }).meta({ id: 'CampaignFigures' });
export type TCreatorFigures = z.infer<typeof ZCreatorFigures>;
export type TCampaignFigures = z.infer<typeof ZCampaignFigures>;

export const ZPerformance = z
  .object({
    currency: ZCurrency,
    totals: ZFigures.extend(ZClickFigures),
    creators: z.array(ZCreatorFigures).describe('active members only; removed members and creators are hidden'),
  })
  .meta({ id: 'Performance' });

export const ZDashboard = z
  .object({
    currency: ZCurrency,
    totalSales: ZMoney,
    orders: z.number().int(),
    commission: ZMoney,
    fxMissing: z.number().int().describe('conversions left out of the totals until a rate for their currency is added'),
    campaigns: z.array(ZCampaignFigures),
    series: z.array(z.object({ date: z.string().describe("YYYY-MM-DD in the account's time zone"), sales: ZMoney })),
  })
  .meta({ id: 'Dashboard' });

export const COMMUNITY_SORTS = ['sales', 'name', 'orders', 'commission'] as const;
export type CommunitySort = (typeof COMMUNITY_SORTS)[number];
export const COMMUNITY_PAGE_DEFAULT = 100;
export const COMMUNITY_PAGE_MAX = 500;

export const ZCommunityQuery = ZRange.extend({
  sort: z
    .enum(COMMUNITY_SORTS, { error: `sort is one of ${COMMUNITY_SORTS.join(', ')}` })
    .optional()
    .describe('sales (the default), orders and commission biggest first; name A to Z; ties in creator id order'),
  limit: zPageLimit(COMMUNITY_PAGE_DEFAULT, COMMUNITY_PAGE_MAX),
  cursor: ZCursor,
  q: ZSearch,
});

export const ZCommunity = z
  .object({
    currency: ZCurrency,
    count: z.number().int().describe('creators matching `q` across all pages'),
    totals: ZFigures.extend(ZClickFigures).describe('the sums of every matching creator, across all pages'),
    creators: z.array(ZCreatorFigures).describe('one page in the `sort` order'),
    nextCursor: ZNextCursor,
  })
  .meta({ id: 'Community' });

export type TPerformance = z.infer<typeof ZPerformance>;
export type TDashboard = z.infer<typeof ZDashboard>;
export type TCommunity = z.infer<typeof ZCommunity>;
export type TCommunityQuery = z.infer<typeof ZCommunityQuery>;
