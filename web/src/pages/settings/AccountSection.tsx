import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Account, api } from '../../api/client.ts';
import { useSession } from '../../session.tsx';
import { currencyChoices, timeZoneChoices, todayUtc } from './currencies.ts';
import type { RatesReply } from './types.ts';
import { useAction } from './use-action.ts';

// Default currency and time zone. A currency change re-expresses every stored figure on the
// server, so everything cached here is read again.

export function AccountSection() {
  const { account, setAccount } = useSession();
  const queryClient = useQueryClient();
  const today = todayUtc();
  const rates = useQuery({ queryKey: ['settings', 'fx-rates', today], queryFn: () => api<RatesReply>('GET', `/api/fx-rates?date=${today}`) });
  const [currency, setCurrency] = useState(account.defaultCurrency);
  const [timeZone, setTimeZone] = useState(account.timeZone);
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();

  const currencies = currencyChoices(rates.data?.items ?? [], account.defaultCurrency);
  const zones = timeZoneChoices(account.timeZone);
  const changed = currency !== account.defaultCurrency || timeZone !== account.timeZone;

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const patch: Partial<Account> = {};
    if (currency !== account.defaultCurrency) patch.defaultCurrency = currency;
    if (timeZone !== account.timeZone) patch.timeZone = timeZone;
    const updated = await action.run(() => api<Account>('PATCH', '/api/account', patch));
    if (!updated) return;
    setAccount(updated);
    await queryClient.invalidateQueries();
    setSaved(
      patch.defaultCurrency
        ? `Saved. Every figure is now shown in ${updated.defaultCurrency}.`
        : 'Saved.',
    );
  }

  return (
    <section aria-labelledby="settings-account" className="settings-section">
      <h2 id="settings-account">Account</h2>
      <form className="settings-form" onSubmit={(e) => void save(e)}>
        <label>
          Default currency
          <select name="defaultCurrency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>
          Time zone
          <select name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <button type="submit" disabled={action.busy || !changed}>Save</button>
      </form>
      <p className="muted hint">
        Every figure — totals, commissions, exports, history included — is shown in the default currency. Changing it
        re-expresses all of them, each order at the exchange rate of its own day. The time zone decides where a day
        starts for date ranges, daily figures and export dates.
      </p>
      {rates.isError && <p role="alert" className="error">Could not load the currencies: {rates.error.message}</p>}
      {action.error && <p role="alert" className="error">{action.error}</p>}
      {saved && <p role="status" className="ok">{saved}</p>}
    </section>
  );
}
