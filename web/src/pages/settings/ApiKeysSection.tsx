import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../api/settings.ts';
import type { Answer, ApiKey, Role } from '../../api/types.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { RoleSelect, roleName } from './roles.tsx';

// API keys: created with a role, shown once (only a hash is kept), revoked after a confirmation.

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function NewKey() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<Answer<'/api/api-keys', 'post'> | null>(null);
  const action = useCreateApiKey();

  function create(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    action.mutate(
      { name: name.trim(), role },
      {
        onSuccess: (key) => {
          setCreated(key);
          setName('');
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={create} aria-labelledby="new-key">
      <h3 id="new-key" className="form-title">
        Create an API key
      </h3>
      <label>
        Key name
        <input
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          placeholder="e.g. Warehouse sync"
        />
      </label>
      <label>
        Key role
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <button type="submit" disabled={action.isPending}>
        Create key
      </button>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
      {created && (
        <div className="new-key" role="status">
          <p>
            The key <strong>{created.name}</strong> ({roleName(created.role).toLowerCase()}): copy it now, it will not be shown again.
          </p>
          <p className="secret">
            <code data-testid="new-api-key">{created.key}</code>
            <CopyButton text={created.key} label="Copy the new API key" />
          </p>
          <p className="muted small-text">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
          <button type="button" className="small" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
    </form>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKey }) {
  const [confirming, setConfirming] = useState(false);
  const action = useRevokeApiKey(apiKey.id);
  // Cancel gives the focus back to Revoke (the confirmation takes it with autoFocus).
  const revokeButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (wasConfirming.current && !confirming) revokeButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  return (
    <tr data-api-key-id={apiKey.id} className={apiKey.revokedAt ? 'revoked' : undefined}>
      <td>{apiKey.name}</td>
      <td>{roleName(apiKey.role)}</td>
      <td>{day(apiKey.createdAt)}</td>
      <td>{apiKey.revokedAt ? `Revoked ${day(apiKey.revokedAt)}` : 'Active'}</td>
      <td>
        {!apiKey.revokedAt && !confirming && (
          <button
            ref={revokeButton}
            type="button"
            className="small danger"
            onClick={() => setConfirming(true)}
            aria-label={`Revoke ${apiKey.name}`}
          >
            Revoke
          </button>
        )}
        {!apiKey.revokedAt && confirming && (
          // biome-ignore lint/a11y/useSemanticElements: an inline confirmation inside a row, not a form; a fieldset would break the line
          <span className="confirm" role="group" aria-label={`Confirm revoking ${apiKey.name}`}>
            <span>Revoke {apiKey.name}? Requests with it will fail at once.</span>
            <button
              type="button"
              className="small danger"
              disabled={action.isPending}
              onClick={() => action.mutate(undefined, { onSuccess: () => setConfirming(false) })}
            >
              Yes, revoke
            </button>
            <button type="button" className="small" onClick={() => setConfirming(false)} autoFocus>
              Cancel
            </button>
          </span>
        )}
        {action.isError && (
          <span role="alert" className="error">
            {' '}
            {action.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

export function ApiKeysSection() {
  const keys = useApiKeys();
  return (
    <section aria-labelledby="settings-keys" className="settings-section">
      <h2 id="settings-keys">API keys</h2>
      {keys.isPending && <p role="status">Loading…</p>}
      {keys.isError && (
        <p role="alert" className="error">
          {keys.error.message}
        </p>
      )}
      {keys.data && keys.data.items.length === 0 && <p className="muted">No API keys yet.</p>}
      {keys.data && keys.data.items.length > 0 && (
        <TableScroll label="API keys table">
          <table aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <KeyRow key={k.id} apiKey={k} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <NewKey />
    </section>
  );
}
