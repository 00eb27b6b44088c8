import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys, queryText } from './keys.ts';
import type { Query } from './types.ts';

// The reports: Home's dashboard for a range, and the Community's creators a page at a time.

export type Range = { from?: string; to?: string };
export type CommunityQuery = Omit<Query<'/api/community', 'get'>, 'cursor'>;

export function useDashboard(range: Range) {
  return useQuery({
    queryKey: keys.dashboard.range(queryText(range)),
    queryFn: () => ok(client.GET('/api/dashboard', { params: { query: range } })),
  });
}

export function useCommunity(query: CommunityQuery) {
  return useInfiniteQuery({
    queryKey: keys.community.list(queryText(query)),
    queryFn: ({ pageParam }) =>
      ok(client.GET('/api/community', { params: { query: { ...query, ...(pageParam && { cursor: pageParam }) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A new sort, search or range keeps showing the rows it replaces until it arrives.
    placeholderData: keepPreviousData,
  });
}
