import { useQuery } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys } from './keys.ts';

// What the payout files leave out: pending payouts whose creator has no PayPal e-mail.

/** The newest `limit` of them, and whether there are more. */
export function usePendingWithoutPaypal(limit: number) {
  return useQuery({
    queryKey: keys.payoutFiles.withoutPaypal,
    queryFn: () =>
      ok(client.GET('/api/payouts', { params: { query: { status: 'pending', paypalEmail: 'missing', limit: String(limit) } } })),
  });
}
