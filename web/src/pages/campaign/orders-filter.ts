import type { ConversionsQuery } from '../../api/conversions.ts';
import type { Conversion, StoreStatus } from '../../api/types.ts';

// The Orders table's filters, as the list and export APIs take them (GET
// /api/campaigns/{id}/conversions and …/conversions/export): the server filters.

export interface OrdersFilter {
  status: StoreStatus | '';
  approval: Conversion['approval'] | '';
  creatorId: string;
  /** YYYY-MM-DD, a day in the account's time zone, inclusive. */
  from: string;
  to: string;
}

export const NO_FILTER: OrdersFilter = { status: '', approval: '', creatorId: '', from: '', to: '' };

/** The query parameters of a filter; "any" is left out. */
export function filterQuery(filter: OrdersFilter): ConversionsQuery {
  return {
    ...(filter.status && { status: filter.status }),
    ...(filter.approval && { approval: filter.approval }),
    ...(filter.creatorId && { creatorId: filter.creatorId }),
    ...(filter.from && { from: filter.from }),
    ...(filter.to && { to: filter.to }),
  };
}

export function isFiltered(filter: OrdersFilter): boolean {
  return Object.keys(filterQuery(filter)).length > 0;
}

/** The CSV of every order matching the filter. */
export function exportMatchingUrl(campaignId: string, filter: OrdersFilter): string {
  const query = new URLSearchParams(filterQuery(filter)).toString();
  return `/api/campaigns/${campaignId}/conversions/export${query ? `?${query}` : ''}`;
}
