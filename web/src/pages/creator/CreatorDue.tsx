import { useCreatorAmountDue } from '../../api/payouts.ts';
import type { Money } from '../../api/types.ts';
import { formatMoney } from '../../ui/format.ts';

// What the creator is owed now, as on Payments: on hold, payable, adjustments and amount due
// (negative when a clawback is carried forward). All zero when nothing is owed or on hold.

export function CreatorDue({ creatorId }: { creatorId: string }) {
  const due = useCreatorAmountDue(creatorId);
  if (due.isPending) return <p role="status">Loading…</p>;
  if (due.isError) {
    return (
      <p role="alert" className="error">
        Could not load the amount due: {due.error.message}
      </p>
    );
  }
  const { totals } = due.data;
  return (
    <dl className="creator-facts creator-due">
      <Figure label="On hold" figure="on-hold" money={totals.onHold} />
      <Figure label="Payable" figure="payable" money={totals.payable} />
      <Figure label="Adjustments" figure="adjustments" money={totals.adjustments} />
      <Figure label="Amount due" figure="amount-due" money={totals.amountDue} />
    </dl>
  );
}

function Figure({ label, figure, money }: { label: string; figure: string; money: Money }) {
  return (
    <div>
      <dt className="muted">{label}</dt>
      <dd data-figure={figure} className={money.value.startsWith('-') ? 'negative' : undefined}>
        {formatMoney(money)}
      </dd>
    </div>
  );
}
