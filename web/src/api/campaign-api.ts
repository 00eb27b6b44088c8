import type { Money } from './client.ts';
import { formatMoney } from '../ui/format.ts';

// The API's shapes the campaign settings and Community screens read (see GET /api/openapi.json).

export interface Commission { percent: string | null; fixed: Money | null }
/** In a request: null clears a part, as PATCH /api/campaigns/{id} takes it. */
export interface CommissionBody { percent: string | null; fixed: Money | null }

export interface CampaignDetail { id: string; name: string; commission: Commission; attributionWindowDays: number }

export interface MemberLink { slug: string; url: string; destination: string }
export interface Member {
  creatorId: string;
  name: string;
  codes: string[];
  links: MemberLink[];
  /** The member's own terms; null when the campaign's apply. */
  commission: Commission | null;
  removed: boolean;
  creatorRemoved: boolean;
}
export interface MemberList { items: Member[] }
export interface MemberCode { code: string; creatorId: string; campaignId: string }

export interface Creator { id: string; name: string; handle: string | null; email: string | null; removed: boolean }
export interface CreatorList { items: Creator[]; nextCursor: string | null }

export interface CommunityCreator {
  creatorId: string;
  name: string;
  orders: number;
  sales: Money;
  commission: Money;
  clicks: number;
  conversionRate: string | null;
}
export type CommunitySort = 'sales' | 'name' | 'orders' | 'commission';
export interface CommunityTotals { orders: number; sales: Money; commission: Money; clicks: number; conversionRate: string | null }
/** One page of GET /api/community; `count` and `totals` cover every matching creator. */
export interface Community { currency: string; count: number; totals: CommunityTotals; creators: CommunityCreator[]; nextCursor: string | null }

/** Terms in words, e.g. "10% + €2.00 per order". */
export function describeTerms(commission: Commission): string {
  const parts = [
    commission.percent !== null && `${commission.percent}%`,
    commission.fixed !== null && `${formatMoney(commission.fixed)} per order`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' + ') : 'No commission';
}
