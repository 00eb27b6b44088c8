import { type FormEvent, useId, useState } from 'react';
import { useSaveHold } from '../../api/campaigns.ts';
import type { Campaign } from '../../api/types.ts';

// The campaign's hold (SPEC §11): how many days a conversion's commission waits after its order
// before it is payable, so a refund within the store's return window costs nothing to claw
// back. Read-only for members and viewers; the server checks the range (0–365).

export function HoldForm({ campaign, canEdit }: { campaign: Campaign; canEdit: boolean }) {
  const id = useId();
  const [days, setDays] = useState(String(campaign.holdDays));
  const save = useSaveHold(campaign.id);

  if (!canEdit) {
    return (
      <p data-testid="campaign-hold">
        Commission is payable {campaign.holdDays} {campaign.holdDays === 1 ? 'day' : 'days'} after its order.
      </p>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Sent as typed (a whole number or not): the server's answer says what is wrong.
    const value = days.trim() === '' ? Number.NaN : Number(days);
    save.mutate(value, { onSuccess: (saved) => setDays(String(saved.holdDays)) });
  };

  return (
    <form className="hold-form" onSubmit={submit} aria-label="Payment hold">
      <label htmlFor={id}>Hold (days)</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        value={days}
        onChange={(e) => {
          setDays(e.target.value);
          save.reset();
        }}
      />
      <p className="muted hint">Commission is on hold for this many days after its order (0 to 365), then payable.</p>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save hold
        </button>
        {save.isSuccess && <span role="status">Hold saved.</span>}
      </div>
      {save.isError && (
        <p role="alert" className="error">
          Could not save the hold: {save.error.message}
        </p>
      )}
    </form>
  );
}
