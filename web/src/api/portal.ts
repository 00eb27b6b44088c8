import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, client, ok } from './client.ts';
import { keys } from './keys.ts';

// A creator's own page: what its token reads (no session), and the admin's link to it.

/** The page's data, 500 orders at a time; a 404 (an unknown or revoked link) is not retried. */
export function usePortal(token: string) {
  return useInfiniteQuery({
    queryKey: keys.portal.page(token),
    queryFn: ({ pageParam }) =>
      ok(client.GET('/api/portal/{token}', { params: { path: { token }, query: pageParam ? { cursor: pageParam } : {} } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 1,
  });
}

/** Whether the creator has a working link, and since when (admins). */
export function usePortalLinkState(creatorId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.portal.link(creatorId),
    queryFn: () => ok(client.GET('/api/creators/{id}/portal-link', { params: { path: { id: creatorId } } })),
    enabled,
  });
}

/** Makes a new link (the previous one stops working); its URL is shown once, to be copied. */
export function useCreatePortalLink(creatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => ok(client.POST('/api/creators/{id}/portal-link', { params: { path: { id: creatorId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.portal.link(creatorId) }),
  });
}

export function useRevokePortalLink(creatorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/creators/{id}/portal-link', { params: { path: { id: creatorId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.portal.link(creatorId) }),
  });
}
