import { useQuery } from '@tanstack/react-query';
import { api, type Campaign } from './api.ts';
import { formatMoney } from './format.ts';
import { Link } from './router.tsx';

// The account's campaigns, each linking to its page.

const terms = (c: Campaign) =>
  [c.commission.percent && `${c.commission.percent}%`, c.commission.fixed && `${formatMoney(c.commission.fixed)} per order`].filter(Boolean).join(' + ') || 'No commission';

export function CampaignsPage() {
  const campaigns = useQuery({ queryKey: ['campaigns'], queryFn: () => api<{ items: Campaign[] }>('GET', '/api/campaigns') });
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      {campaigns.isPending && <p role="status">Loading…</p>}
      {campaigns.isError && <p role="alert" className="error">{campaigns.error.message}</p>}
      {campaigns.data && (
        <ul className="cards">
          {campaigns.data.items.map((c) => (
            <li key={c.id}>
              <Link href={`/campaigns/${c.id}`}>{c.name}</Link>
              <span className="muted">{terms(c)}</span>
            </li>
          ))}
          {campaigns.data.items.length === 0 && <li className="muted">No campaigns yet.</li>}
        </ul>
      )}
    </section>
  );
}
