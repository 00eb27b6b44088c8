import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api, rangeQuery } from './api.ts';
import type { Community, Creator, CreatorList } from './campaign-api.ts';
import { CommunityTable } from './CommunityTable.tsx';
import { presetRange } from './date-range.ts';
import { focusById } from './focus-by-id.ts';
import { type RangeChoice, RangePicker } from './RangePicker.tsx';
import { useSession } from './session.tsx';
import { useDocumentTitle } from './use-document-title.ts';
import { useRefreshCommunity } from './use-refresh-community.ts';
import './community.css';

// The Community: every creator still in it with orders, sales and commission across campaigns
// for a range; admins add creators and remove or restore them. Removed creators are listed
// apart (GET /api/creators?removed=true is the only list that has them).

export function CommunityPage() {
  useDocumentTitle('Community');
  const { account, user } = useSession();
  const canEdit = user.role === 'admin';
  const [choice, setChoice] = useState<RangeChoice>(() => ({ preset: '30d', range: presetRange('30d', account.timeZone) }));
  const query = rangeQuery(choice.range);
  const community = useQuery({ queryKey: ['community', query], queryFn: () => api<Community>('GET', `/api/community${query}`) });
  const everyone = useQuery({ queryKey: ['creators', 'with-removed'], queryFn: () => api<CreatorList>('GET', '/api/creators?removed=true') });
  const removed = everyone.data?.items.filter((c) => c.removed) ?? [];

  return (
    <section aria-labelledby="community-title" className="community">
      <div className="toolbar">
        <h1 id="community-title">Community</h1>
        <RangePicker value={choice} timeZone={account.timeZone} onChange={setChoice} />
      </div>
      {canEdit && <AddCreatorForm />}
      {community.isPending && <p role="status">Loading…</p>}
      {community.isError && <p role="alert" className="error">Could not load the Community: {community.error.message}</p>}
      {community.data && <CommunityTable key={query} creators={community.data.creators} canEdit={canEdit} />}

      <h2 id="removed-creators-title">Removed creators</h2>
      {everyone.isError && <p role="alert" className="error">Could not load the removed creators: {everyone.error.message}</p>}
      {everyone.data && removed.length === 0 && <p className="muted">No creator has been removed.</p>}
      {removed.length > 0 && (
        <>
          <p className="muted">Their history is kept and their codes keep attributing orders; restoring one shows it again everywhere.</p>
          <ul className="removed-creators" aria-labelledby="removed-creators-title">
            {removed.map((c) => <RemovedCreator key={c.id} creator={c} canEdit={canEdit} />)}
          </ul>
        </>
      )}
    </section>
  );
}

function AddCreatorForm() {
  const id = useId();
  const refresh = useRefreshCommunity();
  const [fields, setFields] = useState({ name: '', handle: '', email: '' });
  const add = useMutation({
    mutationFn: () =>
      api<Creator>('POST', '/api/creators', {
        name: fields.name.trim(),
        ...(fields.handle.trim() && { handle: fields.handle.trim() }),
        ...(fields.email.trim() && { email: fields.email.trim() }),
      }),
    onSuccess: async () => {
      setFields({ name: '', handle: '', email: '' });
      await refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (fields.name.trim() === '') return;
    add.mutate();
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
        <label htmlFor={`${id}-handle`}>Handle <span className="muted">(optional)</span></label>
        <input {...field('handle')} maxLength={200} placeholder="@handle" autoComplete="off" />
        <label htmlFor={`${id}-email`}>E-mail <span className="muted">(optional)</span></label>
        <input {...field('email')} type="email" autoComplete="off" />
      </div>
      <button type="submit" disabled={add.isPending}>Add creator</button>
      {add.isError && <p role="alert" className="error">Could not add the creator: {add.error.message}</p>}
      {add.isSuccess && <p role="status">{add.data.name} joined the Community.</p>}
    </form>
  );
}

function RemovedCreator({ creator, canEdit }: { creator: Creator; canEdit: boolean }) {
  const refresh = useRefreshCommunity();
  const restore = useMutation({
    mutationFn: () => api<Creator>('POST', `/api/creators/${creator.id}/restore`),
    onSuccess: async () => {
      await refresh();
      focusById(`remove-creator-${creator.id}`);
    },
  });
  return (
    <li data-creator-id={creator.id}>
      <span>{creator.name}{creator.handle && <span className="muted"> {creator.handle}</span>}</span>
      {canEdit && (
        <button id={`restore-creator-${creator.id}`} type="button" className="small" disabled={restore.isPending} onClick={() => restore.mutate()}>Restore {creator.name}</button>
      )}
      {restore.isError && <p role="alert" className="error">Could not restore {creator.name}: {restore.error.message}</p>}
    </li>
  );
}
