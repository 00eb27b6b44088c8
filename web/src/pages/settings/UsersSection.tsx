import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type Role, type User } from '../../api/client.ts';
import { useSession } from '../../session.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { MIN_PASSWORD } from './passwords.ts';
import { roleName, ROLES, RoleSelect } from './roles.tsx';
import type { Items } from './types.ts';
import { useAction } from './use-action.ts';

// The account's users: each one's role, a password reset and removal (after a confirmation),
// and a form to add one; the new user signs in with the password given. Your own row is
// changed by another admin (an account always keeps one), your password under Your account.

const USERS = ['settings', 'users'];

function NewUser() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [added, setAdded] = useState<string | null>(null);
  const action = useAction();

  async function add(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    if (password.length < MIN_PASSWORD) {
      action.setError(`The password needs at least ${MIN_PASSWORD} characters.`);
      return;
    }
    const user = await action.run(() => api<User>('POST', '/api/users', { email: email.trim(), password, role }));
    if (!user) return;
    await queryClient.invalidateQueries({ queryKey: USERS });
    setEmail('');
    setPassword('');
    setAdded(`${user.email} was added as ${roleName(user.role).toLowerCase()}.`);
  }

  return (
    <form className="settings-form" onSubmit={(e) => void add(e)} aria-labelledby="new-user">
      <h3 id="new-user" className="form-title">Add a user</h3>
      <label>
        User email
        <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
      </label>
      <label>
        User password
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" aria-describedby="password-hint" />
        <span id="password-hint" className="muted small-text">At least {MIN_PASSWORD} characters.</span>
      </label>
      <label>
        Role
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <button type="submit" disabled={action.busy}>Add user</button>
      {action.error && <p role="alert" className="error">{action.error}</p>}
      <p role="status" className="ok">{added}</p>
    </form>
  );
}

/** A new password for the user; every session of theirs ends. */
function ResetPassword({ user, onDone }: { user: User; onDone: (message: string | null) => void }) {
  const [password, setPassword] = useState('');
  const action = useAction();

  async function reset(event: FormEvent) {
    event.preventDefault();
    if (password.length < MIN_PASSWORD) {
      action.setError(`The password needs at least ${MIN_PASSWORD} characters.`);
      return;
    }
    const done = await action.run(() => api<void>('POST', `/api/users/${user.id}/password`, { password }).then(() => true));
    if (done) onDone(`Password set; ${user.email} was signed out everywhere.`);
  }

  return (
    <form className="confirm" onSubmit={(e) => void reset(e)} aria-label={`New password for ${user.email}`}>
      <label className="inline">
        New password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" autoFocus />
      </label>
      <button type="submit" className="small" disabled={action.busy}>Set password</button>
      <button type="button" className="small" onClick={() => onDone(null)}>Cancel</button>
      {action.error && <span role="alert" className="error"> {action.error}</span>}
    </form>
  );
}

function UserRow({ user, isMe }: { user: User; isMe: boolean }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'idle' | 'reset' | 'remove'>('idle');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
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

  async function changeRole(role: Role) {
    setDone(null);
    const changed = await action.run(() => api<User>('PATCH', `/api/users/${user.id}`, { role }));
    if (!changed) return;
    await queryClient.invalidateQueries({ queryKey: USERS });
    setDone(`${user.email} is now ${roleName(changed.role).toLowerCase()}.`);
  }

  async function removeUser() {
    const removed = await action.run(() => api<void>('DELETE', `/api/users/${user.id}`).then(() => true));
    if (!removed) return;
    opened.current = null;
    await queryClient.invalidateQueries({ queryKey: USERS });
    await queryClient.invalidateQueries({ queryKey: ['settings', 'api-keys'] });
  }

  return (
    <tr data-user-id={user.id}>
      <td>{user.email}{isMe && <span className="muted"> (you)</span>}</td>
      <td>
        {isMe ? roleName(user.role) : (
          <select aria-label={`Role of ${user.email}`} value={user.role} disabled={action.busy} onChange={(e) => void changeRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r.role} value={r.role}>{r.name}</option>)}
          </select>
        )}
      </td>
      <td>
        {!isMe && mode === 'idle' && (
          <span className="row-actions">
            <button ref={reset} type="button" className="small" onClick={() => open('reset')} aria-label={`Reset password of ${user.email}`}>Reset password</button>
            <button ref={remove} type="button" className="small danger" onClick={() => open('remove')} aria-label={`Remove ${user.email}`}>Remove</button>
          </span>
        )}
        {mode === 'reset' && <ResetPassword user={user} onDone={(message) => { setDone(message); setMode('idle'); }} />}
        {mode === 'remove' && (
          <span className="confirm" role="group" aria-label={`Confirm removing ${user.email}`}>
            <span>Remove {user.email}? They are signed out at once and the API keys they made are revoked.</span>
            <button type="button" className="small danger" disabled={action.busy} onClick={() => void removeUser()}>Yes, remove</button>
            <button type="button" className="small" onClick={() => setMode('idle')} autoFocus>Cancel</button>
          </span>
        )}
        {action.error && <span role="alert" className="error"> {action.error}</span>}
        {done && <span role="status" className="ok"> {done}</span>}
      </td>
    </tr>
  );
}

export function UsersSection() {
  const { user: me } = useSession();
  const users = useQuery({ queryKey: USERS, queryFn: () => api<Items<User>>('GET', '/api/users') });
  return (
    <section aria-labelledby="settings-users" className="settings-section">
      <h2 id="settings-users">Users and roles</h2>
      {users.isPending && <p role="status">Loading…</p>}
      {users.isError && <p role="alert" className="error">{users.error.message}</p>}
      {users.data && (
        <TableScroll label="Users table">
          <table aria-label="Users">
            <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col"><span className="visually-hidden">Action</span></th></tr></thead>
            <tbody>
              {users.data.items.map((u) => <UserRow key={u.id} user={u} isMe={u.id === me.id} />)}
              {users.data.items.length === 0 && <tr><td colSpan={3} className="muted">No users.</td></tr>}
            </tbody>
          </table>
        </TableScroll>
      )}
      <NewUser />
    </section>
  );
}
