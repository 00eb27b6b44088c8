import { type FormEvent, useId, useState } from 'react';
import { useAddAdjustment, useAdjustments } from '../../api/payouts.ts';
import { useSession } from '../../session.tsx';
import { formatMoney } from '../../ui/format.ts';
import { TableScroll } from '../../ui/TableScroll.tsx';

// The creator's adjustments: bonuses and deductions made by hand, and the clawbacks made when an
// order already in a payout was refunded or rejected. Admins add a bonus (positive) or a
// deduction (negative) with its reason; it enters the amount due.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function AdjustmentsSection({ creatorId, canEdit }: { creatorId: string; canEdit: boolean }) {
  const adjustments = useAdjustments(creatorId);
  return (
    <>
      {canEdit && <AdjustForm creatorId={creatorId} />}
      {adjustments.isPending && <p role="status">Loading…</p>}
      {adjustments.isError && (
        <p role="alert" className="error">
          Could not load the adjustments: {adjustments.error.message}
        </p>
      )}
      {adjustments.data && (
        <TableScroll label="Adjustments table">
          <table aria-label="Adjustments">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Kind</th>
                <th scope="col">Reason</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">In a payout</th>
              </tr>
            </thead>
            <tbody>
              {adjustments.data.items.map((a) => (
                <tr key={a.id} data-adjustment-id={a.id}>
                  <td>{dateFormat.format(new Date(a.createdAt))}</td>
                  <td data-column="kind">{a.kind === 'clawback' ? 'Clawback' : a.amount.value.startsWith('-') ? 'Deduction' : 'Bonus'}</td>
                  <td>{a.reason ?? '—'}</td>
                  <td className={a.amount.value.startsWith('-') ? 'num negative' : 'num'} data-column="amount">
                    {formatMoney(a.amount)}
                  </td>
                  <td>{a.payoutId ? 'Yes' : 'No: in the amount due'}</td>
                </tr>
              ))}
              {adjustments.data.items.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No adjustments.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

function AdjustForm({ creatorId }: { creatorId: string }) {
  const { account } = useSession();
  const id = useId();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const add = useAddAdjustment(creatorId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(
      { amount: { value: amount.trim(), currency: account.defaultCurrency }, reason: reason.trim() },
      {
        onSuccess: () => {
          setAmount('');
          setReason('');
        },
      },
    );
  };
  return (
    <form className="adjust-form panel" aria-label="Add an adjustment" onSubmit={submit}>
      <label htmlFor={`${id}-amount`}>Amount ({account.defaultCurrency})</label>
      <input
        id={`${id}-amount`}
        inputMode="decimal"
        value={amount}
        placeholder="25.00 or -10.00"
        autoComplete="off"
        required
        onChange={(e) => {
          setAmount(e.target.value);
          add.reset();
        }}
      />
      <label htmlFor={`${id}-reason`}>Reason</label>
      <input id={`${id}-reason`} value={reason} maxLength={1000} required onChange={(e) => setReason(e.target.value)} />
      <p className="muted hint">A positive amount is a bonus, a negative one a deduction.</p>
      <div className="actions">
        <button type="submit" disabled={add.isPending}>
          Add adjustment
        </button>
        {add.isSuccess && <span role="status">Adjustment added.</span>}
      </div>
      {add.isError && (
        <p role="alert" className="error">
          Could not add it: {add.error.message}
        </p>
      )}
    </form>
  );
}
