import { type FormEvent, useId, useState } from 'react';
import { useCreatorChoices } from '../../api/creators.ts';
import { useAddMember } from '../../api/members.ts';
import type { Member } from '../../api/types.ts';
import { Link } from '../../ui/router.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';

// Adds a Community creator to the campaign with its codes. A creator removed from this
// campaign can be picked too: adding it again restores it with its codes (SPEC §6). The choices
// are one page of GET /api/creators; a search box narrows them on the server.

const CHOICES = 100;
const SEARCH_DELAY_MS = 300;

/** "MIA10, mia-summer" or one per line → ["MIA10", "mia-summer"]. */
export function splitCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
  ];
}

export function AddMemberForm({ campaignId, members }: { campaignId: string; members: Member[] }) {
  const id = useId();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), SEARCH_DELAY_MS);
  const creators = useCreatorChoices(q, CHOICES);
  const [creatorId, setCreatorId] = useState('');
  const [codes, setCodes] = useState('');
  const active = new Set(members.filter((m) => !m.removed).map((m) => m.creatorId));
  const choices = (creators.data?.items ?? []).filter((c) => !c.removed && !active.has(c.id));

  const add = useAddMember(campaignId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (creatorId === '') return;
    add.mutate(
      { creatorId, codes: splitCodes(codes) },
      {
        onSuccess: () => {
          setCreatorId('');
          setCodes('');
        },
      },
    );
  };

  if (creators.isError)
    return (
      <p role="alert" className="error">
        Could not load the Community: {creators.error.message}
      </p>
    );
  if (creators.data && choices.length === 0 && q === '' && search === '' && creators.data.nextCursor === null) {
    return (
      <p className="muted">
        Every creator in the Community is a member. <Link href="/community">Add a creator to the Community</Link> first.
      </p>
    );
  }
  return (
    <form className="add-member" onSubmit={submit} aria-label="Add a member">
      <label htmlFor={`${id}-search`}>Search the Community</label>
      <input
        id={`${id}-search`}
        type="search"
        value={search}
        maxLength={200}
        placeholder="Name or handle"
        autoComplete="off"
        aria-describedby={`${id}-search-hint`}
        onChange={(e) => setSearch(e.target.value)}
      />
      <p id={`${id}-search-hint`} className="muted hint">
        {creators.data?.nextCursor ? `The list shows the first ${CHOICES} matches; type to narrow it.` : 'Narrows the list below.'}
      </p>
      <label htmlFor={`${id}-creator`}>Creator</label>
      <select
        id={`${id}-creator`}
        value={creatorId}
        required
        disabled={!creators.data}
        onChange={(e) => {
          setCreatorId(e.target.value);
          add.reset();
        }}
      >
        <option value="">{!creators.data ? 'Loading…' : choices.length === 0 ? 'No creator matches' : 'Choose a creator…'}</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.handle ? ` (${c.handle})` : ''}
            {members.some((m) => m.creatorId === c.id && m.removed) ? ' — removed, re-add' : ''}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-codes`}>Codes</label>
      <input
        id={`${id}-codes`}
        value={codes}
        placeholder="e.g. MIA10, MIASUMMER"
        aria-describedby={`${id}-codes-hint`}
        onChange={(e) => setCodes(e.target.value)}
      />
      <p id={`${id}-codes-hint`} className="muted hint">
        Separate codes with commas or spaces; optional.
      </p>
      <button type="submit" disabled={add.isPending || creatorId === ''}>
        Add member
      </button>
      {add.isError && (
        <p role="alert" className="error">
          Could not add the member: {add.error.message}
        </p>
      )}
      {add.isSuccess && (
        <p role="status">
          {add.data.name} is a member{add.data.codes.length > 0 ? ` with ${add.data.codes.join(', ')}` : ''}.
        </p>
      )}
    </form>
  );
}
