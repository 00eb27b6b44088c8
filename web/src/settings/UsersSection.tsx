import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Role, type User } from '../api.ts';
import { useSession } from '../session.tsx';
import { TableScroll } from '../TableScroll.tsx';
import { roleName, RoleSelect } from './roles.tsx';
import type { Items } from './types.ts';
import { useAction } from './use-action.ts';

// The account's users and a form to add one; the new user signs in with the password given.

const MIN_PASSWORD = 10;

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
    await queryClient.invalidateQueries({ queryKey: ['settings', 'users'] });
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

export function UsersSection() {
  const { user: me } = useSession();
  const users = useQuery({ queryKey: ['settings', 'users'], queryFn: () => api<Items<User>>('GET', '/api/users') });
  return (
    <section aria-labelledby="settings-users" className="settings-section">
      <h2 id="settings-users">Users and roles</h2>
      {users.isPending && <p role="status">Loading…</p>}
      {users.isError && <p role="alert" className="error">{users.error.message}</p>}
      {users.data && (
        <TableScroll label="Users table">
          <table aria-label="Users">
            <thead><tr><th scope="col">Email</th><th scope="col">Role</th></tr></thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id} data-user-id={u.id}>
                  <td>{u.email}{u.id === me.id && <span className="muted"> (you)</span>}</td>
                  <td>{roleName(u.role)}</td>
                </tr>
              ))}
              {users.data.items.length === 0 && <tr><td colSpan={2} className="muted">No users.</td></tr>}
            </tbody>
          </table>
        </TableScroll>
      )}
      <NewUser />
    </section>
  );
}
