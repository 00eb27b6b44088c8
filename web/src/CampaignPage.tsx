import { useQuery } from '@tanstack/react-query';
import { api, type Campaign, type Performance } from './api.ts';
import { OrdersTable } from './OrdersTable.tsx';
import { PerformanceTable } from './PerformanceTable.tsx';
import { Link } from './router.tsx';
import { useSession } from './session.tsx';

// One campaign: its creators' performance and its orders.

export function CampaignPage({ campaignId }: { campaignId: string }) {
  const { user } = useSession();
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: () => api<{ items: Campaign[] }>('GET', '/api/campaigns') });
  const performance = useQuery({
    queryKey: ['performance', campaignId],
    queryFn: () => api<Performance>('GET', `/api/campaigns/${campaignId}/performance`),
  });
  const name = campaigns.data?.items.find((c) => c.id === campaignId)?.name ?? 'Campaign';

  return (
    <section aria-labelledby="campaign-title">
      <p><Link href="/campaigns">← Campaigns</Link></p>
      <h1 id="campaign-title">{name}</h1>
      <h2>Performance</h2>
      {performance.isPending && <p role="status">Loading…</p>}
      {performance.isError && <p role="alert" className="error">{performance.error.message}</p>}
      {performance.data && <PerformanceTable performance={performance.data} />}
      <h2>Orders</h2>
      <OrdersTable campaignId={campaignId} canReview={user.role !== 'viewer'} />
    </section>
  );
}
