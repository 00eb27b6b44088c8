import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from './api.ts';
import type { CommunityCreator } from './campaign-api.ts';
import { focusById } from './focus-by-id.ts';
import { formatCount, formatMoney } from './format.ts';
import { TableScroll } from './TableScroll.tsx';
import { useRefreshCommunity } from './use-refresh-community.ts';

// The Community's creators and their figures. GET /api/community answers every creator of the
// account at once (it does not page), so the rows are shown a page at a time to keep the
// document small.

export const PAGE_SIZE = 50;

export function CommunityTable({ creators, canEdit }: { creators: CommunityCreator[]; canEdit: boolean }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(creators.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = creators.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const columns = canEdit ? 6 : 5;

  return (
    <>
      <TableScroll label="Community table">
        <table aria-label="Community">
          <thead>
            <tr>
              <th scope="col">Creator</th>
              <th scope="col" className="num">Orders</th>
              <th scope="col" className="num">Sales</th>
              <th scope="col" className="num">Commission</th>
              <th scope="col" className="num">Clicks</th>
              {canEdit && <th scope="col"><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.creatorId} data-creator-id={c.creatorId}>
                <th scope="row">{c.name}</th>
                <td className="num" data-column="orders">{formatCount(c.orders)}</td>
                <td className="num" data-column="sales">{formatMoney(c.sales)}</td>
                <td className="num" data-column="commission">{formatMoney(c.commission)}</td>
                <td className="num" data-column="clicks">{formatCount(c.clicks)}</td>
                {canEdit && <td><RemoveCreatorButton creator={c} /></td>}
              </tr>
            ))}
            {creators.length === 0 && (
              <tr><td colSpan={columns} className="muted">No creators in the Community yet.{canEdit ? ' Add one above.' : ''}</td></tr>
            )}
          </tbody>
        </table>
      </TableScroll>
      {pages > 1 && (
        <nav className="pager" aria-label="Community pages">
          <button type="button" className="small" disabled={current === 0} onClick={() => setPage(current - 1)}>Previous</button>
          <span>Page {current + 1} of {pages} · {formatCount(creators.length)} creators</span>
          <button type="button" className="small" disabled={current === pages - 1} onClick={() => setPage(current + 1)}>Next</button>
        </nav>
      )}
    </>
  );
}

function RemoveCreatorButton({ creator }: { creator: CommunityCreator }) {
  const refresh = useRefreshCommunity();
  const remove = useMutation({
    mutationFn: () => api<void>('DELETE', `/api/creators/${creator.creatorId}`),
    onSuccess: async () => {
      await refresh();
      focusById(`restore-creator-${creator.creatorId}`);
    },
  });
  return (
    <>
      <button id={`remove-creator-${creator.creatorId}`} type="button" className="small danger" disabled={remove.isPending} onClick={() => remove.mutate()}>Remove {creator.name}</button>
      {remove.isError && <span role="alert" className="error"> {remove.error.message}</span>}
    </>
  );
}
