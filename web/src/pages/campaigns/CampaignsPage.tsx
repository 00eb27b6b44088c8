import { type FormEvent, useId, useState } from 'react';
import { useCampaigns, useCreateCampaign } from '../../api/campaigns.ts';
import { useSession } from '../../session.tsx';
import { CommissionFields } from '../../ui/CommissionFields.tsx';
import { describeTerms, draftOf, type TermsDraft, termsBody } from '../../ui/commission-terms.ts';
import { Link, navigate } from '../../ui/router.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';
import '../campaign/campaign-settings.css';

// The account's campaigns, each linking to its page; admins create new ones here.

export function CampaignsPage() {
  useDocumentTitle('Campaigns');
  const { user } = useSession();
  const campaigns = useCampaigns();
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      {campaigns.isPending && <p role="status">Loading…</p>}
      {campaigns.isError && (
        <p role="alert" className="error">
          {campaigns.error.message}
        </p>
      )}
      {campaigns.data && (
        <ul className="cards">
          {campaigns.data.items.map((c) => (
            <li key={c.id}>
              <Link href={`/campaigns/${c.id}`}>{c.name}</Link>
              <span className="muted">{describeTerms(c.commission)}</span>
            </li>
          ))}
          {campaigns.data.items.length === 0 && <li className="muted">No campaigns yet.</li>}
        </ul>
      )}
      {user.role === 'admin' && <NewCampaignForm />}
    </section>
  );
}

function NewCampaignForm() {
  const id = useId();
  const { account } = useSession();
  const [name, setName] = useState('');
  const [terms, setTerms] = useState<TermsDraft>(() => draftOf(null, account.defaultCurrency));
  const [invalid, setInvalid] = useState<string | null>(null);
  const create = useCreateCampaign();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setInvalid('Give the campaign a name.');
      return;
    }
    const parsed = termsBody(terms);
    if ('error' in parsed) {
      setInvalid(parsed.error);
      return;
    }
    setInvalid(null);
    create.mutate(
      { name: name.trim(), commission: parsed.body },
      { onSuccess: (created) => navigate(`/campaigns/${created.id}/settings`) },
    );
  };

  return (
    <form className="panel new-campaign" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New campaign</h2>
      <label htmlFor={`${id}-name`}>Campaign name</label>
      <input id={`${id}-name`} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
      <CommissionFields value={terms} onChange={setTerms} disabled={create.isPending} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create campaign
        </button>
      </div>
      {invalid && (
        <p role="alert" className="error">
          {invalid}
        </p>
      )}
      {create.isError && (
        <p role="alert" className="error">
          Could not create the campaign: {create.error.message}
        </p>
      )}
    </form>
  );
}
