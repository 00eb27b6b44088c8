import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys } from './keys.ts';

// The Community's creators: choices for a campaign, the removed ones; add, remove, restore.

export function useCreatorChoices(q: string, limit: number) {
  return useQuery({
    queryKey: keys.creators.choices(q),
    queryFn: () => ok(client.GET('/api/creators', { params: { query: { limit: String(limit), ...(q && { q }) } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRemovedCreators(pageSize: number) {
  return useInfiniteQuery({
    queryKey: keys.creators.removed(),
    queryFn: ({ pageParam }) =>
      ok(
        client.GET('/api/creators', {
          params: { query: { removed: 'only', limit: String(pageSize), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Refetches what changes when a creator joins, leaves or comes back to the Community. */
function useRefreshCommunity() {
  const queryClient = useQueryClient();
  return async () => {
    for (const key of [keys.community.all, keys.creators.all, keys.members.all, keys.performance.all, keys.dashboard.all]) {
      await queryClient.invalidateQueries({ queryKey: key });
    }
  };
}

export function useAddCreator() {
  const refresh = useRefreshCommunity();
  return useMutation({
    mutationFn: (body: { name: string; handle?: string; email?: string; paypalEmail?: string }) =>
      ok(client.POST('/api/creators', { body })),
    onSuccess: refresh,
  });
}

// `onDone` runs once the lists are fetched again, even when the row that asked has gone with
// the change: it moves the focus to where the creator went.

export function useRemoveCreator(creatorId: string, onDone: () => void) {
  const refresh = useRefreshCommunity();
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/creators/{id}', { params: { path: { id: creatorId } } })),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
}

export function useRestoreCreator(creatorId: string, onDone: () => void) {
  const refresh = useRefreshCommunity();
  return useMutation({
    mutationFn: () => ok(client.POST('/api/creators/{id}/restore', { params: { path: { id: creatorId } } })),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
}

/** One creator as stored, for a form that edits it (the Community's list carries only figures). */
export function useCreator(creatorId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.creators.detail(creatorId),
    queryFn: () => ok(client.GET('/api/creators/{id}', { params: { path: { id: creatorId } } })),
    enabled,
  });
}

/** Sets or clears (null) the creator's PayPal e-mail. */
export function useSetPaypalEmail(creatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (paypalEmail: string | null) =>
      ok(client.PATCH('/api/creators/{id}', { params: { path: { id: creatorId } }, body: { paypalEmail } })),
    onSuccess: async (creator) => {
      // The editor's copy and the creator's page, which shows the e-mail.
      queryClient.setQueryData(keys.creators.detail(creatorId), creator);
      queryClient.setQueryData(keys.creator.detail(creatorId), creator);
      // Which pending payouts the PayPal file leaves out has changed.
      await queryClient.invalidateQueries({ queryKey: keys.payoutFiles.withoutPaypal });
    },
  });
}
