import { type FormEvent, useState } from 'react';
import { useRates, useUpdateAccount } from '../../api/settings.ts';
import { useSession } from '../../session.tsx';
import { currencyChoices, timeZoneChoices, todayUtc } from './currencies.ts';

// Default currency and time zone. A currency change re-expresses every stored figure on the
// server, so everything cached here is read again.

export function AccountSection() {
  const { account, setAccount } = useSession();
  const rates = useRates(todayUtc());
  const [currency, setCurrency] = useState(account.defaultCurrency);
  const [timeZone, setTimeZone] = useState(account.timeZone);
  const [saved, setSaved] = useState<string | null>(null);
  const update = useUpdateAccount();

  const currencies = currencyChoices(rates.data?.items ?? [], account.defaultCurrency);
  const zones = timeZoneChoices(account.timeZone);
  const changed = currency !== account.defaultCurrency || timeZone !== account.timeZone;

  function save(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const patch: { defaultCurrency?: string; timeZone?: string } = {};
    if (currency !== account.defaultCurrency) patch.defaultCurrency = currency;
    if (timeZone !== account.timeZone) patch.timeZone = timeZone;
    update.mutate(patch, {
      onSuccess: (updated) => {
        setAccount(updated);
        setSaved(patch.defaultCurrency ? `Saved. Every figure is now shown in ${updated.defaultCurrency}.` : 'Saved.');
      },
    });
  }

  return (
    <section aria-labelledby="settings-account" className="settings-section">
      <h2 id="settings-account">Account</h2>
      <form className="settings-form" onSubmit={save}>
        <label>
          Default currency
          <select name="defaultCurrency" value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time zone
          <select name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={update.isPending || !changed}>
          Save
        </button>
      </form>
      <p className="muted hint">
        Every figure — totals, commissions, exports, history included — is shown in the default currency. Changing it re-expresses all of
        them, each order at the exchange rate of its own day. The time zone decides where a day starts for date ranges, daily figures and
        export dates.
      </p>
      {rates.isError && (
        <p role="alert" className="error">
          Could not load the currencies: {rates.error.message}
        </p>
      )}
      {update.isError && (
        <p role="alert" className="error">
          {update.error.message}
        </p>
      )}
      {saved && (
        <p role="status" className="ok">
          {saved}
        </p>
      )}
    </section>
  );
}
