import { type FormEvent, useId, useMemo, useState } from 'react';
import { useAddCreator, useRemovedCreators, useRestoreCreator } from '../../api/creators.ts';
import { useCommunity } from '../../api/reports.ts';
import type { CommunitySort, Creator } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { presetRange } from '../../ui/date-range.ts';
import { focusById } from '../../ui/focus-by-id.ts';
import { formatCount } from '../../ui/format.ts';
import { type RangeChoice, RangePicker } from '../../ui/RangePicker.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import { CommunityTable } from './CommunityTable.tsx';
import './community.css';

// The Community: creators still in it with orders, sales and commission across campaigns for a
// range, sorted, searched and paged by the server (GET /api/community), 100 at a time; admins
// add creators and remove or restore them, and set their PayPal e-mail and page link.
// Removed creators are listed apart, a page at a time (GET /api/creators?removed=only).

const PAGE_SIZE = 100;
const REMOVED_PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

export function CommunityPage() {
  useDocumentTitle('Community');
  const { account, user } = useSession();
  const canEdit = user.role === 'admin';
  const searchId = useId();
  const [choice, setChoice] = useState<RangeChoice>(() => ({ preset: '30d', range: presetRange('30d', account.timeZone) }));
  const [sort, setSort] = useState<CommunitySort>('sales');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), SEARCH_DELAY_MS);

  const community = useCommunity({ ...choice.range, sort, limit: String(PAGE_SIZE), ...(q && { q }) });
  const creators = useMemo(() => community.data?.pages.flatMap((p) => p.creators) ?? [], [community.data]);
  const first = community.data?.pages[0];

  return (
    <section aria-labelledby="community-title" className="community">
      <div className="toolbar">
        <h1 id="community-title">Community</h1>
        <RangePicker value={choice} timeZone={account.timeZone} onChange={setChoice} />
      </div>
      {canEdit && <AddCreatorForm />}
      <div className="community-search">
        <label htmlFor={searchId}>Search creators</label>
        <input
          id={searchId}
          type="search"
          value={search}
          maxLength={200}
          placeholder="Name or handle"
          autoComplete="off"
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      {community.isPending && <p role="status">Loading…</p>}
      {community.isError && (
        <p role="alert" className="error">
          Could not load the Community: {community.error.message}
        </p>
      )}
      {first && (
        <>
          <CommunityTable
            creators={creators}
            count={first.count}
            totals={first.totals}
            sort={sort}
            onSort={setSort}
            searching={q !== ''}
            canEdit={canEdit}
          />
          <nav className="pager" aria-label="Community pages">
            <span role="status">
              Showing {formatCount(creators.length)} of {formatCount(first.count)} {first.count === 1 ? 'creator' : 'creators'}
            </span>
            {community.hasNextPage && (
              <button
                type="button"
                className="small"
                disabled={community.isFetchingNextPage}
                onClick={() => void community.fetchNextPage()}
              >
                {community.isFetchingNextPage ? 'Loading…' : 'Load more creators'}
              </button>
            )}
          </nav>
        </>
      )}

      <RemovedCreators canEdit={canEdit} />
    </section>
  );
}

function RemovedCreators({ canEdit }: { canEdit: boolean }) {
  const removed = useRemovedCreators(REMOVED_PAGE_SIZE);
  const items = removed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <h2 id="removed-creators-title">Removed creators</h2>
      {removed.isError && (
        <p role="alert" className="error">
          Could not load the removed creators: {removed.error.message}
        </p>
      )}
      {removed.data && items.length === 0 && <p className="muted">No creator has been removed.</p>}
      {items.length > 0 && (
        <>
          <p className="muted">Their history is kept and their codes keep attributing orders; restoring one shows it again everywhere.</p>
          <ul className="removed-creators" aria-labelledby="removed-creators-title">
            {items.map((c) => (
              <RemovedCreator key={c.id} creator={c} canEdit={canEdit} />
            ))}
          </ul>
          {removed.hasNextPage && (
            <button
              type="button"
              className="small more-removed"
              disabled={removed.isFetchingNextPage}
              onClick={() => void removed.fetchNextPage()}
            >
              {removed.isFetchingNextPage ? 'Loading…' : 'Show more removed creators'}
            </button>
          )}
        </>
      )}
    </>
  );
}

function AddCreatorForm() {
  const id = useId();
  const [fields, setFields] = useState({ name: '', handle: '', email: '', paypalEmail: '' });
  const add = useAddCreator();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (fields.name.trim() === '') return;
    const body = {
      name: fields.name.trim(),
      ...(fields.handle.trim() && { handle: fields.handle.trim() }),
      ...(fields.email.trim() && { email: fields.email.trim() }),
      ...(fields.paypalEmail.trim() && { paypalEmail: fields.paypalEmail.trim() }),
    };
    add.mutate(body, { onSuccess: () => setFields({ name: '', handle: '', email: '', paypalEmail: '' }) });
  };
  const field = (key: keyof typeof fields) => ({
    id: `${id}-${key}`,
    value: fields[key],
    onChange: (e: { target: { value: string } }) => {
      setFields({ ...fields, [key]: e.target.value });
      add.reset();
    },
  });
  return (
    <form className="add-creator panel" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add a creator</h2>
      <div className="fields">
        <label htmlFor={`${id}-name`}>Name</label>
        <input {...field('name')} required maxLength={200} autoComplete="off" />
        <label htmlFor={`${id}-handle`}>
          Handle <span className="muted">(optional)</span>
        </label>
        <input {...field('handle')} maxLength={200} placeholder="@handle" autoComplete="off" />
        <label htmlFor={`${id}-email`}>
          E-mail <span className="muted">(optional)</span>
        </label>
        <input {...field('email')} type="email" autoComplete="off" />
        <label htmlFor={`${id}-paypalEmail`}>
          PayPal e-mail <span className="muted">(optional, for PayPal payouts)</span>
        </label>
        <input {...field('paypalEmail')} type="email" autoComplete="off" />
      </div>
      <button type="submit" disabled={add.isPending}>
        Add creator
      </button>
      {add.isError && (
        <p role="alert" className="error">
          Could not add the creator: {add.error.message}
        </p>
      )}
      {add.isSuccess && <p role="status">{add.data.name} joined the Community.</p>}
    </form>
  );
}

function RemovedCreator({ creator, canEdit }: { creator: Creator; canEdit: boolean }) {
  const restore = useRestoreCreator(creator.id, () => focusById(`remove-creator-${creator.id}`));
  return (
    <li data-creator-id={creator.id}>
      <span>
        {creator.name}
        {creator.handle && <span className="muted"> {creator.handle}</span>}
      </span>
      {canEdit && (
        <button
          id={`restore-creator-${creator.id}`}
          type="button"
          className="small"
          disabled={restore.isPending}
          onClick={() => restore.mutate()}
        >
          Restore {creator.name}
        </button>
      )}
      {restore.isError && (
        <p role="alert" className="error">
          Could not restore {creator.name}: {restore.error.message}
        </p>
      )}
    </li>
  );
}
