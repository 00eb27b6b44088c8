import { type FormEvent, useId, useMemo, useState } from 'react';
import { useAuthorize } from '../../api/payouts.ts';
import type { AmountsDue, DueCreator } from '../../api/types.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';
import { Pager, usePage } from '../../ui/Pager.tsx';
import { Link } from '../../ui/router.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { authorizeMessage } from './authorize-message.ts';

// Each creator's on hold, payable, adjustments and amount due, a page at a time. Admins tick
// creators and authorize their payouts, or everyone's, optionally only at or above a minimum.

const PAGE_SIZE = 100;

export function DueTable({ due, canEdit }: { due: AmountsDue; canEdit: boolean }) {
  const minimumId = useId();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [minimum, setMinimum] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const authorize = useAuthorize();
  const { rows, page, pages, setPage, first } = usePage(due.creators, PAGE_SIZE);
  const byId = useMemo(() => new Map(due.creators.map((c) => [c.creatorId, c])), [due.creators]);
  // Ticks of creators no longer listed (paid meanwhile) do not count.
  const ticked = [...selected].filter((id) => byId.has(id));
  const pageTicked = rows.length > 0 && rows.every((c) => selected.has(c.creatorId));

  const toggle = (ids: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const run = (creatorIds: string[] | undefined) => {
    const min = minimum.trim();
    const asked: DueCreator[] = creatorIds ? creatorIds.flatMap((id) => byId.get(id) ?? []) : due.creators;
    setMessage(null);
    authorize.mutate(
      { ...(creatorIds && { creatorIds }), ...(min && { minimum: { value: min, currency: due.currency } }) },
      {
        onSuccess: (reply) => {
          setMessage(authorizeMessage(reply.items, asked, due.currency, min || null));
          setSelected(new Set());
        },
      },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run(ticked);
  };

  return (
    <>
      {canEdit && (
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
            <button type="submit" disabled={authorize.isPending || ticked.length === 0}>
              Authorize selected{ticked.length > 0 ? ` (${formatCount(ticked.length)})` : ''}
            </button>
            <button type="button" disabled={authorize.isPending || due.creators.length === 0} onClick={() => run(undefined)}>
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
      )}
      <TableScroll label="Amounts due table">
        <table aria-label="Amounts due">
          <thead>
            <tr>
              {canEdit && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every creator on this page"
                    checked={pageTicked}
                    onChange={(e) =>
                      toggle(
                        rows.map((c) => c.creatorId),
                        e.target.checked,
                      )
                    }
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
            {rows.map((c) => (
              <tr key={c.creatorId} data-creator-id={c.creatorId}>
                {canEdit && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${c.name}`}
                      checked={selected.has(c.creatorId)}
                      onChange={(e) => toggle([c.creatorId], e.target.checked)}
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
                <td className={c.amountDue.value.startsWith('-') ? 'num negative' : 'num'} data-column="amountDue">
                  {formatMoney(c.amountDue)}
                </td>
              </tr>
            ))}
            {due.creators.length === 0 && (
              <tr>
                <td colSpan={canEdit ? 6 : 5} className="muted">
                  Nothing is owed or on hold.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </TableScroll>
      <Pager
        label="Amounts due pages"
        page={page}
        pages={pages}
        first={first}
        shown={rows.length}
        count={due.creators.length}
        onPage={setPage}
      />
    </>
  );
}
