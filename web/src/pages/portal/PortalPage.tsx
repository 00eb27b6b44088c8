import { ApiError } from '../../api/client.ts';
import { usePortal } from '../../api/portal.ts';
import type { Portal, PortalOrder } from '../../api/types.ts';
import { formatMoney } from '../../ui/format.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import './portal.css';

// A creator's own page (/portal/{token}): opened from the link a brand sends, without signing
// in. It shows the creator's on hold and amount due, their counted orders (newest first, 500 at
// a time) and their payouts, laid out as cards so it reads on a phone. A revoked or unknown link
// says so plainly.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const day = (iso: string) => dateFormat.format(new Date(iso));
const PAYOUT_STATUS: Record<Portal['payouts'][number]['status'], string> = { pending: 'Pending', paid: 'Paid', canceled: 'Canceled' };

export function PortalPage({ token }: { token: string }) {
  const portal = usePortal(token);
  const first = portal.data?.pages[0];
  useDocumentTitle(first ? first.creator.name : 'Your page');

  if (portal.isPending) return <p role="status">Loading…</p>;
  if (portal.isError || !first) {
    const gone = portal.error instanceof ApiError && portal.error.status === 404;
    return (
      <section className="portal" aria-labelledby="portal-title">
        <h1 id="portal-title">{gone ? 'This link is no longer valid' : 'This page could not be loaded'}</h1>
        <p>{gone ? 'Ask the brand for a new link.' : `Try again in a moment. (${portal.error?.message ?? ''})`}</p>
      </section>
    );
  }
  const orders = portal.data.pages.flatMap((p) => p.orders);
  return (
    <section className="portal" aria-labelledby="portal-title">
      <h1 id="portal-title">{first.creator.name}</h1>
      <dl className="portal-figures">
        <div>
          <dt>On hold</dt>
          <dd data-figure="on-hold">{formatMoney(first.onHold)}</dd>
        </div>
        <div>
          <dt>Amount due</dt>
          <dd data-figure="amount-due">{formatMoney(first.amountDue)}</dd>
        </div>
      </dl>

      <h2 id="portal-orders-title">Orders</h2>
      {orders.length === 0 && <p className="muted">No orders yet.</p>}
      <ul className="portal-cards" aria-labelledby="portal-orders-title">
        {orders.map((o) => (
          <OrderCard key={`${o.orderNumber}-${o.orderDate}-${o.campaignName}`} order={o} />
        ))}
      </ul>
      {portal.hasNextPage && (
        <button type="button" className="small" disabled={portal.isFetchingNextPage} onClick={() => void portal.fetchNextPage()}>
          {portal.isFetchingNextPage ? 'Loading…' : 'Show older orders'}
        </button>
      )}

      <h2 id="portal-payouts-title">Payouts</h2>
      {first.payouts.length === 0 && <p className="muted">No payouts yet.</p>}
      <ul className="portal-cards" aria-labelledby="portal-payouts-title">
        {first.payouts.map((p) => (
          <li key={p.id} data-payout-id={p.id}>
            <span className="portal-card-head">
              <strong>{formatMoney(p.amount)}</strong>
              <span className={`badge badge-${p.status}`}>{PAYOUT_STATUS[p.status]}</span>
            </span>
            <span className="muted">
              Authorized {day(p.createdAt)}
              {p.paidAt && ` · paid ${day(p.paidAt)}`}
            </span>
            {p.note && <span>{p.note}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function OrderCard({ order }: { order: PortalOrder }) {
  return (
    <li data-order={order.orderNumber}>
      <span className="portal-card-head">
        <strong>Order {order.orderNumber}</strong>
        <StatusBadge status={order.status} />
      </span>
      <span className="muted">
        {day(order.orderDate)} · {order.campaignName}
      </span>
      <span className="portal-amounts">
        <span>
          Amount <span data-column="amount">{formatMoney(order.amount)}</span>
        </span>
        <span>
          Commission <span data-column="commission">{formatMoney(order.commission)}</span>
        </span>
      </span>
    </li>
  );
}
