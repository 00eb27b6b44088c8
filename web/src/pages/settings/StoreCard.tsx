import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useUpdateStore } from '../../api/settings.ts';
import type { Platform, Store } from '../../api/types.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { CurrencySelect } from './CurrencySelect.tsx';
import { DeadLetters } from './DeadLetters.tsx';
import { Secret } from './Secret.tsx';

// One store: where it sends its orders, the secret that signs them, its settings and its
// failed deliveries.

export const PLATFORM_NAMES: Record<Platform, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce', custom: 'Custom' };

function Instructions({ store }: { store: Store }) {
  if (store.platform === 'shopify') {
    return (
      <p className="muted hint">
        In Shopify's admin (Settings → Notifications → Webhooks), create JSON webhooks for Order creation, Order payment, Order update,
        Order cancellation and Refund create with this URL. Shopify signs them with a key of its own, shown there: paste it here with Edit
        as the webhook secret.
      </p>
    );
  }
  if (store.platform === 'woocommerce') {
    return (
      <p className="muted hint">
        In WooCommerce (Settings → Advanced → Webhooks), add webhooks for Order created, Order updated and Order deleted with this delivery
        URL and this secret.
      </p>
    );
  }
  return (
    <p className="muted hint">
      Send each order with <code>PUT</code> to this URL followed by <code>/</code> and the order's own id, authorised by an API key with the
      admin role (<code>Authorization: Bearer …</code>).
    </p>
  );
}

function EditStore({ store, onDone }: { store: Store; onDone: () => void }) {
  const [name, setName] = useState(store.name);
  const [currency, setCurrency] = useState(store.currency);
  const [domain, setDomain] = useState(store.domain ?? '');
  const [secret, setSecret] = useState('');
  const action = useUpdateStore(store.id);

  function save(event: FormEvent) {
    event.preventDefault();
    const patch: { name?: string; currency?: string; domain?: string | null; webhookSecret?: string } = {};
    if (name.trim() !== store.name) patch.name = name.trim();
    if (currency !== store.currency) patch.currency = currency;
    // An emptied domain is taken away.
    if (domain.trim() !== (store.domain ?? '')) patch.domain = domain.trim() === '' ? null : domain.trim();
    if (secret.trim() !== '') patch.webhookSecret = secret.trim();
    if (Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    action.mutate(patch, { onSuccess: onDone });
  }

  return (
    <form className="settings-form" onSubmit={save} aria-label={`Edit ${store.name}`}>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoFocus />
      </label>
      <label>
        Currency
        <CurrencySelect value={currency} onChange={setCurrency} />
      </label>
      <label>
        Shop domain
        <input value={domain} onChange={(e) => setDomain(e.target.value)} maxLength={255} placeholder="shop.example.com" />
      </label>
      {store.platform !== 'custom' && (
        <label>
          New webhook secret
          <input
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            minLength={16}
            maxLength={512}
            autoComplete="off"
            placeholder="Leave empty to keep the current one"
          />
        </label>
      )}
      <div className="actions">
        <button type="submit" disabled={action.isPending}>
          Save store
        </button>
        <button type="button" className="small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
    </form>
  );
}

export function StoreCard({ store }: { store: Store }) {
  const [editing, setEditing] = useState(false);
  // The form takes the focus from Edit, and gives it back when it closes.
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  // The server's public address (PUBLIC_URL), which may differ from the one this browser uses.
  const url = store.webhookUrl;
  const webhook = store.platform !== 'custom';
  return (
    <li className="store" data-store-id={store.id} aria-labelledby={`store-${store.id}`}>
      <div className="store-head">
        <h3 id={`store-${store.id}`}>{store.name}</h3>
        <span className="muted">
          {PLATFORM_NAMES[store.platform]} · {store.currency}
        </span>
        {!editing && (
          <button ref={editButton} type="button" className="small" onClick={() => setEditing(true)} aria-label={`Edit ${store.name}`}>
            Edit
          </button>
        )}
      </div>
      {editing && <EditStore store={store} onDone={() => setEditing(false)} />}
      <dl className="store-facts">
        <div>
          <dt>{webhook ? 'Webhook URL' : 'Orders API URL'}</dt>
          <dd>
            <code data-testid="webhook-url">{url}</code>
            <CopyButton text={url} label={`Copy ${webhook ? 'webhook URL' : 'orders API URL'} of ${store.name}`} select="address" />
          </dd>
        </div>
        {webhook && store.webhookSecret && (
          <div>
            <dt>Webhook secret</dt>
            <dd>
              <Secret value={store.webhookSecret} label={`webhook secret of ${store.name}`} />
            </dd>
          </div>
        )}
      </dl>
      <Instructions store={store} />
      {webhook && <DeadLetters store={store} />}
    </li>
  );
}
