import { type FormEvent, useId, useRef, useState } from 'react';
import { useAddCode, useCreateLink, useRemoveCode, useRemoveMember } from '../../api/members.ts';
import type { Member } from '../../api/types.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { describeTerms } from '../../ui/commission-terms.ts';
import { focusById } from '../../ui/focus-by-id.ts';

// One active member of a campaign: its codes and affiliate links, and for admins the controls
// to add a code, create a link, free a code and remove the member.

export function MemberCard({ campaignId, member, canEdit }: { campaignId: string; member: Member; canEdit: boolean }) {
  const id = useId();

  const [code, setCode] = useState('');
  const addCode = useAddCode(campaignId, member.creatorId);
  // A freed code's × goes with it: the focus moves to the new-code field beside the codes.
  const codeInput = useRef<HTMLInputElement>(null);
  const removeCode = useRemoveCode(campaignId, member.creatorId);

  const [destination, setDestination] = useState('');
  const createLink = useCreateLink(campaignId, member.creatorId);
  const remove = useRemoveMember(campaignId, member.creatorId, () => focusById(`readd-member-${campaignId}-${member.creatorId}`));

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') return;
    addCode.mutate(code.trim(), { onSuccess: () => setCode('') });
  };
  const submitLink = (event: FormEvent) => {
    event.preventDefault();
    if (destination.trim() === '') return;
    createLink.mutate(destination.trim(), { onSuccess: () => setDestination('') });
  };

  return (
    <li className="member" data-creator-id={member.creatorId} aria-labelledby={`${id}-name`}>
      <div className="member-head">
        <h3 id={`${id}-name`}>{member.name}</h3>
        {member.commission && <span className="muted">Own terms: {describeTerms(member.commission)}</span>}
        {canEdit && (
          <button
            id={`remove-member-${campaignId}-${member.creatorId}`}
            type="button"
            className="small danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Remove {member.name}
          </button>
        )}
      </div>
      {remove.isError && (
        <p role="alert" className="error">
          Could not remove {member.name}: {remove.error.message}
        </p>
      )}

      <h4>Codes</h4>
      {member.codes.length === 0 ? (
        <p className="muted">No codes yet.</p>
      ) : (
        <ul className="codes" aria-label={`Codes of ${member.name}`}>
          {member.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
              {canEdit && (
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove code ${c}`}
                  disabled={removeCode.isPending}
                  onClick={() => removeCode.mutate(c, { onSuccess: () => codeInput.current?.focus() })}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {removeCode.isError && (
        <p role="alert" className="error">
          {removeCode.error.message}
        </p>
      )}
      {canEdit && (
        <form className="inline-form" onSubmit={submitCode}>
          <label htmlFor={`${id}-code`}>New code for {member.name}</label>
          <input
            ref={codeInput}
            id={`${id}-code`}
            value={code}
            maxLength={100}
            required
            onChange={(e) => {
              setCode(e.target.value);
              addCode.reset();
            }}
          />
          <button type="submit" disabled={addCode.isPending}>
            Add code
          </button>
          {addCode.isError && (
            <p role="alert" className="error">
              {addCode.error.message}
            </p>
          )}
        </form>
      )}

      <h4>Affiliate links</h4>
      {member.links.length === 0 ? (
        <p className="muted">No links yet.</p>
      ) : (
        <ul className="links" aria-label={`Links of ${member.name}`}>
          {member.links.map((link) => (
            <li key={link.slug}>
              <code className="url">{link.url}</code>
              <CopyButton text={link.url} label={`Copy link ${link.url}`} select="address" />
              <span className="muted destination">to {link.destination}</span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form className="inline-form" onSubmit={submitLink}>
          <label htmlFor={`${id}-dest`}>Link destination for {member.name}</label>
          <input
            id={`${id}-dest`}
            type="url"
            placeholder="https://shop.example.com/products/tee"
            value={destination}
            required
            onChange={(e) => {
              setDestination(e.target.value);
              createLink.reset();
            }}
          />
          <button type="submit" disabled={createLink.isPending}>
            Create link
          </button>
          {createLink.isError && (
            <p role="alert" className="error">
              {createLink.error.message}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
