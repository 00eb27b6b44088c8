import { useCreator, useCreatorCampaigns } from '../../api/creator-page.ts';
import { useSession } from '../../session.tsx';
import { Link } from '../../ui/router.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import { PaypalEmailEditor } from '../community/PaypalEmailEditor.tsx';
import { PayoutsTable } from '../payments/PayoutsTable.tsx';
import { PortalLinkControl } from '../portal/PortalLinkControl.tsx';
import { AdjustmentsSection } from './AdjustmentsSection.tsx';
import { CreatorCampaigns } from './CreatorCampaigns.tsx';
import { CreatorDue } from './CreatorDue.tsx';
import { CreatorOrders } from './CreatorOrders.tsx';
import '../payments/payments.css';

// A creator across the account (SPEC §7): who they are (admins set their PayPal e-mail and make
// or revoke the link to their own page here), what they are owed now, their campaigns with
// codes, links and terms, their orders, what they earned, their adjustments and their payouts.
// Every table that names a creator links here.

export function CreatorPage({ creatorId }: { creatorId: string }) {
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const creator = useCreator(creatorId);
  const campaigns = useCreatorCampaigns(creatorId);
  useDocumentTitle(creator.data?.name ?? 'Creator');

  return (
    <section aria-labelledby="creator-title" className="creator-page">
      <p>
        <Link href="/community">← Community</Link>
      </p>
      <h1 id="creator-title">{creator.data?.name ?? 'Creator'}</h1>
      {creator.isError && (
        <p role="alert" className="error">
          {creator.error.message}
        </p>
      )}
      {creator.data && (
        <dl className="creator-facts">
          <div>
            <dt className="muted">Handle</dt>
            <dd>{creator.data.handle ?? '—'}</dd>
          </div>
          <div>
            <dt className="muted">E-mail</dt>
            <dd>{creator.data.email ?? '—'}</dd>
          </div>
          <div>
            <dt className="muted">PayPal e-mail</dt>
            <dd data-fact="paypal-email">{creator.data.paypalEmail ?? '—'}</dd>
          </div>
          {creator.data.removed && (
            <div>
              <dt className="muted">Community</dt>
              <dd>Removed</dd>
            </div>
          )}
        </dl>
      )}
      {creator.data && canEdit && (
        <div className="row-actions creator-actions">
          <PaypalEmailEditor creatorId={creatorId} creatorName={creator.data.name} />
          <PortalLinkControl creatorId={creatorId} creatorName={creator.data.name} showState />
        </div>
      )}

      <section aria-labelledby="creator-due-title">
        <h2 id="creator-due-title">Amount due now</h2>
        <CreatorDue creatorId={creatorId} />
      </section>

      <section aria-labelledby="creator-campaigns-title">
        <h2 id="creator-campaigns-title">Campaigns</h2>
        {campaigns.isPending && <p role="status">Loading…</p>}
        {campaigns.isError && (
          <p role="alert" className="error">
            Could not load the campaigns: {campaigns.error.message}
          </p>
        )}
        {campaigns.data && <CreatorCampaigns campaigns={campaigns.data} />}
      </section>

      <section aria-labelledby="creator-orders-title">
        <h2 id="creator-orders-title">Orders</h2>
        <CreatorOrders creatorId={creatorId} />
      </section>

      <section aria-labelledby="creator-adjustments-title">
        <h2 id="creator-adjustments-title">Adjustments</h2>
        <AdjustmentsSection creatorId={creatorId} canEdit={canEdit} />
      </section>

      <section aria-labelledby="creator-payouts-title">
        <h2 id="creator-payouts-title">Payouts</h2>
        <PayoutsTable key={creatorId} filter={{ creatorId }} canEdit={canEdit} label="Creator's payouts" />
      </section>
    </section>
  );
}
