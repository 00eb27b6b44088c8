import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Money } from '../../api/types.ts';
import { formatMoney, formatMoneyCompact } from '../../ui/format.ts';

// Sales per day of the range, in the account's currency.

export function SalesChart({ series, currency }: { series: Array<{ date: string; sales: Money }>; currency: string }) {
  if (series.length === 0) return <p className="muted">No sales in this range.</p>;
  const data = series.map((point) => ({ date: point.date, sales: Number(point.sales.value), label: formatMoney(point.sales) }));
  return (
    <figure className="chart" aria-label="Sales over time">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" minTickGap={24} />
          <YAxis width={64} tickFormatter={(v: number) => formatMoneyCompact(v, currency)} />
          <Tooltip formatter={(_value, _name, item) => [(item.payload as { label: string }).label, 'Sales']} />
          <Area type="monotone" dataKey="sales" name="Sales" stroke="#3b5bdb" fill="#dbe4ff" isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
