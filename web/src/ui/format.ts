// Display of money, shared by the app and its browser test so both format alike.

export interface MoneyLike {
  value: string;
  currency: string;
}

/** An amount in its currency, e.g. "€1,234.50"; the decimal string is formatted exactly, never through a float. */
export function formatMoney(money: MoneyLike, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
  return format.format(money.value as Intl.StringNumericLiteral);
}

/** A count, e.g. "1,204". */
export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A rounded amount for chart axes, e.g. "€8K". */
export function formatMoneyCompact(value: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A ratio given as a decimal string ("0.2500") as a percentage, e.g. "25.0%"; "—" when absent. */
export function formatRate(rate: string | null, locale?: string): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    rate as Intl.StringNumericLiteral,
  );
}
