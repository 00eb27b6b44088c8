import type { Conversion, StoreStatus } from '../api/client.ts';

// The store status and the approval of a conversion, as badges.

export const STATUS_WORDS: Record<StoreStatus, string> = {
  pending: 'Pending',
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  canceled: 'Canceled',
};

export function StatusBadge({ status }: { status: StoreStatus }) {
  return <span className={`badge badge-${status}`}>{STATUS_WORDS[status]}</span>;
}

export function ApprovalBadge({ approval }: { approval: Conversion['approval'] }) {
  return <span className={`badge badge-${approval}`}>{approval === 'approved' ? 'Approved' : 'Rejected'}</span>;
}
