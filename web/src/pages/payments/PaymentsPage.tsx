import { useId, useMemo, useState } from 'react';
import { usePayouts } from '../../api/payouts.ts';
import type { PayoutStatus } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { PayoutFiles } from '../../ui/PayoutFiles.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import { DueTable } from './DueTable.tsx';
import { PayoutsTable } from './PayoutsTable.tsx';
import './payments.css';

// Payments (SPEC §7): what each creator is owed, with Authorize for some or all (admins), the
// payouts with their status, lines, and Mark paid / Cancel (admins), and the payout files
// (members and admins: exports are theirs, SPEC §9). Viewers read. Both lists are refetched
// when payouts or conversions change (live.ts).

export function PaymentsPage() {
  useDocumentTitle('Payments');
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const canExport = user.role !== 'viewer';

  return (
    <section aria-labelledby="payments-title" className="payments">
      <h1 id="payments-title">Payments</h1>
      <section aria-labelledby="due-title">
        <h2 id="due-title">Amount due</h2>
        <p className="muted hint">
          Commission is on hold until its order is as old as its campaign's hold, then payable. A negative amount is carried forward: it
          nets against later commission.
        </p>
        <DueTable canEdit={canEdit} />
      </section>
      <PayoutsSection canEdit={canEdit} />
      {canExport && <PayoutFiles />}
    </section>
  );
}

const STATUSES: Array<{ id: PayoutStatus | ''; label: string }> = [
  { id: '', label: 'Any status' },
  { id: 'pending', label: 'Pending' },
  { id: 'paid', label: 'Paid' },
  { id: 'canceled', label: 'Canceled' },
];

function PayoutsSection({ canEdit }: { canEdit: boolean }) {
  const id = useId();
  const [status, setStatus] = useState<PayoutStatus | ''>('');
  const [creatorId, setCreatorId] = useState('');
  const payouts = usePayouts({ status: status || undefined, creatorId: creatorId || undefined });
  // The creator choices: everyone who has a payout (the unfiltered list, fetched once).
  const every = usePayouts({});
  const creators = useMemo(() => {
    const names = new Map<string, string>();
    for (const p of every.data?.items ?? []) names.set(p.creatorId, p.creatorName);
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [every.data]);

  return (
    <section aria-labelledby="payouts-title">
      <h2 id="payouts-title">Payouts</h2>
      <div className="payout-filters">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as PayoutStatus | '')}>
          {STATUSES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-creator`}>Creator</label>
        <select id={`${id}-creator`} value={creatorId} onChange={(e) => setCreatorId(e.target.value)}>
          <option value="">Every creator</option>
          {creators.map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {payouts.isPending && <p role="status">Loading…</p>}
      {payouts.isError && (
        <p role="alert" className="error">
          Could not load the payouts: {payouts.error.message}
        </p>
      )}
      {payouts.data && <PayoutsTable payouts={payouts.data.items} canEdit={canEdit} label="Payouts" />}
    </section>
  );
}
