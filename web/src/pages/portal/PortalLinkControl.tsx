import { useCreatePortalLink, usePortalLinkState, useRevokePortalLink } from '../../api/portal.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import './portal.css';

// An admin's control of a creator's page link: make one (which replaces any previous link) and
// copy it, or revoke it. Only a hash of the token is kept, so a link is shown once, when it is
// made; to send it again, make a new one. With `showState` (one creator's page) it also says
// whether a link works now, and offers Revoke only then; in a list of creators it does not ask.

const madeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function PortalLinkControl({
  creatorId,
  creatorName,
  showState = false,
}: {
  creatorId: string;
  creatorName?: string;
  showState?: boolean;
}) {
  const create = useCreatePortalLink(creatorId);
  const revoke = useRevokePortalLink(creatorId);
  const state = usePortalLinkState(creatorId, showState);
  const whose = creatorName ? ` for ${creatorName}` : '';
  const error = create.error ?? revoke.error ?? state.error;
  const madeAt = state.data?.madeAt;
  const canRevoke = !showState || Boolean(madeAt);
  return (
    <span className="portal-link-control">
      {showState && state.data && (
        <span className="muted" data-testid="page-link-state">
          {madeAt ? `Page link made ${madeFormat.format(new Date(madeAt))}` : 'No page link'}
        </span>
      )}
      <button
        type="button"
        className="small"
        disabled={create.isPending || revoke.isPending}
        onClick={() => {
          revoke.reset();
          create.mutate();
        }}
      >
        {create.data || madeAt ? 'New page link' : 'Make page link'}
        <span className="visually-hidden">{whose}</span>
      </button>
      {create.data && (
        <>
          <input readOnly value={create.data.url} aria-label={`Page link${whose}`} onFocus={(e) => e.target.select()} />
          <CopyButton text={create.data.url} label={`Copy the page link${whose}`} select="link" />
        </>
      )}
      {canRevoke && (
        <button
          type="button"
          className="small danger"
          disabled={create.isPending || revoke.isPending}
          onClick={() => {
            create.reset();
            revoke.mutate();
          }}
        >
          Revoke page link<span className="visually-hidden">{whose}</span>
        </button>
      )}
      {revoke.isSuccess && <span role="status">The link no longer works.</span>}
      {error && (
        <span role="alert" className="error">
          {error.message}
        </span>
      )}
    </span>
  );
}
