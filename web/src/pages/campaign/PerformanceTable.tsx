import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { AmountsDue, Money, Performance } from '../../api/types.ts';
import { formatCount, formatMoney, formatRate } from '../../ui/format.ts';
import { Link } from '../../ui/router.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';

// The campaign's creators: orders, sales, commission, link clicks and orders per click each,
// with the totals below, and what each is owed now for this campaign's orders (its amounts due:
// payable commission and the clawbacks of its orders; bonuses and deductions belong to no campaign).

type Row = Performance['creators'][number] & { amountDue: Money | null };

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Row>();
const columns = helper.columns([
  helper.accessor('name', {
    header: 'Creator',
    cell: (info) => <Link href={`/creators/${info.row.original.creatorId}`}>{info.getValue()}</Link>,
  }),
  helper.accessor('orders', { header: 'Orders', cell: (info) => formatCount(info.getValue()) }),
  helper.accessor('sales', { header: 'Sales', cell: (info) => formatMoney(info.getValue()) }),
  helper.accessor('commission', { header: 'Commission', cell: (info) => formatMoney(info.getValue()) }),
  helper.accessor('clicks', { header: 'Clicks', cell: (info) => formatCount(info.getValue()) }),
  helper.accessor('conversionRate', { header: 'Conversion rate', cell: (info) => formatRate(info.getValue()) }),
  helper.accessor('amountDue', {
    header: 'Amount due',
    cell: (info) => {
      const value = info.getValue();
      return value ? <span className={value.value.startsWith('-') ? 'negative' : undefined}>{formatMoney(value)}</span> : '…';
    },
  }),
]);
const numeric = new Set(['orders', 'sales', 'commission', 'clicks', 'conversionRate', 'amountDue']);

/** `due` is the campaign's amounts due; a creator it does not list is owed nothing for the campaign. */
export function PerformanceTable({ performance, due }: { performance: Performance; due: AmountsDue | undefined }) {
  const data = useMemo<Row[]>(() => {
    const owed = new Map(due?.creators.map((c) => [c.creatorId, c.amountDue]));
    const nothing = due && { value: '0', currency: due.currency };
    return performance.creators.map((c) => ({ ...c, amountDue: owed.get(c.creatorId) ?? nothing ?? null }));
  }, [performance, due]);
  const table = useTable({ features, columns, data, getRowId: (row) => row.creatorId });
  return (
    <TableScroll label="Creator performance table">
      <table aria-label="Creator performance">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={numeric.has(header.column.id) ? 'num' : undefined}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-creator-id={row.original.creatorId}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className={numeric.has(cell.column.id) ? 'num' : undefined} data-column={cell.column.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
          {performance.creators.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="muted">
                No creators in this campaign.
              </td>
            </tr>
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num">{formatCount(performance.totals.orders)}</td>
            <td className="num">{formatMoney(performance.totals.sales)}</td>
            <td className="num" data-testid="total-commission">
              {formatMoney(performance.totals.commission)}
            </td>
            <td className="num">{formatCount(performance.totals.clicks)}</td>
            <td className="num">{formatRate(performance.totals.conversionRate)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}
