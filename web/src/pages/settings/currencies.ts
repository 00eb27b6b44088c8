import type { RatesReply } from '../../api/types.ts';

// The currencies an account can be kept in: EUR (the rates' base), every currency with a rate,
// and the current one. The ECB history still lists retired currencies (CYP, ROL…); a code the
// browser does not know as a currency is left out.

export function currencyChoices(rates: RatesReply['items'], current: string): string[] {
  const known = new Set(Intl.supportedValuesOf('currency'));
  const codes = new Set(['EUR', current]);
  for (const r of rates) if (known.has(r.currency)) codes.add(r.currency);
  return [...codes].sort();
}

/** Every IANA zone the browser knows, with UTC and the current zone always present. */
export function timeZoneChoices(current: string): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  zones.add('UTC');
  zones.add(current);
  return [...zones].sort();
}

/** Today as YYYY-MM-DD in UTC, the day the server's rates default to. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);
