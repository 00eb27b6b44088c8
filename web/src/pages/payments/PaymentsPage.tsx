import { useId, useState } from 'react';
import { useCreatorChoices } from '../../api/creators.ts';
import type { PayoutStatus } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { PayoutFiles } from '../../ui/PayoutFiles.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';
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

/** Matches shown for the creator filter; typing narrows them. */
const CREATOR_CHOICES = 50;
const SEARCH_DELAY_MS = 250;

function PayoutsSection({ canEdit }: { canEdit: boolean }) {
  const id = useId();
  const [status, setStatus] = useState<PayoutStatus | ''>('');
  const [search, setSearch] = useState('');
  const [creatorId, setCreatorId] = useState('');
  // The creator choices come from the Community by name or handle, a few at a time: an account
  // may have 50,000 creators.
  const choices = useCreatorChoices(useDebounced(search.trim(), SEARCH_DELAY_MS), CREATOR_CHOICES);
  const filter = { status: status || undefined, creatorId: creatorId || undefined };

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
        <label htmlFor={`${id}-search`}>Find a creator</label>
        <input
          id={`${id}-search`}
          type="search"
          value={search}
          maxLength={200}
          placeholder="Name or handle"
          autoComplete="off"
          onChange={(e) => setSearch(e.target.value)}
        />
        <label htmlFor={`${id}-creator`}>Creator</label>
        <select id={`${id}-creator`} value={creatorId} onChange={(e) => setCreatorId(e.target.value)}>
          <option value="">Every creator</option>
          {(choices.data?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <PayoutsTable key={`${filter.status ?? ''}/${filter.creatorId ?? ''}`} filter={filter} canEdit={canEdit} label="Payouts" />
    </section>
  );
}
