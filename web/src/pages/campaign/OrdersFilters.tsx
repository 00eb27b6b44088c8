import { useId } from 'react';
import { STORE_STATUSES, statusLabel } from '../../../../src/core/status.ts';
import { useMembers } from '../../api/members.ts';
import { isFiltered, NO_FILTER, type OrdersFilter } from './orders-filter.ts';

// The controls above the Orders table: status, approval, creator (the campaign's members, as
// the table shows only theirs) and from / to days in the account's time zone.

export function OrdersFilters({
  campaignId,
  value,
  onChange,
}: {
  campaignId: string;
  value: OrdersFilter;
  onChange: (filter: OrdersFilter) => void;
}) {
  const id = useId();
  const members = useMembers(campaignId, { removed: false });
  const creators = [...(members.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const set = (patch: Partial<OrdersFilter>) => onChange({ ...value, ...patch });

  return (
    <form className="orders-filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-status`}>
        Status
        <select id={`${id}-status`} value={value.status} onChange={(e) => set({ status: e.target.value as OrdersFilter['status'] })}>
          <option value="">Any status</option>
          {STORE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-approval`}>
        Approval
        <select
          id={`${id}-approval`}
          value={value.approval}
          onChange={(e) => set({ approval: e.target.value as OrdersFilter['approval'] })}
        >
          <option value="">Any approval</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
        </select>
      </label>
      <label htmlFor={`${id}-creator`}>
        Creator
        <select
          id={`${id}-creator`}
          value={value.creatorId}
          onChange={(e) => set({ creatorId: e.target.value })}
          aria-busy={members.isPending}
        >
          <option value="">Any creator</option>
          {creators.map((c) => (
            <option key={c.creatorId} value={c.creatorId}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-from`}>
        From
        <input
          id={`${id}-from`}
          type="date"
          value={value.from}
          max={value.to || undefined}
          onChange={(e) => set({ from: e.target.value })}
        />
      </label>
      <label htmlFor={`${id}-to`}>
        To
        <input id={`${id}-to`} type="date" value={value.to} min={value.from || undefined} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <button type="button" className="small" onClick={() => onChange(NO_FILTER)} disabled={!isFiltered(value)}>
        Clear filters
      </button>
      {members.isError && (
        <p role="alert" className="error">
          Creators could not be loaded: {members.error.message}
        </p>
      )}
    </form>
  );
}
