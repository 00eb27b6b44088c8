import { type FormEvent, useId, useState } from 'react';
import { useMarkPaid } from '../../api/payouts.ts';
import type { Payout, PayoutMethod } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { todayIn } from '../../ui/date-range.ts';

// Marks a pending payout paid: how (PayPal, bank transfer, other), the payment's reference, and
// the day it was paid (today by default).

const METHODS: Array<{ id: PayoutMethod; label: string }> = [
  { id: 'paypal', label: 'PayPal' },
  { id: 'bank', label: 'Bank transfer' },
  { id: 'other', label: 'Other' },
];

export function MarkPaidForm({ payout, onDone }: { payout: Payout; onDone: () => void }) {
  const { account } = useSession();
  const id = useId();
  const today = todayIn(account.timeZone);
  const [method, setMethod] = useState<PayoutMethod>('bank');
  const [reference, setReference] = useState('');
  const [day, setDay] = useState(today);
  const paid = useMarkPaid(payout.id);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ref = reference.trim();
    // Today is now; another day is taken at noon UTC, which is that day in nearly every time zone.
    const paidAt = day && day !== today ? `${day}T12:00:00Z` : undefined;
    paid.mutate({ method, ...(ref && { reference: ref }), ...(paidAt && { paidAt }) }, { onSuccess: onDone });
  };

  return (
    <form className="mark-paid" aria-label={`Mark the payout to ${payout.creatorName} paid`} onSubmit={submit}>
      <label htmlFor={`${id}-method`}>Method</label>
      <select id={`${id}-method`} value={method} onChange={(e) => setMethod(e.target.value as PayoutMethod)}>
        {METHODS.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-reference`}>Reference</label>
      <input id={`${id}-reference`} value={reference} maxLength={200} autoComplete="off" onChange={(e) => setReference(e.target.value)} />
      <label htmlFor={`${id}-day`}>Paid on</label>
      <input id={`${id}-day`} type="date" value={day} max={today} onChange={(e) => setDay(e.target.value)} />
      <div className="actions">
        <button type="submit" disabled={paid.isPending}>
          Save as paid
        </button>
        <button type="button" className="link" onClick={onDone}>
          Close
        </button>
      </div>
      {paid.isError && (
        <p role="alert" className="error">
          Could not mark it paid: {paid.error.message}
        </p>
      )}
    </form>
  );
}
