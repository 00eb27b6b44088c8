import { useQuery } from '@tanstack/react-query';
import { client, ok } from './client.ts';
import { keys } from './keys.ts';

// What the payout files leave out: pending payouts whose creator has no PayPal e-mail.

export function usePendingWithoutPaypal() {
  return useQuery({
    queryKey: keys.payoutFiles.withoutPaypal,
    queryFn: () => ok(client.GET('/api/payouts', { params: { query: { status: 'pending', paypalEmail: 'missing' } } })),
  });
}
