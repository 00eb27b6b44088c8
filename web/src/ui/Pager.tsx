import { formatCount } from './format.ts';

// Previous / Next over pages the server hands out by cursor (amounts due, payouts): an account
// may have 50,000 creators and more payouts, so a table shows one page and says where it is.

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
