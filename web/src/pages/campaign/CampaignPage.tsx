import { useCampaign, usePerformance } from '../../api/campaigns.ts';
import { useAmountsDue } from '../../api/payouts.ts';
import { useSession } from '../../session.tsx';
import { Link } from '../../ui/router.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import { CampaignSettings } from './CampaignSettings.tsx';
import { OrdersTable } from './OrdersTable.tsx';
import { PerformanceTable } from './PerformanceTable.tsx';
import './campaign-settings.css';

// One campaign, in two tabs: Performance (its creators' figures and its orders) and Settings
// (terms, members, codes, links). Each tab is its own address, so it can be linked and reloaded.

export type CampaignTab = 'performance' | 'settings';

export function CampaignPage({ campaignId, tab }: { campaignId: string; tab: CampaignTab }) {
  const campaign = useCampaign(campaignId);
  const tabs: Array<{ id: CampaignTab; label: string; href: string }> = [
    { id: 'performance', label: 'Performance', href: `/campaigns/${campaignId}` },
    { id: 'settings', label: 'Settings', href: `/campaigns/${campaignId}/settings` },
  ];
  const name = campaign.data?.name ?? 'Campaign';
  useDocumentTitle(tab === 'settings' ? `${name} settings` : name);

  return (
    <section aria-labelledby="campaign-title">
      <p>
        <Link href="/campaigns">← Campaigns</Link>
      </p>
      <h1 id="campaign-title">{name}</h1>
      {campaign.isError && (
        <p role="alert" className="error">
          {campaign.error.message}
        </p>
      )}
      <nav aria-label="Campaign" className="tabs">
        {tabs.map((t) => (
          <Link key={t.id} href={t.href} aria-current={t.id === tab ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'performance' && <PerformanceTab campaignId={campaignId} />}
      {tab === 'settings' && campaign.isPending && <p role="status">Loading…</p>}
      {tab === 'settings' && campaign.data && <CampaignSettings campaign={campaign.data} />}
    </section>
  );
}

function PerformanceTab({ campaignId }: { campaignId: string }) {
  const { user } = useSession();
  const performance = usePerformance(campaignId);
  const due = useAmountsDue(campaignId);
  return (
    <>
      <h2>Performance</h2>
      {performance.isPending && <p role="status">Loading…</p>}
      {performance.isError && (
        <p role="alert" className="error">
          {performance.error.message}
        </p>
      )}
      {performance.data && <PerformanceTable performance={performance.data} due={due.data} />}
      <h2>Orders</h2>
      <OrdersTable campaignId={campaignId} canReview={user.role !== 'viewer'} />
    </>
  );
}
