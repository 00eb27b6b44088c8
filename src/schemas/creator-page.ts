import { z } from 'zod';
import { ZCampaign, ZMember } from './campaigns.ts';
import { ZMoney } from './common.ts';
import { ZConversionListQuery } from './conversions.ts';

// A creator across the account: the creator's page (SPEC §7).

export const ZCreatorCampaign = z
  .object({
    campaign: ZCampaign,
    member: ZMember.describe('the membership: codes, links, own terms, and whether it was removed'),
    orders: z.number().int().describe('counted conversions in this campaign'),
    commission: ZMoney.describe('their commission, in the default currency'),
  })
  .meta({ id: 'CreatorCampaign' });

export const ZCreatorCampaigns = z
  .object({
    currency: z.string(),
    items: z.array(ZCreatorCampaign).describe('every campaign the creator is or was a member of, oldest membership first'),
    totals: z.object({ orders: z.number().int(), commission: ZMoney }).describe('across every campaign'),
  })
  .meta({ id: 'CreatorCampaigns' });
export type TCreatorCampaigns = z.infer<typeof ZCreatorCampaigns>;

export const ZCreatorConversionsQuery = ZConversionListQuery.pick({ limit: true, cursor: true });
