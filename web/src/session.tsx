import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, client, ok, setCsrfToken } from './api/client.ts';
import type { Account, SessionReply, User } from './api/types.ts';

// The signed-in session. The cookie is HttpOnly; the CSRF token and the user are kept in
// sessionStorage so a reload keeps the session (with the user's role as it is now: an admin
// may have changed it). Without them the user signs in again.

const STORAGE_KEY = 'tally.session';

interface Stored {
  csrfToken: string;
  user: User;
}

export interface Session {
  account: Account;
  user: User;
  /** Replaces the account after a change (e.g. its currency). */
  setAccount(account: Account): void;
  signOut(): Promise<void>;
}

type State = { kind: 'loading' } | { kind: 'signedOut' } | { kind: 'signedIn'; account: Account; user: User };

const SessionContext = createContext<Session | null>(null);

function readStored(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

/** The session; only inside <SessionGate>'s signed-in branch. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in session');
  return session;
}

/** Shows `signedOut(start)` until a session exists, then `children` with the session in context. */
export function SessionGate({
  children,
  signedOut,
}: {
  children: ReactNode;
  signedOut: (start: (reply: SessionReply) => void) => ReactNode;
}) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    const stored = readStored();
    if (!stored) {
      setState({ kind: 'signedOut' });
      return;
    }
    setCsrfToken(stored.csrfToken);
    ok(client.GET('/api/me'))
      .then(({ account, user }) => {
        if (!user) throw new Error('not a user session');
        sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ csrfToken: stored.csrfToken, user } satisfies Stored));
        setState({ kind: 'signedIn', account, user });
      })
      .catch(() => {
        sessionStorage.removeItem(STORAGE_KEY);
        setCsrfToken(null);
        setState({ kind: 'signedOut' });
      });
  }, []);

  const start = useCallback(
    (reply: SessionReply) => {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ csrfToken: reply.csrfToken, user: reply.user } satisfies Stored));
      setCsrfToken(reply.csrfToken);
      queryClient.clear();
      setState({ kind: 'signedIn', account: reply.account, user: reply.user });
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await ok(client.POST('/api/logout'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    sessionStorage.removeItem(STORAGE_KEY);
    setCsrfToken(null);
    queryClient.clear();
    setState({ kind: 'signedOut' });
  }, [queryClient]);

  if (state.kind === 'loading')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (state.kind === 'signedOut') return <>{signedOut(start)}</>;
  const session: Session = {
    account: state.account,
    user: state.user,
    setAccount: (account) => setState({ ...state, account }),
    signOut,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
