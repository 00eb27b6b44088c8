import { useReview } from '../../api/conversions.ts';
import type { Conversion } from '../../api/types.ts';

// Reject / Undo of one conversion: the answer replaces the row, and the totals are fetched again.
// The button stays enabled (aria-disabled) while the request runs, so the keyboard focus stays
// on it — a disabled button drops the focus to the page — and it becomes the row's Undo.
// `onDone` hears what happened, for a live region to say it.

export function ApprovalButton({ conversion, onDone }: { conversion: Conversion; onDone?: (message: string) => void }) {
  const rejecting = conversion.approval === 'approved';
  const mutation = useReview(conversion, onDone);
  const label = rejecting ? 'Reject' : 'Undo';
  return (
    <>
      <button
        type="button"
        className={rejecting ? 'danger small' : 'small'}
        aria-disabled={mutation.isPending || undefined}
        onClick={() => {
          if (!mutation.isPending) mutation.mutate();
        }}
        aria-label={`${label} order ${conversion.orderNumber}`}
      >
        {label}
      </button>
      {mutation.isError && (
        <span role="alert" className="error">
          {' '}
          {mutation.error.message}
        </span>
      )}
    </>
  );
}
