import { z } from 'zod';
import { ZCurrency, ZId, ZMoney } from './common.ts';

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

export const ZCommunity = z
  .object({ currency: ZCurrency, creators: z.array(ZCreatorFigures) })
  .meta({ id: 'Community' });

export type TPerformance = z.infer<typeof ZPerformance>;
export type TDashboard = z.infer<typeof ZDashboard>;
export type TCommunity = z.infer<typeof ZCommunity>;
