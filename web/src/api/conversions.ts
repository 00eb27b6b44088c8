import { type InfiniteData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys, queryText } from './keys.ts';
import type { Conversion, ConversionPage, Query } from './types.ts';

// A campaign's conversions, a page at a time, and their review (reject / undo).

export type ConversionsQuery = Omit<Query<'/api/campaigns/{id}/conversions', 'get'>, 'cursor' | 'limit'>;

const PAGE_SIZE = 50;

export function useConversions(campaignId: string, query: ConversionsQuery) {
  return useInfiniteQuery({
    queryKey: keys.conversions.list(campaignId, queryText(query)),
    queryFn: ({ pageParam }) =>
      ok(
        client.GET('/api/campaigns/{id}/conversions', {
          params: { path: { id: campaignId }, query: { ...query, limit: String(PAGE_SIZE), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Rejects an approved conversion or approves a rejected one again. `onDone` hears what happened
 * (for a live region), even when the row has left the table meanwhile.
 */
export function useReview(conversion: Conversion, onDone?: (message: string) => void) {
  const queryClient = useQueryClient();
  const request = { params: { path: { id: conversion.id } }, body: {} };
  return useMutation({
    mutationFn: () =>
      ok(
        conversion.approval === 'approved'
          ? client.POST('/api/conversions/{id}/reject', request)
          : client.POST('/api/conversions/{id}/approve', request),
      ),
    onSuccess: (updated) => {
      // The answer replaces the row wherever it is loaded, or takes it out of a list filtered
      // by the approval it no longer has (a just-rejected row under "Approved"); the totals
      // are fetched again.
      const lists = queryClient.getQueriesData<InfiniteData<ConversionPage>>({ queryKey: keys.conversions.campaign(updated.campaignId) });
      for (const [key, data] of lists) {
        if (!data) continue;
        const approval = new URLSearchParams(String(key[2] ?? '')).get('approval');
        const stays = approval === null || approval === updated.approval;
        const items = (page: ConversionPage) =>
          stays ? page.items.map((c) => (c.id === updated.id ? updated : c)) : page.items.filter((c) => c.id !== updated.id);
        queryClient.setQueryData<InfiniteData<ConversionPage>>(key, {
          ...data,
          pages: data.pages.map((page) => ({ ...page, items: items(page) })),
        });
      }
      void queryClient.invalidateQueries({ queryKey: keys.performance.campaign(updated.campaignId) });
      void queryClient.invalidateQueries({ queryKey: keys.dashboard.all });
      onDone?.(`Order ${updated.orderNumber} ${updated.approval === 'rejected' ? 'rejected' : 'approved again'}.`);
    },
  });
}
