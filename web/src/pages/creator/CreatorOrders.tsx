import { useMemo } from 'react';
import { useCreatorConversions } from '../../api/creator-page.ts';
import { useRecentlyChanged } from '../../api/live.ts';
import type { Conversion } from '../../api/types.ts';
import { formatMoney } from '../../ui/format.ts';
import { Link } from '../../ui/router.tsx';
import { ApprovalBadge, StatusBadge } from '../../ui/StatusBadge.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';

// The creator's orders in every campaign, newest first, 50 at a time ("Load more").

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function CreatorOrders({ creatorId }: { creatorId: string }) {
  const conversions = useCreatorConversions(creatorId);
  const rows = useMemo(() => conversions.data?.pages.flatMap((p) => p.items) ?? [], [conversions.data]);
  if (conversions.isPending) return <p role="status">Loading…</p>;
  if (conversions.isError)
    return (
      <p role="alert" className="error">
        Could not load the orders: {conversions.error.message}
      </p>
    );
  return (
    <>
      <TableScroll label="Creator's orders table">
        <table aria-label="Orders">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Order</th>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Commission
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <OrderRow key={c.id} conversion={c} />
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No orders yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </TableScroll>
      {conversions.hasNextPage && (
        <div className="pager">
          <button type="button" disabled={conversions.isFetchingNextPage} onClick={() => void conversions.fetchNextPage()}>
            Load more
          </button>
        </div>
      )}
    </>
  );
}

function OrderRow({ conversion: c }: { conversion: Conversion }) {
  const live = useRecentlyChanged(c.id);
  const classes = [live && 'live', c.approval === 'rejected' && 'rejected'].filter(Boolean).join(' ');
  return (
    <tr data-conversion-id={c.id} className={classes || undefined}>
      <td>{dateFormat.format(new Date(c.orderDate))}</td>
      <td>{c.orderNumber}</td>
      <td>
        <Link href={`/campaigns/${c.campaignId}`}>{c.campaignName}</Link>
      </td>
      <td data-column="status">
        <span className="approval">
          <StatusBadge status={c.status} />
          {c.approval === 'rejected' && <ApprovalBadge approval={c.approval} />}
        </span>
      </td>
      <td className="num">{formatMoney(c.amount)}</td>
      <td className="num" data-column="commission">
        {c.commission ? formatMoney(c.commission) : '—'}
      </td>
    </tr>
  );
}
