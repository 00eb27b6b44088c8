import { useMutation } from '@tanstack/react-query';
import {
  createColumnHelper,
  type RowSelectionState,
  rowSelectionFeature,
  tableFeatures,
  type Updater,
  useTable,
} from '@tanstack/react-table';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useConversions } from '../../api/conversions.ts';
import { useRecentlyChanged } from '../../api/live.ts';
import type { Conversion } from '../../api/types.ts';
import { DownloadLink } from '../../ui/DownloadLink.tsx';
import { downloadChecked, postForDownload } from '../../ui/download.ts';
import { formatMoney } from '../../ui/format.ts';
import { Link } from '../../ui/router.tsx';
import { ApprovalBadge, StatusBadge } from '../../ui/StatusBadge.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { ApprovalButton } from './ApprovalButton.tsx';
import { OrdersFilters } from './OrdersFilters.tsx';
import { exportMatchingUrl, filterQuery, isFiltered, NO_FILTER, type OrdersFilter } from './orders-filter.ts';
import {
  ALL_MATCHING,
  allLoadedTicked,
  fromTicks,
  isEmpty,
  NOTHING_SELECTED,
  type Selection,
  selectedIds,
  tickedRows,
} from './selection.ts';
import './orders.css';

// The campaign's conversions, newest first, fetched a page at a time ("Load more") with the
// filters applied by the server. Members and admins can select rows — one, the loaded page, or
// every order matching the filters without loading them — and export them as CSV.

const features = tableFeatures({ rowSelectionFeature });
const helper = createColumnHelper<typeof features, Conversion>();
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const money = (m: Conversion['amount'] | null) => (m ? formatMoney(m) : '—');
const count = new Intl.NumberFormat();

