import { Fragment, useState } from 'react';
import { type PayoutsFilter, useCancelPayout, usePayoutsPage } from '../../api/payouts.ts';
import type { Payout } from '../../api/types.ts';
import { formatMoney } from '../../ui/format.ts';
import { Pager, useCursorPages } from '../../ui/Pager.tsx';
import { Link } from '../../ui/router.tsx';
import { PayoutStatusBadge } from '../../ui/StatusBadge.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { MarkPaidForm } from './MarkPaidForm.tsx';
import { PayoutLines } from './PayoutLines.tsx';

// Payouts, newest first, a page at a time from the server (a brand paying 50,000 creators a
// month has more than a screen can hold): each opens to its lines; admins mark a pending one
// paid or cancel it (what it paid is then in the amount due again). Give it a `key` naming
// its filter, so that a new filter starts again at the first page.

const PAGE_SIZE = 50;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const METHOD = { paypal: 'PayPal', bank: 'Bank transfer', other: 'Other' } as const;

type Open = { id: string; panel: 'lines' | 'paid' | 'cancel' } | null;

export function PayoutsTable({ filter, canEdit, label }: { filter: PayoutsFilter; canEdit: boolean; label: string }) {
  const [open, setOpen] = useState<Open>(null);
  const pages = useCursorPages();
  const payouts = usePayoutsPage(filter, PAGE_SIZE, pages.cursor);
  const columns = 8;
  const toggle = (id: string, panel: NonNullable<Open>['panel']) =>
    setOpen((o) => (o?.id === id && o.panel === panel ? null : { id, panel }));

  if (payouts.isPending) return <p role="status">Loading…</p>;
  if (payouts.isError) {
    return (
      <p role="alert" className="error">
        Could not load the payouts: {payouts.error.message}
      </p>
    );
  }
  const { items: rows, nextCursor } = payouts.data;
  const { page } = pages;
  const turn = (to: number) => pages.turn(to, nextCursor, payouts.isPlaceholderData);

  return (
    <>
      <TableScroll label={`${label} table`}>
        <table aria-label={label} aria-busy={payouts.isPlaceholderData}>
          <thead>
            <tr>
              <th scope="col">Creator</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Paid on</th>
              <th scope="col">Method</th>
              <th scope="col">Reference</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <Fragment key={p.id}>
                <tr data-payout-id={p.id}>
                  <th scope="row">
                    <Link href={`/creators/${p.creatorId}`}>{p.creatorName}</Link>
                  </th>
                  <td className="num" data-column="amount">
                    {formatMoney(p.amount)}
                  </td>
                  <td data-column="status">
                    <PayoutStatusBadge status={p.status} />
                  </td>
                  <td>{dateFormat.format(new Date(p.createdAt))}</td>
                  <td data-column="paidAt">{p.paidAt ? dateFormat.format(new Date(p.paidAt)) : '—'}</td>
                  <td data-column="method">{p.method ? METHOD[p.method] : '—'}</td>
                  <td data-column="reference">{p.reference ?? '—'}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="small"
                      aria-expanded={open?.id === p.id && open.panel === 'lines'}
                      onClick={() => toggle(p.id, 'lines')}
                    >
                      Lines
                    </button>
                    {canEdit && p.status === 'pending' && (
                      <>
                        <button
                          type="button"
                          className="small"
                          aria-expanded={open?.id === p.id && open.panel === 'paid'}
                          onClick={() => toggle(p.id, 'paid')}
                        >
                          Mark paid
                        </button>
                        <button
                          type="button"
                          className="small"
                          aria-expanded={open?.id === p.id && open.panel === 'cancel'}
                          onClick={() => toggle(p.id, 'cancel')}
                        >
                          Cancel
                        </button>
                      </>
                    )}
                  </td>
                </tr>
                {open?.id === p.id && (
                  <tr className="payout-detail">
                    <td colSpan={columns}>
                      {open.panel === 'lines' && <PayoutLines payoutId={p.id} />}
                      {open.panel === 'paid' && <MarkPaidForm payout={p} onDone={() => setOpen(null)} />}
                      {open.panel === 'cancel' && <ConfirmCancel payout={p} onDone={() => setOpen(null)} />}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns} className="muted">
                  No payouts.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pager label={`${label} pages`} page={page} more={nextCursor !== null} first={page * PAGE_SIZE} shown={rows.length} onPage={turn} />
    </>
  );
}

function ConfirmCancel({ payout, onDone }: { payout: Payout; onDone: () => void }) {
  const cancel = useCancelPayout(payout.id);
  return (
    // biome-ignore lint/a11y/useSemanticElements: an inline confirmation under a row, not a form
    <div role="group" aria-label={`Confirm canceling the payout to ${payout.creatorName}`} className="actions">
      <span>
        Cancel this payout of {formatMoney(payout.amount)}? What it pays goes back into {payout.creatorName}'s amount due.
      </span>
      <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate(undefined, { onSuccess: onDone })}>
        Cancel payout
      </button>
      <button type="button" className="link" onClick={onDone}>
        Keep it
      </button>
      {cancel.isError && (
        <p role="alert" className="error">
          Could not cancel: {cancel.error.message}
        </p>
      )}
    </div>
  );
}
