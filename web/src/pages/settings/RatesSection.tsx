import { type FormEvent, useRef, useState } from 'react';
import { useAddRate, useImportRates, useRates } from '../../api/settings.ts';
import type { ImportReply } from '../../api/types.ts';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { todayUtc } from './currencies.ts';

// Exchange rates: what is in effect on a day (the ECB's, or this account's own), a rate for a
// currency the ECB does not publish, and an ECB file to import. New rates refigure the
// conversions they affect on the server, so every cached figure is read again afterwards.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function RatesTable() {
  const [date, setDate] = useState(todayUtc());
  const valid = DAY.test(date);
  const rates = useRates(date, valid);
  return (
    <>
      <label className="inline">
        Rates in effect on
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </label>
      {!valid && (
        <p role="alert" className="error">
          Choose a day to see its rates.
        </p>
      )}
      {valid && rates.isPending && <p role="status">Loading…</p>}
      {rates.isError && (
        <p role="alert" className="error">
          {rates.error.message}
        </p>
      )}
      {valid && rates.data && rates.data.items.length === 0 && <p className="muted">No rates are known on or before {rates.data.date}.</p>}
      {valid && rates.data && rates.data.items.length > 0 && (
        <TableScroll label="Exchange rates table" className="rates-table">
          <table aria-label="Exchange rates">
            <thead>
              <tr>
                <th scope="col">Currency</th>
                <th scope="col" className="num">
                  Per 1 EUR
                </th>
                <th scope="col">Since</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rates.data.items.map((r) => (
                <tr key={r.currency} data-currency={r.currency}>
                  <th scope="row">{r.currency}</th>
                  <td className="num" data-column="perEur">
                    {r.perEur}
                  </td>
                  <td>{r.day}</td>
                  <td>{r.source === 'ecb' ? 'ECB' : 'This account'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

function AddRate() {
  const [currency, setCurrency] = useState('');
  const [date, setDate] = useState(todayUtc());
  const [perEur, setPerEur] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const action = useAddRate();

  function add(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    action.mutate(
      { currency: currency.trim().toUpperCase(), date, perEur: perEur.trim() },
      {
        onSuccess: (rate) => {
          setCurrency('');
          setPerEur('');
          setAdded(
            `Added 1 EUR = ${rate.perEur} ${rate.currency} from ${rate.date}; ${rate.refigured} ${rate.refigured === 1 ? 'conversion' : 'conversions'} refigured.`,
          );
        },
      },
    );
  }

  return (
    <form className="settings-form" onSubmit={add} aria-labelledby="add-rate">
      <h3 id="add-rate" className="form-title">
        Add a rate
      </h3>
      <label>
        Rate currency
        <input
          name="currency"
          value={currency}
          onChange={(e) => setCurrency(e.target.value)}
          required
          pattern="[A-Za-z]{3}"
          maxLength={3}
          placeholder="NGN"
          className="code-input"
        />
      </label>
      <label>
        Rate date
        <input name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </label>
      <label>
        Units per 1 EUR
        <input
          name="perEur"
          value={perEur}
          onChange={(e) => setPerEur(e.target.value)}
          required
          inputMode="decimal"
          pattern="[0-9]+(\.[0-9]+)?"
          placeholder="1600.00"
        />
      </label>
      <button type="submit" disabled={action.isPending}>
        Add rate
      </button>
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
      <p role="status" className="ok">
        {added}
      </p>
    </form>
  );
}

function ImportFile() {
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<ImportReply | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useImportRates();
  const error = invalid ?? action.error?.message;

  function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    action.reset();
    const file = input.current?.files?.[0];
    setInvalid(file ? null : 'Choose an ECB file first.');
    if (!file) return;
    action.mutate(file, {
      onSuccess: (reply) => {
        setResult(reply);
        if (input.current) input.current.value = '';
      },
    });
  }

  return (
    <form className="settings-form" onSubmit={submit} aria-labelledby="import-rates">
      <h3 id="import-rates" className="form-title">
        Import an ECB file
      </h3>
      <label>
        ECB reference-rate file
        <input
          ref={input}
          name="file"
          type="file"
          accept=".zip,.csv,.xml,application/zip,text/csv,application/xml,text/xml"
          aria-describedby="import-hint"
        />
        <span id="import-hint" className="muted small-text">
          eurofxref-hist.zip, eurofxref.zip or their CSV, or eurofxref-daily.xml, as downloaded from the European Central Bank.
        </span>
      </label>
      <button type="submit" disabled={action.isPending}>
        {action.isPending ? 'Importing…' : 'Import'}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" className="ok" data-testid="import-result">
        {result &&
          `Imported ${result.rates} ${result.rates === 1 ? 'rate' : 'rates'} for ${result.currencies.length} ${result.currencies.length === 1 ? 'currency' : 'currencies'}, ` +
            `${result.from === result.to ? `on ${result.from}` : `from ${result.from} to ${result.to}`}; ` +
            `${result.refigured} ${result.refigured === 1 ? 'conversion' : 'conversions'} refigured.`}
      </p>
    </form>
  );
}

export function RatesSection() {
  return (
    <section aria-labelledby="settings-rates" className="settings-section">
      <h2 id="settings-rates">Exchange rates</h2>
      <p className="muted hint">
        Figures convert at the European Central Bank's reference rate of each order's day (or the last one published before it). Rates added
        or imported here belong to this account only.
      </p>
      <RatesTable />
      <div className="settings-columns">
        <AddRate />
        <ImportFile />
      </div>
    </section>
  );
}
