import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys } from './keys.ts';

// A creator across the account, for their page: who they are, their campaigns, their orders.

const PAGE_SIZE = 50;

export function useCreator(id: string) {
  return useQuery({
    queryKey: keys.creator.detail(id),
    queryFn: () => ok(client.GET('/api/creators/{id}', { params: { path: { id } } })),
  });
}

export function useCreatorCampaigns(id: string) {
  return useQuery({
    queryKey: keys.creator.campaigns(id),
    queryFn: () => ok(client.GET('/api/creators/{id}/campaigns', { params: { path: { id } } })),
  });
}

export function useCreatorConversions(id: string) {
  return useInfiniteQuery({
    queryKey: keys.creator.conversions(id),
    queryFn: ({ pageParam }) =>
      ok(
        client.GET('/api/creators/{id}/conversions', {
          params: { path: { id }, query: { limit: String(PAGE_SIZE), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
