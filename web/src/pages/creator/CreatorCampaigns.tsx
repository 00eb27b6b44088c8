import type { CreatorCampaigns as Campaigns } from '../../api/types.ts';
import { describeTerms } from '../../ui/commission-terms.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';
import { Link } from '../../ui/router.tsx';

// The creator's campaigns: each with the codes and links that attribute to them, the terms they
// earn under (their own, or the campaign's), and their counted orders and commission there.

export function CreatorCampaigns({ campaigns }: { campaigns: Campaigns }) {
  if (campaigns.items.length === 0) return <p className="muted">Not a member of any campaign.</p>;
  return (
    <>
      <ul className="creator-campaigns">
        {campaigns.items.map(({ campaign, member, orders, commission }) => (
          <li key={campaign.id} data-campaign-id={campaign.id}>
            <h3>
              <Link href={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
              {member.removed && <span className="badge"> Removed from the campaign</span>}
            </h3>
            <p>
              Terms: {describeTerms(member.commission ?? campaign.commission)}
              {member.commission && <span className="muted"> (their own; the campaign's: {describeTerms(campaign.commission)})</span>}
            </p>
            <p>Codes: {member.codes.length > 0 ? member.codes.join(', ') : <span className="muted">none</span>}</p>
            <p>Links: {member.links.length > 0 ? member.links.map((l) => l.url).join(', ') : <span className="muted">none</span>}</p>
            <p data-testid="campaign-earned">
              {formatCount(orders)} counted {orders === 1 ? 'order' : 'orders'}, {formatMoney(commission)} commission
            </p>
          </li>
        ))}
      </ul>
      <p data-testid="creator-totals">
        In all: {formatCount(campaigns.totals.orders)} counted {campaigns.totals.orders === 1 ? 'order' : 'orders'},{' '}
        <strong>{formatMoney(campaigns.totals.commission)}</strong> commission.
      </p>
    </>
  );
}
