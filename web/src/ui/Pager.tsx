import { useState } from 'react';
import { formatCount } from './format.ts';

// Pages of a list already fetched whole (amounts due, payouts): an account may have 50,000
// creators, and a table of them all at once would freeze the page, so one page is rendered.

/** The rows of the current page of `items`; the page stays in range as the list shrinks. */
export function usePage<T>(items: readonly T[], size: number) {
  const [wanted, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const page = Math.min(wanted, pages - 1);
  return { rows: items.slice(page * size, (page + 1) * size), page, pages, setPage, first: page * size };
}

export function Pager({
  label,
  page,
  pages,
  first,
  shown,
  count,
  onPage,
}: {
  label: string;
  page: number;
  pages: number;
  first: number;
  shown: number;
  count: number;
  onPage: (page: number) => void;
}) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      <span>
        {formatCount(first + 1)}–{formatCount(first + shown)} of {formatCount(count)}
      </span>
      <button type="button" className="small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <button type="button" className="small" disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
