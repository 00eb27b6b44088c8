import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import type { Performance } from '../../api/types.ts';
import { formatCount, formatMoney, formatRate } from '../../ui/format.ts';
import { TableScroll } from '../../ui/TableScroll.tsx';

// The campaign's creators: orders, sales, commission, link clicks and orders per click each,
// with the totals below.

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Performance['creators'][number]>();
const columns = helper.columns([
  helper.accessor('name', { header: 'Creator' }),
  helper.accessor('orders', { header: 'Orders', cell: (info) => formatCount(info.getValue()) }),
  helper.accessor('sales', { header: 'Sales', cell: (info) => formatMoney(info.getValue()) }),
  helper.accessor('commission', { header: 'Commission', cell: (info) => formatMoney(info.getValue()) }),
  helper.accessor('clicks', { header: 'Clicks', cell: (info) => formatCount(info.getValue()) }),
  helper.accessor('conversionRate', { header: 'Conversion rate', cell: (info) => formatRate(info.getValue()) }),
]);
const numeric = new Set(['orders', 'sales', 'commission', 'clicks', 'conversionRate']);

export function PerformanceTable({ performance }: { performance: Performance }) {
  const table = useTable({ features, columns, data: performance.creators, getRowId: (row) => row.creatorId });
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
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}
