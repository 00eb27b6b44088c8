import { statusLabel } from '../../../src/core/status.ts';
import type { Conversion, StoreStatus } from '../api/types.ts';

// The store status and the approval of a conversion, as badges; the status words are the
// core's, as the exports write them.

export function StatusBadge({ status }: { status: StoreStatus }) {
  return <span className={`badge badge-${status}`}>{statusLabel(status)}</span>;
}

export function ApprovalBadge({ approval }: { approval: Conversion['approval'] }) {
  return <span className={`badge badge-${approval}`}>{approval === 'approved' ? 'Approved' : 'Rejected'}</span>;
}

const PAYOUT_STATUS = { pending: 'Pending', paid: 'Paid', canceled: 'Canceled' } as const;

export function PayoutStatusBadge({ status }: { status: keyof typeof PAYOUT_STATUS }) {
  return <span className={`badge badge-${status}`}>{PAYOUT_STATUS[status]}</span>;
}
