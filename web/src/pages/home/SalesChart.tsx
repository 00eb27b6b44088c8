import { useId } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Money } from '../../api/types.ts';
import { formatMoney, formatMoneyCompact } from '../../ui/format.ts';

// Sales per day of the range, in the account's currency. Its text alternative, for screen
// readers: a summary (the range and its best day) and a table of every day's figure.

export function SalesChart({ series, currency }: { series: Array<{ date: string; sales: Money }>; currency: string }) {
  const id = useId();
  const first = series[0];
  const last = series.at(-1);
  if (!first || !last) return <p className="muted">No sales in this range.</p>;
  const data = series.map((point) => ({ date: point.date, sales: Number(point.sales.value), label: formatMoney(point.sales) }));
  // The first of the highest days; comparing as numbers only chooses the day, nothing is shown from it.
  const best = series.reduce((top, point) => (Number(point.sales.value) > Number(top.sales.value) ? point : top), first);
  return (
    <figure className="chart" aria-label="Sales over time" aria-describedby={`${id}-summary`}>
      <p id={`${id}-summary`} className="visually-hidden" data-testid="chart-summary">
        Sales per day from {first.date} to {last.date}; the highest, {formatMoney(best.sales)}, on {best.date}. The table after the chart
        lists every day.
      </p>
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" minTickGap={24} />
          <YAxis width={64} tickFormatter={(v: number) => formatMoneyCompact(v, currency)} />
          <Tooltip formatter={(_value, _name, item) => [(item.payload as { label: string }).label, 'Sales']} />
          <Area type="monotone" dataKey="sales" name="Sales" stroke="#3b5bdb" fill="#dbe4ff" isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
      <table className="visually-hidden" aria-label="Sales per day">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Sales</th>
          </tr>
        </thead>
        <tbody>
          {data.map((point) => (
            <tr key={point.date}>
              <th scope="row">{point.date}</th>
              <td>{point.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
