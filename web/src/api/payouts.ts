import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys, queryText } from './keys.ts';
import type { Money, PayoutMethod, PayoutStatus } from './types.ts';

// Paying creators: amounts due (the account's a page at a time, one campaign's, one
// creator's), payouts and their lines, a creator's adjustments; authorizing, marking paid,
// canceling and adjusting. Each change refetches every payouts query (and the creator pages'
// figures): what one changes, the others show.

/** One campaign's amounts due, every creator in one answer (its Performance table). */
export function useAmountsDue(campaignId: string) {
  const query = { campaignId };
  return useQuery({
    queryKey: keys.payouts.due(queryText(query)),
    queryFn: () => ok(client.GET('/api/payouts/due', { params: { query } })),
  });
}

/**
 * A page of the account's amounts due after `cursor` (the first without), with the totals of
 * every creator. An account may have 50,000 creators: the server pages, and the page shown
 * stays until the next one arrives.
 */
export function useAmountsDuePage(limit: number, cursor: string | undefined) {
  const query = { limit: String(limit), ...(cursor !== undefined && { cursor }) };
  return useQuery({
    queryKey: keys.payouts.due(queryText(query)),
    queryFn: () => ok(client.GET('/api/payouts/due', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** One creator's on hold, payable, adjustments and amount due (their page). */
export function useCreatorAmountDue(creatorId: string) {
  const query = { creatorId };
  return useQuery({
    queryKey: keys.payouts.due(queryText(query)),
    queryFn: () => ok(client.GET('/api/payouts/due', { params: { query } })),
  });
}

export interface PayoutsFilter {
  status?: PayoutStatus | undefined;
  creatorId?: string | undefined;
}

/** A page of `limit` payouts matching `filter`, newest first, after `cursor`. */
export function usePayoutsPage(filter: PayoutsFilter, limit: number, cursor: string | undefined) {
  const query = {
    ...(filter.status && { status: filter.status }),
    ...(filter.creatorId && { creatorId: filter.creatorId }),
    limit: String(limit),
    ...(cursor !== undefined && { cursor }),
  };
  return useQuery({
    queryKey: keys.payouts.list(queryText(query)),
    queryFn: () => ok(client.GET('/api/payouts', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function usePayout(id: string) {
  return useQuery({
    queryKey: keys.payouts.detail(id),
    queryFn: () => ok(client.GET('/api/payouts/{id}', { params: { path: { id } } })),
  });
}

export function useAdjustments(creatorId: string) {
  return useQuery({
    queryKey: keys.payouts.adjustments(creatorId),
    queryFn: () => ok(client.GET('/api/creators/{id}/adjustments', { params: { path: { id: creatorId } } })),
  });
}

function useRefreshPayouts() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: keys.payouts.all });
}

export function useAuthorize() {
  const refresh = useRefreshPayouts();
  return useMutation({
    mutationFn: (body: { creatorIds?: string[]; minimum?: Money; note?: string }) => ok(client.POST('/api/payouts', { body })),
    onSuccess: refresh,
  });
}

export function useMarkPaid(payoutId: string) {
  const refresh = useRefreshPayouts();
  return useMutation({
    mutationFn: (body: { method: PayoutMethod; reference?: string; paidAt?: string }) =>
      ok(client.POST('/api/payouts/{id}/paid', { params: { path: { id: payoutId } }, body })),
    onSuccess: refresh,
  });
}

export function useCancelPayout(payoutId: string) {
  const refresh = useRefreshPayouts();
  return useMutation({
    mutationFn: () => ok(client.POST('/api/payouts/{id}/cancel', { params: { path: { id: payoutId } } })),
    onSuccess: refresh,
  });
}

export function useAddAdjustment(creatorId: string) {
  const refresh = useRefreshPayouts();
  return useMutation({
    mutationFn: (body: { amount: Money; reason: string }) =>
      ok(client.POST('/api/creators/{id}/adjustments', { params: { path: { id: creatorId } }, body })),
    onSuccess: refresh,
  });
}
