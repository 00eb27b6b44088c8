import { type FormEvent, useState } from 'react';
import { useSaveTerms } from '../../api/campaigns.ts';
import type { Campaign } from '../../api/types.ts';
import { CommissionFields } from '../../ui/CommissionFields.tsx';
import { describeTerms, draftOf, type TermsDraft, termsBody } from '../../ui/commission-terms.ts';

// The campaign's commission terms: read-only words for members and viewers, a form for admins.
// New terms apply to conversions created from now on (the API snapshots terms per conversion).

export function TermsForm({ campaign, defaultCurrency, canEdit }: { campaign: Campaign; defaultCurrency: string; canEdit: boolean }) {
  const [draft, setDraft] = useState<TermsDraft>(() => draftOf(campaign.commission, defaultCurrency));
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useSaveTerms(campaign.id);

  if (!canEdit) {
    return <p data-testid="campaign-terms">{describeTerms(campaign.commission)}</p>;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = termsBody(draft);
    if ('error' in parsed) {
      setInvalid(parsed.error);
      return;
    }
    setInvalid(null);
    save.mutate(parsed.body, { onSuccess: (saved) => setDraft(draftOf(saved.commission, defaultCurrency)) });
  };

  return (
    <form className="terms-form" onSubmit={submit} aria-label="Commission terms">
      <p>
        Now: <span data-testid="campaign-terms">{describeTerms(campaign.commission)}</span>
      </p>
      <CommissionFields
        legend="New terms"
        value={draft}
        onChange={(d) => {
          setDraft(d);
          save.reset();
        }}
        disabled={save.isPending}
      />
      <p className="muted">New terms apply to orders attributed from now on; existing orders keep the terms they were made under.</p>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save terms
        </button>
        {save.isSuccess && <span role="status">Terms saved.</span>}
      </div>
      {invalid && (
        <p role="alert" className="error">
          {invalid}
        </p>
      )}
      {save.isError && (
        <p role="alert" className="error">
          Could not save the terms: {save.error.message}
        </p>
      )}
    </form>
  );
}
