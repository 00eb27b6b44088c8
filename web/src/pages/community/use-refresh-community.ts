import { useQueryClient } from '@tanstack/react-query';

/** Refetches what changes when a creator joins, leaves or comes back to the Community. */
export function useRefreshCommunity(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    for (const key of ['community', 'creators', 'members', 'performance', 'dashboard']) await queryClient.invalidateQueries({ queryKey: [key] });
  };
}
