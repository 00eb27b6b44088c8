import { useAddMember, useMembers } from '../../api/members.ts';
import type { Campaign, Member } from '../../api/types.ts';
import { useSession } from '../../session.tsx';
import { focusById } from '../../ui/focus-by-id.ts';
import { AddMemberForm } from './AddMemberForm.tsx';
import { HoldForm } from './HoldForm.tsx';
import { MemberCard } from './MemberCard.tsx';
import { TermsForm } from './TermsForm.tsx';
import './campaign-settings.css';

// A campaign's Settings tab: commission terms, members with their codes and links, and the
// members removed from the campaign (re-adding one brings its codes back, SPEC §6). Members
// and viewers see everything read-only; only admins get the controls.

export function CampaignSettings({ campaign }: { campaign: Campaign }) {
  const { account, user } = useSession();
  const canEdit = user.role === 'admin';
  const members = useMembers(campaign.id, { removed: true });
  const all = members.data?.items ?? [];
  const active = all.filter((m) => !m.removed && !m.creatorRemoved);
  const removed = all.filter((m) => m.removed || m.creatorRemoved);

  return (
    <div className="campaign-settings">
      <section aria-labelledby="terms-title" className="panel">
        <h2 id="terms-title">Commission terms</h2>
        <TermsForm key={campaign.id} campaign={campaign} defaultCurrency={account.defaultCurrency} canEdit={canEdit} />
      </section>

      <section aria-labelledby="hold-title" className="panel">
        <h2 id="hold-title">Payment hold</h2>
        <HoldForm key={campaign.id} campaign={campaign} canEdit={canEdit} />
      </section>

      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        {members.isPending && <p role="status">Loading…</p>}
        {members.isError && (
          <p role="alert" className="error">
            Could not load the members: {members.error.message}
          </p>
        )}
        {canEdit && members.data && (
          <div className="panel">
            <h3>Add a member</h3>
            <AddMemberForm campaignId={campaign.id} members={all} />
          </div>
        )}
        {members.data && active.length === 0 && (
          <p className="muted empty">No members yet.{canEdit ? ' Add a creator from the Community above.' : ''}</p>
        )}
        {active.length > 0 && (
          <ul className="members">
            {active.map((m) => (
              <MemberCard key={m.creatorId} campaignId={campaign.id} member={m} canEdit={canEdit} />
            ))}
          </ul>
        )}
      </section>

      {removed.length > 0 && (
        <section aria-labelledby="removed-members-title">
          <h2 id="removed-members-title">Removed members</h2>
          <p className="muted">Their codes keep attributing orders; re-adding a member shows its history again.</p>
          <ul className="removed-members">
            {removed.map((m) => (
              <RemovedMember key={m.creatorId} campaignId={campaign.id} member={m} canEdit={canEdit} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function RemovedMember({ campaignId, member, canEdit }: { campaignId: string; member: Member; canEdit: boolean }) {
  const readd = useAddMember(campaignId, () => focusById(`remove-member-${campaignId}-${member.creatorId}`));
  return (
    <li data-creator-id={member.creatorId}>
      <span>
        <strong>{member.name}</strong>{' '}
        <span className="muted">{member.codes.length > 0 ? `codes ${member.codes.join(', ')}` : 'no codes'}</span>
      </span>
      {member.creatorRemoved ? (
        <span className="muted">Removed from the Community: restore the creator on the Community page first.</span>
      ) : (
        canEdit && (
          <button
            id={`readd-member-${campaignId}-${member.creatorId}`}
            type="button"
            className="small"
            disabled={readd.isPending}
            onClick={() => readd.mutate({ creatorId: member.creatorId })}
          >
            Re-add {member.name}
          </button>
        )
      )}
      {readd.isError && (
        <p role="alert" className="error">
          Could not re-add {member.name}: {readd.error.message}
        </p>
      )}
    </li>
  );
}
