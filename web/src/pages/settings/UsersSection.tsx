import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useAddUser, useChangeRole, useRemoveUser, useSetPassword, useUsers } from '../../api/settings.ts';
import type { Role, User } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { MIN_PASSWORD } from './passwords.ts';
import { ROLES, RoleSelect, roleName } from './roles.tsx';

// The account's users: each one's role, a password reset and removal (after a confirmation),
// and a form to add one; the new user signs in with the password given. Your own row is
// changed by another admin (an account always keeps one), your password under Your account.

function NewUser() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [added, setAdded] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useAddUser();
  const error = invalid ?? action.error?.message;

  function add(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    action.reset();
    setInvalid(password.length < MIN_PASSWORD ? `The password needs at least ${MIN_PASSWORD} characters.` : null);
    if (password.length < MIN_PASSWORD) return;
    action.mutate(
      { email: email.trim(), password, role },
      {
        onSuccess: (user) => {
          setEmail('');
          setPassword('');
          setAdded(`${user.email} was added as ${roleName(user.role).toLowerCase()}.`);
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={add} aria-labelledby="new-user">
      <h3 id="new-user" className="form-title">
        Add a user
      </h3>
      <label>
        User email
        <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
      </label>
      <label>
        User password
        <input
          name="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete="new-password"
          aria-describedby="password-hint"
        />
        <span id="password-hint" className="muted small-text">
          At least {MIN_PASSWORD} characters.
        </span>
      </label>
      <label>
        Role
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <button type="submit" disabled={action.isPending}>
        Add user
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" className="ok">
        {added}
      </p>
    </form>
  );
}

/** A new password for the user; every session of theirs ends. */
function ResetPassword({ user, onDone }: { user: User; onDone: (message: string | null) => void }) {
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useSetPassword(user.id);
  const error = invalid ?? action.error?.message;

  function reset(event: FormEvent) {
    event.preventDefault();
    action.reset();
    setInvalid(password.length < MIN_PASSWORD ? `The password needs at least ${MIN_PASSWORD} characters.` : null);
    if (password.length < MIN_PASSWORD) return;
    action.mutate(password, { onSuccess: () => onDone(`Password set; ${user.email} was signed out everywhere.`) });
  }

  return (
    <form className="confirm" onSubmit={reset} aria-label={`New password for ${user.email}`}>
      <label className="inline">
        New password
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          autoComplete="new-password"
          autoFocus
        />
      </label>
      <button type="submit" className="small" disabled={action.isPending}>
        Set password
      </button>
      <button type="button" className="small" onClick={() => onDone(null)}>
        Cancel
      </button>
      {error && (
        <span role="alert" className="error">
          {' '}
          {error}
        </span>
      )}
    </form>
  );
}

function UserRow({ user, isMe }: { user: User; isMe: boolean }) {
  const [mode, setMode] = useState<'idle' | 'reset' | 'remove'>('idle');
  const [done, setDone] = useState<string | null>(null);
  const changeRole = useChangeRole(user.id);
  const removeUser = useRemoveUser(user.id);
  const busy = changeRole.isPending || removeUser.isPending;
  const error = (changeRole.error ?? removeUser.error)?.message;
  // Leaving a confirmation gives the focus back to the button that opened it.
  const opened = useRef<'reset' | 'remove' | null>(null);
  const reset = useRef<HTMLButtonElement>(null);
  const remove = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (mode === 'idle' && opened.current) (opened.current === 'reset' ? reset : remove).current?.focus();
  }, [mode]);
  const open = (next: 'reset' | 'remove') => {
    opened.current = next;
    setDone(null);
    setMode(next);
  };

  const change = (role: Role) => {
    setDone(null);
    removeUser.reset();
    changeRole.mutate(role, { onSuccess: (changed) => setDone(`${user.email} is now ${roleName(changed.role).toLowerCase()}.`) });
  };
  const confirmRemove = () => {
    changeRole.reset();
    removeUser.mutate();
  };

  return (
    <tr data-user-id={user.id}>
      <td>
        {user.email}
        {isMe && <span className="muted"> (you)</span>}
      </td>
      <td>
        {isMe ? (
          roleName(user.role)
        ) : (
          <select aria-label={`Role of ${user.email}`} value={user.role} disabled={busy} onChange={(e) => change(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.name}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        {!isMe && mode === 'idle' && (
          <span className="row-actions">
            <button
              ref={reset}
              type="button"
              className="small"
              onClick={() => open('reset')}
              aria-label={`Reset password of ${user.email}`}
            >
              Reset password
            </button>
            <button ref={remove} type="button" className="small danger" onClick={() => open('remove')} aria-label={`Remove ${user.email}`}>
              Remove
            </button>
          </span>
        )}
        {mode === 'reset' && (
          <ResetPassword
            user={user}
            onDone={(message) => {
              setDone(message);
              setMode('idle');
            }}
          />
        )}
        {mode === 'remove' && (
          // biome-ignore lint/a11y/useSemanticElements: an inline confirmation inside a row, not a form; a fieldset would break the line
          <span className="confirm" role="group" aria-label={`Confirm removing ${user.email}`}>
            <span>Remove {user.email}? They are signed out at once and the API keys they made are revoked.</span>
            <button type="button" className="small danger" disabled={busy} onClick={confirmRemove}>
              Yes, remove
            </button>
            <button type="button" className="small" onClick={() => setMode('idle')} autoFocus>
              Cancel
            </button>
          </span>
        )}
        {error && (
          <span role="alert" className="error">
            {' '}
            {error}
          </span>
        )}
        {done && (
          <span role="status" className="ok">
            {' '}
            {done}
          </span>
        )}
      </td>
    </tr>
  );
}

export function UsersSection() {
  const { user: me } = useSession();
  const users = useUsers();
  return (
    <section aria-labelledby="settings-users" className="settings-section">
      <h2 id="settings-users">Users and roles</h2>
      {users.isPending && <p role="status">Loading…</p>}
      {users.isError && (
        <p role="alert" className="error">
          {users.error.message}
        </p>
      )}
      {users.data && (
        <TableScroll label="Users table">
          <table aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow key={u.id} user={u} isMe={u.id === me.id} />
              ))}
              {users.data.items.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No users.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </TableScroll>
      )}
      <NewUser />
    </section>
  );
}