function makeColumns(canReview: boolean, canExport: boolean, announce: (message: string) => void) {
  const select = helper.display({
    id: 'select',
    header: ({ table }) => (
      <Checkbox
        label="Select all loaded orders"
        checked={table.getIsAllPageRowsSelected()}
        indeterminate={table.getIsSomePageRowsSelected()}
        onChange={table.getToggleAllPageRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <Checkbox
        label={`Select order ${row.original.orderNumber}`}
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
  });
  return helper.columns([
    ...(canExport ? [select] : []),
    helper.accessor('orderDate', { header: 'Date', cell: (info) => dateFormat.format(new Date(info.getValue())) }),
    helper.accessor('orderNumber', { header: 'Order' }),
    helper.accessor('creatorName', {
      header: 'Creator',
      cell: (info) => <Link href={`/creators/${info.row.original.creatorId}`}>{info.getValue()}</Link>,
    }),
    helper.accessor((c) => `${c.via.type === 'code' ? 'Code' : 'Link'} ${c.via.value}`, { id: 'via', header: 'Code or link' }),
    helper.accessor('status', { header: 'Status', cell: (info) => <StatusBadge status={info.getValue()} /> }),
    helper.accessor('amount', { header: 'Amount', cell: (info) => money(info.getValue()) }),
    helper.accessor('converted', {
      header: 'Converted',
      cell: (info) => (info.row.original.fxMissing ? 'No rate yet' : money(info.getValue())),
    }),
    helper.accessor('commission', { header: 'Commission', cell: (info) => money(info.getValue()) }),
    helper.display({
      id: 'approval',
      header: 'Conversion Approval',
      cell: (info) => (
        <span className="approval">
          <ApprovalBadge approval={info.row.original.approval} />
          {canReview && <ApprovalButton conversion={info.row.original} onDone={announce} />}
        </span>
      ),
    }),
  ]);
}
const numeric = new Set(['amount', 'converted', 'commission']);

/**
 * `canReview`: may reject / undo. `canExport`: may select and export rows; members and admins
 * may do both (viewers neither), so it follows `canReview` unless given.
 */
export function OrdersTable({
  campaignId,
  canReview,
  canExport = canReview,
}: {
  campaignId: string;
  canReview: boolean;
  canExport?: boolean;
}) {
  const [filter, setFilter] = useState<OrdersFilter>(NO_FILTER);
  const [selection, setSelection] = useState<Selection>(NOTHING_SELECTED);
  const [announcement, setAnnouncement] = useState('');
  const pages = useConversions(campaignId, filterQuery(filter));
  const columns = useMemo(() => makeColumns(canReview, canExport, setAnnouncement), [canReview, canExport]);
  const data = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const loadedIds = useMemo(() => data.map((c) => c.id), [data]);
  const rowSelection = useMemo(() => tickedRows(selection, loadedIds), [selection, loadedIds]);
  const table = useTable({
    features,
    columns,
    data,
    getRowId: (row) => row.id,
    enableRowSelection: canExport,
    state: { rowSelection },
    onRowSelectionChange: (updater: Updater<RowSelectionState>) =>
      setSelection(fromTicks(typeof updater === 'function' ? updater(rowSelection) : updater)),
  });

  const changeFilter = (next: OrdersFilter) => {
    setFilter(next);
    setSelection(NOTHING_SELECTED);
  };

  return (
    <div className="orders">
      <OrdersFilters campaignId={campaignId} value={filter} onChange={changeFilter} />
      {canExport && (
        <SelectionBar
          campaignId={campaignId}
          filter={filter}
          selection={selection}
          loadedCount={data.length}
          allLoaded={!pages.hasNextPage}
          pageTicked={allLoadedTicked(selection, loadedIds)}
          onSelect={setSelection}
        />
      )}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
      {pages.isPending ? (
        <p role="status">Loading orders…</p>
      ) : pages.isError ? (
        <p role="alert" className="error">
          {pages.error.message}
        </p>
      ) : (
        <>
          <TableScroll label="Orders table">
            <table aria-label="Orders">
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => (
                      <th
                        key={header.id}
                        scope="col"
                        className={numeric.has(header.column.id) ? 'num' : header.column.id === 'select' ? 'select' : undefined}
                      >
                        {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <OrderRow key={row.id} conversion={row.original} selected={row.getIsSelected()}>
                    {row.getAllCells().map((cell) => (
                      <td
                        key={cell.id}
                        className={numeric.has(cell.column.id) ? 'num' : cell.column.id === 'select' ? 'select' : undefined}
                        data-column={cell.column.id}
                      >
                        <table.FlexRender cell={cell} />
                      </td>
                    ))}
                  </OrderRow>
                ))}
                {data.length === 0 && (
                  <tr>
                    <td colSpan={columns.length} className="muted empty">
                      {isFiltered(filter) ? (
                        <>
                          No orders match these filters.{' '}
                          <button type="button" className="link" onClick={() => changeFilter(NO_FILTER)}>
                            Clear filters
                          </button>
                        </>
                      ) : (
                        'No orders yet.'
                      )}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </TableScroll>
          {pages.hasNextPage && (
            <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
              {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** The count of the selection, the "select all matching" banner, and the export buttons. */
function SelectionBar(props: {
  campaignId: string;
  filter: OrdersFilter;
  selection: Selection;
  loadedCount: number;
  allLoaded: boolean;
  pageTicked: boolean;
  onSelect: (selection: Selection) => void;
}) {
  const { campaignId, filter, selection, loadedCount, allLoaded, pageTicked, onSelect } = props;
  const matchingUrl = exportMatchingUrl(campaignId, filter);
  const exportSelected = useMutation({
    mutationFn: async () => {
      if (selection.kind === 'matching') return downloadChecked(matchingUrl);
      await postForDownload(`/api/campaigns/${campaignId}/conversions/export`, { ids: selectedIds(selection) }, 'conversions-selected.csv');
    },
  });
  // A new choice makes an old failure irrelevant.
  const { reset } = exportSelected;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection and the filter are what the effect waits for
  useEffect(() => reset(), [selection, filter, reset]);

  const ids = selectedIds(selection);
  const summary =
    selection.kind === 'matching'
      ? allLoaded
        ? `All ${count.format(loadedCount)} matching orders selected`
        : 'All matching orders selected'
      : `${count.format(ids.length)} selected`;

  return (
    <div className="selection-bar">
      <div className="selection-actions">
        <span className="selection-count" role="status" aria-live="polite">
          {summary}
        </span>
        <button type="button" className="small" disabled={isEmpty(selection)} onClick={() => onSelect(NOTHING_SELECTED)}>
          Clear selection
        </button>
        <button type="button" disabled={isEmpty(selection) || exportSelected.isPending} onClick={() => exportSelected.mutate()}>
          {exportSelected.isPending ? 'Exporting…' : 'Export selected'}
        </button>
        <DownloadLink className="button secondary" href={matchingUrl} failure="Export failed">
          Export all matching
        </DownloadLink>
      </div>
      {selection.kind === 'rows' && pageTicked && (
        <p className="selection-banner">
          All {count.format(loadedCount)} loaded rows are selected.{' '}
          <button type="button" className="link" onClick={() => onSelect(ALL_MATCHING)}>
            Select all orders matching these filters
          </button>
        </p>
      )}
      {selection.kind === 'matching' && (
        <p className="selection-banner">
          {allLoaded
            ? `All ${count.format(loadedCount)} orders matching these filters are selected.`
            : `All orders matching these filters are selected, beyond the ${count.format(loadedCount)} loaded.`}{' '}
          <button type="button" className="link" onClick={() => onSelect(NOTHING_SELECTED)}>
            Clear selection
          </button>
        </p>
      )}
      {exportSelected.isError && (
        <p role="alert" className="error">
          Export failed: {exportSelected.error.message}
        </p>
      )}
    </div>
  );
}

/** A checkbox that can show "some selected" (indeterminate, which only a DOM property sets). */
function Checkbox({
  label,
  checked,
  indeterminate = false,
  onChange,
}: {
  label: string;
  checked: boolean;
  indeterminate?: boolean;
  onChange: (event: unknown) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate && !checked;
  }, [indeterminate, checked]);
  return <input ref={ref} type="checkbox" aria-label={label} checked={checked} onChange={onChange} />;
}

/** A row of the Orders table, marked for a moment when it changed elsewhere. */
function OrderRow({ conversion, selected, children }: { conversion: Conversion; selected: boolean; children: ReactNode }) {
  const live = useRecentlyChanged(conversion.id);
  const classes = [conversion.approval === 'rejected' ? 'rejected' : '', live ? 'live' : '', selected ? 'selected' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr data-conversion-id={conversion.id} data-live={live ? 'true' : undefined} className={classes || undefined}>
      {children}
    </tr>
  );
}
