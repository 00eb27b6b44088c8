import { type FormEvent, useState } from 'react';
import { useCreateStore, useStores } from '../../api/settings.ts';
import type { Platform } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { CurrencySelect } from './CurrencySelect.tsx';
import { PLATFORM_NAMES, StoreCard } from './StoreCard.tsx';

// The account's stores and a form to connect another.

function NewStore() {
  const { account } = useSession();
  const [platform, setPlatform] = useState<Platform>('shopify');
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState(account.defaultCurrency);
  const [domain, setDomain] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const action = useCreateStore();

  function create(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    action.mutate(
      { platform, name: name.trim(), currency, ...(domain.trim() !== '' && { domain: domain.trim() }) },
      {
        onSuccess: (store) => {
          setName('');
          setDomain('');
          setCreated(
            `${store.name} was added. Its ${store.platform === 'custom' ? 'orders API URL' : 'webhook URL and secret'} are below.`,
          );
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={create} aria-labelledby="new-store">
      <h3 id="new-store" className="form-title">
        Add a store
      </h3>
      <label>
        Platform
        <select name="platform" value={platform} onChange={(e) => setPlatform(e.target.value as Platform)}>
          {(Object.keys(PLATFORM_NAMES) as Platform[]).map((p) => (
            <option key={p} value={p}>
              {PLATFORM_NAMES[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Store name
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        Store currency
        <CurrencySelect name="currency" value={currency} onChange={setCurrency} />
      </label>
      <label>
        Shop domain (optional; affiliate links may lead to it)
        <input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} maxLength={255} placeholder="shop.example.com" />
      </label>
      <button type="submit" disabled={action.isPending}>
        Add store
      </button>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
      <p role="status" className="ok">
        {created}
      </p>
    </form>
  );
}

export function StoresSection() {
  const stores = useStores();
  return (
    <section aria-labelledby="settings-stores" className="settings-section">
      <h2 id="settings-stores">Stores</h2>
      <p className="muted hint">
        The currency is the one the store charges in: a delivery in another currency is kept as a failed delivery until the store is
        corrected and it is replayed.
      </p>
      {stores.isPending && <p role="status">Loading…</p>}
      {stores.isError && (
        <p role="alert" className="error">
          {stores.error.message}
        </p>
      )}
      {stores.data && stores.data.items.length === 0 && <p className="muted">No stores yet. Add one to receive its orders.</p>}
      {stores.data && stores.data.items.length > 0 && (
        <ul className="stores" aria-label="Stores">
          {stores.data.items.map((s) => (
            <StoreCard key={s.id} store={s} />
          ))}
        </ul>
      )}
      <NewStore />
    </section>
  );
}
