import { useCallback, useState } from 'react';
import { formatCount } from './format.ts';

// Previous / Next over pages the server hands out by cursor (amounts due, payouts): an account
// may have 50,000 creators and more payouts, so a table shows one page and says where it is.

/**
 * Where a table is among the server's pages: the cursor to ask with (none for the first page),
 * the page's index, and the moves. The cursors of the pages after the first are kept as far as
 * Next went; Previous drops the last.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  const page = cursors.length;
  const back = useCallback(() => setCursors((current) => current.slice(0, -1)), []);
  return {
    cursor: cursors.at(-1),
    page,
    /** To page `to`, one step either way; `nextCursor` is the shown page's. Ignored while a page loads: the one shown is then the previous one. */
    turn: (to: number, nextCursor: string | null, loading: boolean) => {
      if (loading) return;
      if (to > page && nextCursor) setCursors([...cursors, nextCursor]);
      if (to < page) setCursors(cursors.slice(0, -1));
    },
    /** Back one page (the same function at every render). */
    back,
  };
}

export function Pager({
  label,
  page,
  more,
  first,
  shown,
  count,
  onPage,
}: {
  label: string;
  page: number;
  /** Whether a page follows this one. */
  more: boolean;
  /** The index of the first row shown. */
  first: number;
  shown: number;
  /** How many rows there are in all, when the server says. */
  count?: number | undefined;
  onPage: (page: number) => void;
}) {
  if (page === 0 && !more) return null;
  return (
    <nav className="pager" aria-label={label}>
      <span>
        {formatCount(first + 1)}–{formatCount(first + shown)}
        {count !== undefined && ` of ${formatCount(count)}`}
      </span>
      <button type="button" className="small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <button type="button" className="small" disabled={!more} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
