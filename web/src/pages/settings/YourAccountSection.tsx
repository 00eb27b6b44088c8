import { type FormEvent, useState } from 'react';
import { useChangeOwnPassword, useLogoutEverywhere } from '../../api/settings.ts';
import { useSession } from '../../session.tsx';
import { navigate } from '../../ui/router.tsx';
import { MIN_PASSWORD } from './passwords.ts';
import { roleName } from './roles.tsx';

// Your own account, whatever your role: change your password (your other sessions end) and
// sign out everywhere (every session of yours, this one included).

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useChangeOwnPassword();
  const error = invalid ?? action.error?.message;

  function change(event: FormEvent) {
    event.preventDefault();
    setChanged(null);
    action.reset();
    setInvalid(next.length < MIN_PASSWORD ? `The new password needs at least ${MIN_PASSWORD} characters.` : null);
    if (next.length < MIN_PASSWORD) return;
    action.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setChanged('Password changed. Your other sessions were signed out.');
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={change} aria-labelledby="own-password">
      <h3 id="own-password" className="form-title">
        Change your password
      </h3>
      <label>
        Current password
        <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />
      </label>
      <label>
        New password
        <input
          type="password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
          autoComplete="new-password"
          aria-describedby="own-password-hint"
        />
        <span id="own-password-hint" className="muted small-text">
          At least {MIN_PASSWORD} characters.
        </span>
      </label>
      <button type="submit" disabled={action.isPending}>
        Change password
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" className="ok">
        {changed}
      </p>
    </form>
  );
}

function SignOutEverywhere() {
  const { signOut } = useSession();
  const action = useLogoutEverywhere();
  const signOutEverywhere = () => action.mutate(undefined, { onSuccess: () => void signOut().then(() => navigate('/')) });

  return (
    // biome-ignore lint/a11y/useSemanticElements: a button and its explanation, not fields; named by its heading
    <div className="settings-form" role="group" aria-labelledby="sign-out-everywhere">
      <h3 id="sign-out-everywhere" className="form-title">
        Sign out everywhere
      </h3>
      <p className="hint">Ends every session of yours, on every device and browser, this one included.</p>
      <button type="button" className="small danger" disabled={action.isPending} onClick={signOutEverywhere}>
        End all my sessions
      </button>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
    </div>
  );
}

export function YourAccountSection() {
  const { user } = useSession();
  return (
    <section aria-labelledby="settings-you" className="settings-section">
      <h2 id="settings-you">Your account</h2>
      <p className="hint">
        Signed in as {user.email}, {roleName(user.role).toLowerCase()}.
      </p>
      <ChangePassword />
      <SignOutEverywhere />
    </section>
  );
}
