import type { Conversion, StoreStatus } from '../../api/client.ts';

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
export function filterParams(filter: OrdersFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.approval) params.set('approval', filter.approval);
  if (filter.creatorId) params.set('creatorId', filter.creatorId);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  return params;
}

export function isFiltered(filter: OrdersFilter): boolean {
  return filterParams(filter).size > 0;
}

/** The CSV of every order matching the filter. */
export function exportMatchingUrl(campaignId: string, filter: OrdersFilter): string {
  const query = filterParams(filter).toString();
  return `/api/campaigns/${campaignId}/conversions/export${query ? `?${query}` : ''}`;
}
