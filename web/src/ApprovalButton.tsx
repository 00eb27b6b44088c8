import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type Conversion, type ConversionPage } from './api.ts';

// Reject / Undo of one conversion: the answer replaces the row, and the totals are fetched again.

export function ApprovalButton({ conversion }: { conversion: Conversion }) {
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
    },
  });
  const label = rejecting ? 'Reject' : 'Undo';
  return (
    <>
      <button
        type="button"
        className={rejecting ? 'danger small' : 'small'}
        disabled={mutation.isPending}
        onClick={() => mutation.mutate()}
        aria-label={`${label} order ${conversion.orderNumber}`}
      >
        {label}
      </button>
      {mutation.isError && <span role="alert" className="error"> {mutation.error.message}</span>}
    </>
  );
}
