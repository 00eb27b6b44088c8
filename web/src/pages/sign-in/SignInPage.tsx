import { type FormEvent, useState } from 'react';
import { client, ok } from '../../api/client.ts';
import type { SessionReply } from '../../api/types.ts';
import { useDocumentTitle } from '../../ui/use-document-title.ts';

// Sign in, or sign up a new account (its first user is the admin).

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function SignInPage({ onSignedIn }: { onSignedIn: (reply: SessionReply) => void }) {
  const [mode, setMode] = useState<'signIn' | 'signUp'>('signIn');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(mode === 'signIn' ? 'Sign in' : 'Create an account');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '');
    setBusy(true);
    setError(null);
    try {
      const reply =
        mode === 'signIn'
          ? await ok(client.POST('/api/login', { body: { email: field('email'), password: field('password') } }))
          : await ok(
              client.POST('/api/signup', {
                body: {
                  accountName: field('accountName'),
                  email: field('email'),
                  password: field('password'),
                  defaultCurrency: field('defaultCurrency').toUpperCase(),
                  timeZone: field('timeZone'),
                },
              }),
            );
      onSignedIn(reply);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <h1>Tally</h1>
      <form onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{mode === 'signIn' ? 'Sign in' : 'Create an account'}</h2>
        {mode === 'signUp' && (
          <label>
            Brand name
            <input name="accountName" required autoComplete="organization" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={mode === 'signUp' ? 10 : 1}
            autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
          />
        </label>
        {mode === 'signUp' && (
          <>
            <label>
              Default currency
              <input name="defaultCurrency" required pattern="[A-Za-z]{3}" defaultValue="EUR" maxLength={3} />
            </label>
            <label>
              Time zone
              <input name="timeZone" required defaultValue={browserTimeZone()} />
            </label>
          </>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {mode === 'signIn' ? 'Sign in' : 'Sign up'}
        </button>
      </form>
      <p>
        {mode === 'signIn' ? 'New to Tally? ' : 'Already have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'signIn' ? 'signUp' : 'signIn');
            setError(null);
          }}
        >
          {mode === 'signIn' ? 'Sign up' : 'Sign in'}
        </button>
      </p>
    </main>
  );
}
