import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys, type MembersOptions } from './keys.ts';

// A campaign's members, their codes and links. What changes a membership also changes the
// campaign's performance.

export function useMembers(campaignId: string, options: MembersOptions) {
  return useQuery({
    queryKey: keys.members.list(campaignId, options),
    queryFn: () =>
      ok(
        client.GET('/api/campaigns/{id}/members', {
          params: { path: { id: campaignId }, query: options.removed ? { removed: 'true' } : {} },
        }),
      ),
  });
}

function useRefreshMembers(campaignId: string) {
  const queryClient = useQueryClient();
  return {
    members: () => queryClient.invalidateQueries({ queryKey: keys.members.campaign(campaignId) }),
    membership: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.members.campaign(campaignId) });
      await queryClient.invalidateQueries({ queryKey: keys.performance.campaign(campaignId) });
    },
  };
}

// `onDone` runs once the lists are fetched again, even when the component that asked has gone
// with the change (a removed member's card): it moves the focus to where the member went.

/** Adds a creator with its codes, or re-adds a removed member (its codes come back). */
export function useAddMember(campaignId: string, onDone?: () => void) {
  const refresh = useRefreshMembers(campaignId);
  return useMutation({
    mutationFn: (body: { creatorId: string; codes?: string[] }) =>
      ok(client.POST('/api/campaigns/{id}/members', { params: { path: { id: campaignId } }, body })),
    onSuccess: async () => {
      await refresh.membership();
      onDone?.();
    },
  });
}

export function useRemoveMember(campaignId: string, creatorId: string, onDone?: () => void) {
  const refresh = useRefreshMembers(campaignId);
  return useMutation({
    mutationFn: () => ok(client.DELETE('/api/campaigns/{id}/members/{creatorId}', { params: { path: { id: campaignId, creatorId } } })),
    onSuccess: async () => {
      await refresh.membership();
      onDone?.();
    },
  });
}

export function useAddCode(campaignId: string, creatorId: string) {
  const refresh = useRefreshMembers(campaignId);
  return useMutation({
    mutationFn: (code: string) =>
      ok(client.POST('/api/campaigns/{id}/members/{creatorId}/codes', { params: { path: { id: campaignId, creatorId } }, body: { code } })),
    onSuccess: refresh.members,
  });
}

export function useRemoveCode(campaignId: string, creatorId: string) {
  const refresh = useRefreshMembers(campaignId);
  return useMutation({
    mutationFn: (code: string) =>
      ok(client.DELETE('/api/campaigns/{id}/members/{creatorId}/codes/{code}', { params: { path: { id: campaignId, creatorId, code } } })),
    onSuccess: refresh.members,
  });
}

export function useCreateLink(campaignId: string, creatorId: string) {
  const refresh = useRefreshMembers(campaignId);
  return useMutation({
    mutationFn: (destination: string) =>
      ok(
        client.POST('/api/campaigns/{id}/members/{creatorId}/links', {
          params: { path: { id: campaignId, creatorId } },
          body: { destination },
        }),
      ),
    onSuccess: refresh.members,
  });
}
