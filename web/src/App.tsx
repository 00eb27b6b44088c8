import { useCallback, useEffect, useRef } from 'react';
import { ApiError, client, ok } from './api/client.ts';
import { useLiveUpdates } from './api/live.ts';
import { CampaignPage } from './pages/campaign/CampaignPage.tsx';
import { CampaignsPage } from './pages/campaigns/CampaignsPage.tsx';
import { CommunityPage } from './pages/community/CommunityPage.tsx';
import { CreatorPage } from './pages/creator/CreatorPage.tsx';
import { HomePage } from './pages/home/HomePage.tsx';
import { PaymentsPage } from './pages/payments/PaymentsPage.tsx';
import { PortalPage } from './pages/portal/PortalPage.tsx';
import { SettingsPage } from './pages/settings/SettingsPage.tsx';
import { SignInPage } from './pages/sign-in/SignInPage.tsx';
import { SessionGate, useSession } from './session.tsx';
import { Link, navigate, usePath } from './ui/router.tsx';
import { useDocumentTitle } from './ui/use-document-title.ts';

// The signed-in shell: a skip link, navigation, the user, and the page of the current path.
// Going to another page moves the focus to its content, as a page load would start there.

function Page({ path }: { path: string }) {
  const campaign = /^\/campaigns\/([1-9][0-9]*)(\/settings)?\/?$/.exec(path);
  if (campaign?.[1]) return <CampaignPage campaignId={campaign[1]} tab={campaign[2] ? 'settings' : 'performance'} />;
  if (path === '/community' || path === '/community/') return <CommunityPage />;
  const creator = /^\/creators\/([1-9][0-9]*)\/?$/.exec(path);
  if (creator?.[1]) return <CreatorPage creatorId={creator[1]} />;
  if (path === '/payments' || path === '/payments/') return <PaymentsPage />;
  if (path === '/campaigns' || path === '/campaigns/') return <CampaignsPage />;
  if (path === '/') return <HomePage />;
  if (path === '/settings' || path === '/settings/') return <SettingsPage />;
  return <NotFound path={path} />;
}

function NotFound({ path }: { path: string }) {
  useDocumentTitle('Not found');
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>
        There is no page at {path}. <Link href="/">Go home</Link>.
      </p>
    </section>
  );
}

function Shell() {
  const path = usePath();
  const { account, user, signOut } = useSession();
  // The stream was refused: if the session has ended (401), back to signing in.
  const onRefused = useCallback(() => {
    ok(client.GET('/api/me')).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) void signOut().then(() => navigate('/'));
    });
  }, [signOut]);
  useLiveUpdates(onRefused);
  const current = (href: string) => ((href === '/' ? path === '/' : path.startsWith(href)) ? 'page' : undefined);
  const main = useRef<HTMLElement>(null);
  const shown = useRef(path);
  useEffect(() => {
    if (shown.current === path) return;
    shown.current = path;
    main.current?.focus();
  }, [path]);
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a real link to #content without script; the handler moves the focus without putting a hash in the router's address */}
      <a
        className="skip-link"
        href="#content"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <nav aria-label="Main">
          <strong className="brand">Tally</strong>
          <Link href="/" aria-current={current('/')}>
            Home
          </Link>
          <Link href="/campaigns" aria-current={current('/campaigns')}>
            Campaigns
          </Link>
          <Link href="/community" aria-current={current('/community')}>
            Community
          </Link>
          <Link href="/payments" aria-current={current('/payments')}>
            Payments
          </Link>
          <Link href="/settings" aria-current={current('/settings')}>
            Settings
          </Link>
        </nav>
        <div className="who">
          <span>
            {account.name} · {user.email} ({user.role})
          </span>
          <button type="button" onClick={() => void signOut().then(() => navigate('/'))}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content" id="content" ref={main} tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}

// A creator's own page is opened by its link alone: no sign-in, no navigation of the dashboard.
const PORTAL_PATH = /^\/portal\/([^/]+)\/?$/;

export function App() {
  const portal = PORTAL_PATH.exec(usePath());
  if (portal?.[1]) {
    return (
      <main className="content" id="content">
        <PortalPage token={portal[1]} />
      </main>
    );
  }
  return (
    <SessionGate signedOut={(start) => <SignInPage onSignedIn={start} />}>
      <Shell />
    </SessionGate>
  );
}
