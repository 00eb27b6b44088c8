import { type FormEvent, useEffect, useId, useState } from 'react';
import { useAmountsDuePage, useAuthorize } from '../../api/payouts.ts';
import type { AmountsDue, DueCreator } from '../../api/types.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';
import { Pager, useCursorPages } from '../../ui/Pager.tsx';
import { Link } from '../../ui/router.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { type Asked, authorizeMessage } from './authorize-message.ts';

// Each creator's on hold, payable, adjustments and amount due, a page of 100 at a time from the
// server (an account may have 50,000 creators), with the totals of every creator. Admins tick
// creators on any page and authorize their payouts, or everyone's, optionally only at or above
// a minimum.

const PAGE_SIZE = 100;

export function DueTable({ canEdit }: { canEdit: boolean }) {
  const pages = useCursorPages();
  const due = useAmountsDuePage(PAGE_SIZE, pages.cursor);
  // Ticked creators with their row as last seen: they stay ticked from page to page.
  const [ticked, setTicked] = useState<ReadonlyMap<string, DueCreator>>(new Map());
  // A later page emptied meanwhile (its creators paid elsewhere): back to the one before.
  const emptied = due.data !== undefined && !due.isPlaceholderData && due.data.creators.length === 0 && pages.page > 0;
  const { back } = pages;
  useEffect(() => {
    if (emptied) back();
  }, [emptied, back]);

  if (due.isPending) return <p role="status">Loading…</p>;
  if (due.isError) {
    return (
      <p role="alert" className="error">
        Could not load the amounts due: {due.error.message}
      </p>
    );
  }
  const { creators, totals, nextCursor } = due.data;
  const { page } = pages;
  const pageTicked = creators.length > 0 && creators.every((c) => ticked.has(c.creatorId));
  const toggle = (rows: DueCreator[], on: boolean) =>
    setTicked((current) => {
      const next = new Map(current);
      for (const c of rows) {
        if (on) next.set(c.creatorId, c);
        else next.delete(c.creatorId);
      }
      return next;
    });
  const turn = (to: number) => pages.turn(to, nextCursor, due.isPlaceholderData);

  return (
    <>
      {canEdit && <AuthorizeForm due={due.data} ticked={ticked} onDone={() => setTicked(new Map())} />}
      <TableScroll label="Amounts due table">
        <table aria-label="Amounts due" aria-busy={due.isPlaceholderData}>
          <thead>
            <tr>
              {canEdit && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every creator on this page"
                    checked={pageTicked}
                    onChange={(e) => toggle(creators, e.target.checked)}
                  />
                </th>
              )}
              <th scope="col">Creator</th>
              <th scope="col" className="num">
                On hold
              </th>
              <th scope="col" className="num">
                Payable
              </th>
              <th scope="col" className="num">
                Adjustments
              </th>
              <th scope="col" className="num">
                Amount due
              </th>
            </tr>
          </thead>
          <tbody>
            {creators.map((c) => (
              <tr key={c.creatorId} data-creator-id={c.creatorId}>
                {canEdit && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${c.name}`}
                      checked={ticked.has(c.creatorId)}
                      onChange={(e) => toggle([c], e.target.checked)}
                    />
                  </td>
                )}
                <th scope="row">
                  <Link href={`/creators/${c.creatorId}`}>{c.name}</Link>
                </th>
                <td className="num" data-column="onHold">
                  {formatMoney(c.onHold)}
                </td>
                <td className="num" data-column="payable">
                  {formatMoney(c.payable)}
                </td>
                <td className="num" data-column="adjustments">
                  {formatMoney(c.adjustments)}
                </td>
                <MoneyCell column="amountDue" money={c.amountDue} />
              </tr>
            ))}
            {creators.length === 0 && (
              <tr>
                <td colSpan={canEdit ? 6 : 5} className="muted">
                  {totals.creators === 0 ? 'Nothing is owed or on hold.' : 'No creator is left on this page.'}
                </td>
              </tr>
            )}
          </tbody>
          {totals.creators > 0 && (
            <tfoot>
              <tr className="totals" data-testid="due-totals">
                {canEdit && <td />}
                <th scope="row">
                  Total · {formatCount(totals.creators)} {totals.creators === 1 ? 'creator' : 'creators'}
                </th>
                <td className="num" data-column="onHold">
                  {formatMoney(totals.onHold)}
                </td>
                <td className="num" data-column="payable">
                  {formatMoney(totals.payable)}
                </td>
                <td className="num" data-column="adjustments">
                  {formatMoney(totals.adjustments)}
                </td>
                <MoneyCell column="amountDue" money={totals.amountDue} />
              </tr>
            </tfoot>
          )}
        </table>
      </TableScroll>
      <Pager
        label="Amounts due pages"
        page={page}
        more={nextCursor !== null}
        first={page * PAGE_SIZE}
        shown={creators.length}
        count={totals.creators}
        onPage={turn}
      />
    </>
  );
}

function MoneyCell({ column, money }: { column: string; money: DueCreator['amountDue'] }) {
  return (
    <td className={money.value.startsWith('-') ? 'num negative' : 'num'} data-column={column}>
      {formatMoney(money)}
    </td>
  );
}

function AuthorizeForm({ due, ticked, onDone }: { due: AmountsDue; ticked: ReadonlyMap<string, DueCreator>; onDone: () => void }) {
  const minimumId = useId();
  const [minimum, setMinimum] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const authorize = useAuthorize();

  const run = (asked: Asked) => {
    const min = minimum.trim();
    const creatorIds = 'ticked' in asked ? asked.ticked.map((c) => c.creatorId) : undefined;
    setMessage(null);
    authorize.mutate(
      { ...(creatorIds && { creatorIds }), ...(min && { minimum: { value: min, currency: due.currency } }) },
      {
        onSuccess: (reply) => {
          setMessage(authorizeMessage(reply.items, asked, due.currency, min || null));
          onDone();
        },
      },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A ticked creator on the page shown is taken as the page has them now (live updates).
    const shown = new Map(due.creators.map((c) => [c.creatorId, c]));
    run({ ticked: [...ticked.values()].map((c) => shown.get(c.creatorId) ?? c) });
  };

  return (
    <form className="authorize panel" aria-label="Authorize payouts" onSubmit={submit}>
      <label htmlFor={minimumId}>Minimum amount ({due.currency}, optional)</label>
      <input
        id={minimumId}
        inputMode="decimal"
        value={minimum}
        placeholder="0.00"
        autoComplete="off"
        onChange={(e) => setMinimum(e.target.value)}
      />
      <div className="actions">
        <button type="submit" disabled={authorize.isPending || ticked.size === 0}>
          Authorize selected{ticked.size > 0 ? ` (${formatCount(ticked.size)})` : ''}
        </button>
        <button
          type="button"
          disabled={authorize.isPending || due.totals.creators === 0}
          onClick={() => run({ all: { creators: due.totals.creators } })}
        >
          Authorize all
        </button>
      </div>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {authorize.isError && (
        <p role="alert" className="error">
          Could not authorize: {authorize.error.message}
        </p>
      )}
    </form>
  );
}
