import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type Conversion, type ConversionPage } from '../../api/client.ts';

// Reject / Undo of one conversion: the answer replaces the row, and the totals are fetched again.
// The button stays enabled (aria-disabled) while the request runs, so the keyboard focus stays
// on it — a disabled button drops the focus to the page — and it becomes the row's Undo.
// `onDone` hears what happened, for a live region to say it.

export function ApprovalButton({ conversion, onDone }: { conversion: Conversion; onDone?: (message: string) => void }) {
  const queryClient = useQueryClient();
  const rejecting = conversion.approval === 'approved';
  const mutation = useMutation({
    mutationFn: () => api<Conversion>('POST', `/api/conversions/${conversion.id}/${rejecting ? 'reject' : 'approve'}`),
    onSuccess: (updated) => {
      queryClient.setQueriesData<InfiniteData<ConversionPage>>({ queryKey: ['conversions', updated.campaignId] }, (data) =>
        data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((c) => (c.id === updated.id ? updated : c)) })) },
      );
      void queryClient.invalidateQueries({ queryKey: ['performance', updated.campaignId] });
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      onDone?.(`Order ${updated.orderNumber} ${updated.approval === 'rejected' ? 'rejected' : 'approved again'}.`);
    },
  });
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
      {mutation.isError && <span role="alert" className="error"> {mutation.error.message}</span>}
    </>
  );
}
