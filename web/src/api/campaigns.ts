import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys } from './keys.ts';
import type { Campaign, Commission } from './types.ts';

// Campaigns: the list, one campaign, its performance; creating one and changing its terms.

export function useCampaigns() {
  return useQuery({ queryKey: keys.campaigns.list(), queryFn: () => ok(client.GET('/api/campaigns')) });
}

export function useCampaign(id: string) {
  return useQuery({
    queryKey: keys.campaigns.detail(id),
    queryFn: () => ok(client.GET('/api/campaigns/{id}', { params: { path: { id } } })),
  });
}

export function usePerformance(campaignId: string) {
  return useQuery({
    queryKey: keys.performance.campaign(campaignId),
    queryFn: () => ok(client.GET('/api/campaigns/{id}/performance', { params: { path: { id: campaignId } } })),
  });
}

export function useCreateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; commission: Commission }) => ok(client.POST('/api/campaigns', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.campaigns.all }),
  });
}

export function useSaveTerms(campaignId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (commission: Commission) =>
      ok(client.PATCH('/api/campaigns/{id}', { params: { path: { id: campaignId } }, body: { commission } })),
    onSuccess: async (saved: Campaign) => {
      queryClient.setQueryData(keys.campaigns.detail(campaignId), saved);
      await queryClient.invalidateQueries({ queryKey: keys.campaigns.list() });
    },
  });
}

/** The campaign's hold: days a conversion's commission waits before it is payable. */
export function useSaveHold(campaignId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (holdDays: number) => ok(client.PATCH('/api/campaigns/{id}', { params: { path: { id: campaignId } }, body: { holdDays } })),
    onSuccess: async (saved: Campaign) => {
      queryClient.setQueryData(keys.campaigns.detail(campaignId), saved);
      await queryClient.invalidateQueries({ queryKey: keys.campaigns.list() });
      await queryClient.invalidateQueries({ queryKey: keys.payouts.all });
    },
  });
}
