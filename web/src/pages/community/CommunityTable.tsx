import { useRemoveCreator } from '../../api/creators.ts';
import type { Community, CommunityCreator, CommunitySort } from '../../api/types.ts';
import { focusById } from '../../ui/focus-by-id.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';
import { Link } from '../../ui/router.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { PortalLinkControl } from '../portal/PortalLinkControl.tsx';
import { PaypalEmailEditor } from './PaypalEmailEditor.tsx';

// The Community's creators and their figures, as far as the pages loaded so far reach. The
// server sorts and pages (GET /api/community); the column headers choose the sort and the
// totals row is the server's sum of every matching creator, loaded or not.

const SORTABLE: Array<{ sort: CommunitySort; label: string; numeric: boolean }> = [
  { sort: 'name', label: 'Creator', numeric: false },
  { sort: 'orders', label: 'Orders', numeric: true },
  { sort: 'sales', label: 'Sales', numeric: true },
  { sort: 'commission', label: 'Commission', numeric: true },
];

export interface CommunityTableProps {
  creators: CommunityCreator[];
  count: number;
  totals: Community['totals'];
  sort: CommunitySort;
  onSort: (sort: CommunitySort) => void;
  searching: boolean;
  canEdit: boolean;
}

export function CommunityTable({ creators, count, totals, sort, onSort, searching, canEdit }: CommunityTableProps) {
  const columns = canEdit ? 6 : 5;
  return (
    <TableScroll label="Community table">
      <table aria-label="Community">
        <thead>
          <tr>
            {SORTABLE.map((c) => (
              <th
                key={c.sort}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={c.sort === sort ? (c.numeric ? 'descending' : 'ascending') : undefined}
              >
                <button type="button" className="sort" onClick={() => onSort(c.sort)}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {c.sort === sort ? (c.numeric ? ' ▼' : ' ▲') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col" className="num">
              Clicks
            </th>
            {canEdit && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {creators.map((c) => (
            <tr key={c.creatorId} data-creator-id={c.creatorId}>
              <th scope="row">
                <Link href={`/creators/${c.creatorId}`}>{c.name}</Link>
              </th>
              <td className="num" data-column="orders">
                {formatCount(c.orders)}
              </td>
              <td className="num" data-column="sales">
                {formatMoney(c.sales)}
              </td>
              <td className="num" data-column="commission">
                {formatMoney(c.commission)}
              </td>
              <td className="num" data-column="clicks">
                {formatCount(c.clicks)}
              </td>
              {canEdit && (
                <td>
                  <div className="row-actions">
                    <RemoveCreatorButton creator={c} />
                    <PaypalEmailEditor creatorId={c.creatorId} creatorName={c.name} />
                    <PortalLinkControl creatorId={c.creatorId} creatorName={c.name} />
                  </div>
                </td>
              )}
            </tr>
          ))}
          {creators.length === 0 && (
            <tr>
              <td colSpan={columns} className="muted">
                {searching ? 'No creator matches the search.' : `No creators in the Community yet.${canEdit ? ' Add one above.' : ''}`}
              </td>
            </tr>
          )}
        </tbody>
        {count > 0 && (
          <tfoot>
            <tr className="totals">
              <th scope="row">
                Total · {formatCount(count)} {count === 1 ? 'creator' : 'creators'}
              </th>
              <td className="num" data-column="orders">
                {formatCount(totals.orders)}
              </td>
              <td className="num" data-column="sales">
                {formatMoney(totals.sales)}
              </td>
              <td className="num" data-column="commission">
                {formatMoney(totals.commission)}
              </td>
              <td className="num" data-column="clicks">
                {formatCount(totals.clicks)}
              </td>
              {canEdit && <td />}
            </tr>
          </tfoot>
        )}
      </table>
    </TableScroll>
  );
}

function RemoveCreatorButton({ creator }: { creator: CommunityCreator }) {
  const remove = useRemoveCreator(creator.creatorId, () => focusById(`restore-creator-${creator.creatorId}`));
  return (
    <>
      <button
        id={`remove-creator-${creator.creatorId}`}
        type="button"
        className="small danger"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
      >
        Remove {creator.name}
      </button>
      {remove.isError && (
        <span role="alert" className="error">
          {' '}
          {remove.error.message}
        </span>
      )}
    </>
  );
}
