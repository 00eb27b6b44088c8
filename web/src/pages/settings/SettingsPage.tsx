import { useSession } from '../../session.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import { AccountSection } from './AccountSection.tsx';
import { ApiKeysSection } from './ApiKeysSection.tsx';
import { LinkDomainsSection } from './LinkDomainsSection.tsx';
import { RatesSection } from './RatesSection.tsx';
import { StoresSection } from './StoresSection.tsx';
import { UsersSection } from './UsersSection.tsx';
import { YourAccountSection } from './YourAccountSection.tsx';
import './settings.css';

// Settings: for admins, currency and time zone, stores and their webhooks, users, API keys,
// exchange rates (the API refuses the rest anyway); for everyone, their own account.

const SECTIONS = [
  { id: 'settings-account', name: 'Account' },
  { id: 'settings-stores', name: 'Stores' },
  { id: 'settings-link-domains', name: 'Link domains' },
  { id: 'settings-users', name: 'Users' },
  { id: 'settings-keys', name: 'API keys' },
  { id: 'settings-rates', name: 'Exchange rates' },
  { id: 'settings-you', name: 'Your account' },
];

export function SettingsPage() {
  useDocumentTitle('Settings');
  const { user } = useSession();
  if (user.role !== 'admin') {
    return (
      <section className="settings" aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        <p role="alert" className="notice">
          The account's settings are for admins. You are signed in as a {user.role}; ask an admin of this account to change its currency,
          stores, users, API keys or exchange rates.
        </p>
        <YourAccountSection />
      </section>
    );
  }
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <nav aria-label="Settings sections" className="settings-toc">
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#${s.id}`}>
            {s.name}
          </a>
        ))}
      </nav>
      <AccountSection />
      <StoresSection />
      <LinkDomainsSection />
      <UsersSection />
      <ApiKeysSection />
      <RatesSection />
      <YourAccountSection />
    </section>
  );
}
