import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { useAction } from './use-action.ts';

// The domains affiliate links may lead to: the stores' own, and a list kept here for the rest
// (a brand site, a landing page). Links elsewhere are refused, so Tally is never an open redirect.

interface LinkDomains { domains: string[]; storeDomains: string[] }
// Under the stores' key, so that a change to a store's domain refreshes it too.
const KEYS = ['settings', 'stores', 'link-domains'];

function DomainRow({ domain }: { domain: string }) {
  const queryClient = useQueryClient();
  const action = useAction();
  async function remove() {
    const done = await action.run(() => api<void>('DELETE', `/api/account/link-domains/${encodeURIComponent(domain)}`).then(() => true));
    if (done) await queryClient.invalidateQueries({ queryKey: KEYS });
  }
  return (
    <li>
      <code>{domain}</code>
      <button type="button" className="small danger" disabled={action.busy} onClick={() => void remove()} aria-label={`Remove ${domain}`}>
        Remove
      </button>
      {action.error && <span role="alert" className="error"> {action.error}</span>}
    </li>
  );
}

export function LinkDomainsSection() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: KEYS, queryFn: () => api<LinkDomains>('GET', '/api/account/link-domains') });
  const [domain, setDomain] = useState('');
  const action = useAction();

  async function add(event: FormEvent) {
    event.preventDefault();
    const added = await action.run(() => api<LinkDomains>('POST', '/api/account/link-domains', { domain: domain.trim() }));
    if (!added) return;
    setDomain('');
    queryClient.setQueryData(KEYS, added);
  }

  return (
    <section aria-labelledby="settings-link-domains" className="settings-section">
      <h2 id="settings-link-domains">Link domains</h2>
      <p className="muted hint">
        Affiliate links may lead only to these domains and their subdomains: your stores' domains, and the ones added here.
        A link to any other address is refused, and a link whose domain is taken away stops redirecting.
      </p>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && <p role="alert" className="error">{list.error.message}</p>}
      {list.data && (
        <>
          <p>
            From your stores:{' '}
            {list.data.storeDomains.length === 0 ? <span className="muted">none (no store has a domain)</span> : list.data.storeDomains.map((d, i) => (
              <span key={d}>{i > 0 && ', '}<code>{d}</code></span>
            ))}
          </p>
          {list.data.domains.length === 0 ? (
            <p className="muted">No other domains yet.</p>
          ) : (
            <ul className="link-domains" aria-label="Added link domains">
              {list.data.domains.map((d) => <DomainRow key={d} domain={d} />)}
            </ul>
          )}
        </>
      )}
      <form className="settings-form" onSubmit={(e) => void add(e)} aria-labelledby="new-link-domain">
        <h3 id="new-link-domain" className="form-title">Add a link domain</h3>
        <label>
          Domain
          <input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} required maxLength={253} placeholder="e.g. brand.example.com" />
        </label>
        <button type="submit" disabled={action.busy}>Add domain</button>
        {action.error && <p role="alert" className="error">{action.error}</p>}
      </form>
    </section>
  );
}
