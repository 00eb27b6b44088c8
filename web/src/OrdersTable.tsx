import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { type ReactNode, useMemo } from 'react';
import { api, type Conversion, type ConversionPage } from './api.ts';
import { ApprovalButton } from './ApprovalButton.tsx';
import { formatMoney } from './format.ts';
import { useRecentlyChanged } from './live.ts';
import { ApprovalBadge, StatusBadge } from './StatusBadge.tsx';

// The campaign's conversions, newest first, fetched a page at a time ("Load more").

const PAGE_SIZE = 50;
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Conversion>();
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const money = (m: Conversion['amount'] | null) => (m ? formatMoney(m) : '—');

function makeColumns(canReview: boolean) {
  return helper.columns([
    helper.accessor('orderDate', { header: 'Date', cell: (info) => dateFormat.format(new Date(info.getValue())) }),
    helper.accessor('orderNumber', { header: 'Order' }),
    helper.accessor('creatorName', { header: 'Creator' }),
    helper.accessor((c) => `${c.via.type === 'code' ? 'Code' : 'Link'} ${c.via.value}`, { id: 'via', header: 'Code or link' }),
    helper.accessor('status', { header: 'Status', cell: (info) => <StatusBadge status={info.getValue()} /> }),
    helper.accessor('amount', { header: 'Amount', cell: (info) => money(info.getValue()) }),
    helper.accessor('converted', { header: 'Converted', cell: (info) => (info.row.original.fxMissing ? 'No rate yet' : money(info.getValue())) }),
    helper.accessor('commission', { header: 'Commission', cell: (info) => money(info.getValue()) }),
    helper.display({
      id: 'approval',
      header: 'Conversion Approval',
      cell: (info) => (
        <span className="approval">
          <ApprovalBadge approval={info.row.original.approval} />
          {canReview && <ApprovalButton conversion={info.row.original} />}
        </span>
      ),
    }),
  ]);
}
const numeric = new Set(['amount', 'converted', 'commission']);

export function OrdersTable({ campaignId, canReview }: { campaignId: string; canReview: boolean }) {
  const pages = useInfiniteQuery({
    queryKey: ['conversions', campaignId],
    queryFn: ({ pageParam }) =>
      api<ConversionPage>('GET', `/api/campaigns/${campaignId}/conversions?limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const columns = useMemo(() => makeColumns(canReview), [canReview]);
  const data = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const table = useTable({ features, columns, data, getRowId: (row) => row.id });

  if (pages.isPending) return <p role="status">Loading orders…</p>;
  if (pages.isError) return <p role="alert" className="error">{pages.error.message}</p>;
  return (
    <>
      <div className="table-wrap">
        <table aria-label="Orders">
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
              <OrderRow key={row.id} conversion={row.original}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={numeric.has(cell.column.id) ? 'num' : undefined} data-column={cell.column.id}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </OrderRow>
            ))}
            {data.length === 0 && <tr><td colSpan={columns.length} className="muted">No orders yet.</td></tr>}
          </tbody>
        </table>
      </div>
      {pages.hasNextPage && (
        <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

/** A row of the Orders table, marked for a moment when it changed elsewhere. */
function OrderRow({ conversion, children }: { conversion: Conversion; children: ReactNode }) {
  const live = useRecentlyChanged(conversion.id);
  const classes = [conversion.approval === 'rejected' ? 'rejected' : '', live ? 'live' : ''].filter(Boolean).join(' ');
  return (
    <tr data-conversion-id={conversion.id} data-live={live ? 'true' : undefined} className={classes || undefined}>
      {children}
    </tr>
  );
}
