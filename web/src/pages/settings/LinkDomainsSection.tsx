import { type FormEvent, useState } from 'react';
import { useAddLinkDomain, useLinkDomains, useRemoveLinkDomain } from '../../api/settings.ts';

// The domains affiliate links may lead to: the stores' own, and a list kept here for the rest
// (a brand site, a landing page). Links elsewhere are refused, so Tally is never an open redirect.

function DomainRow({ domain }: { domain: string }) {
  const remove = useRemoveLinkDomain(domain);
  return (
    <li>
      <code>{domain}</code>
      <button
        type="button"
        className="small danger"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
        aria-label={`Remove ${domain}`}
      >
        Remove
      </button>
      {remove.isError && (
        <span role="alert" className="error">
          {' '}
          {remove.error.message}
        </span>
      )}
    </li>
  );
}

export function LinkDomainsSection() {
  const list = useLinkDomains();
  const [domain, setDomain] = useState('');
  const add = useAddLinkDomain();

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(domain.trim(), { onSuccess: () => setDomain('') });
  }

  return (
    <section aria-labelledby="settings-link-domains" className="settings-section">
      <h2 id="settings-link-domains">Link domains</h2>
      <p className="muted hint">
        Affiliate links may lead only to these domains and their subdomains: your stores' domains, and the ones added here. A link to any
        other address is refused, and a link whose domain is taken away stops redirecting.
      </p>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && (
        <p role="alert" className="error">
          {list.error.message}
        </p>
      )}
      {list.data && (
        <>
          <p>
            From your stores:{' '}
            {list.data.storeDomains.length === 0 ? (
              <span className="muted">none (no store has a domain)</span>
            ) : (
              list.data.storeDomains.map((d, i) => (
                <span key={d}>
                  {i > 0 && ', '}
                  <code>{d}</code>
                </span>
              ))
            )}
          </p>
          {list.data.domains.length === 0 ? (
            <p className="muted">No other domains yet.</p>
          ) : (
            <ul className="link-domains" aria-label="Added link domains">
              {list.data.domains.map((d) => (
                <DomainRow key={d} domain={d} />
              ))}
            </ul>
          )}
        </>
      )}
      <form className="settings-form" onSubmit={submit} aria-labelledby="new-link-domain">
        <h3 id="new-link-domain" className="form-title">
          Add a link domain
        </h3>
        <label>
          Domain
          <input
            name="domain"
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
            required
            maxLength={253}
            placeholder="e.g. brand.example.com"
          />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add domain
        </button>
        {add.isError && (
          <p role="alert" className="error">
            {add.error.message}
          </p>
        )}
      </form>
    </section>
  );
}
