import { type FormEvent, useEffect, useId, useState } from 'react';
import { useCreator, useSetPaypalEmail } from '../../api/creators.ts';

// A creator's PayPal e-mail, where the PayPal Payouts file sends their pending payouts: changed
// from the creator's Community row or their page, read when opened (the Community's list has
// only figures).

export function PaypalEmailEditor({ creatorId, creatorName }: { creatorId: string; creatorName: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const creator = useCreator(creatorId, open);
  const save = useSetPaypalEmail(creatorId);
  const [value, setValue] = useState('');
  const stored = creator.data?.paypalEmail ?? null;
  useEffect(() => setValue(stored ?? ''), [stored]);

  if (!open) {
    return (
      <button type="button" className="small" onClick={() => setOpen(true)}>
        PayPal<span className="visually-hidden"> e-mail of {creatorName}</span>
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(value.trim() === '' ? null : value.trim());
  };
  return (
    <form className="paypal-email" onSubmit={submit}>
      <label htmlFor={id}>PayPal e-mail of {creatorName}</label>
      <input
        id={id}
        type="email"
        value={value}
        disabled={!creator.data}
        autoComplete="off"
        onChange={(e) => {
          setValue(e.target.value);
          save.reset();
        }}
      />
      <button type="submit" className="small" disabled={!creator.data || save.isPending}>
        Save
      </button>
      <button type="button" className="small" onClick={() => setOpen(false)}>
        Close
      </button>
      {save.isSuccess && <span role="status">{save.data.paypalEmail ? 'Saved.' : 'Cleared.'}</span>}
      {(creator.error ?? save.error) && (
        <span role="alert" className="error">
          {(creator.error ?? save.error)?.message}
        </span>
      )}
    </form>
  );
}
