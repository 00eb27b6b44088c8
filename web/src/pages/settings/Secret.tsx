import { useId, useState } from 'react';
import { CopyButton } from '../../ui/CopyButton.tsx';

// A secret shown masked until revealed, with a copy button that works either way.
// `label` names it in the buttons' accessible names, e.g. "webhook secret of Web shop".

export function Secret({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  const id = useId();
  return (
    <span className="secret">
      <code id={id} data-testid="secret" data-revealed={shown}>
        {shown ? value : '•'.repeat(24)}
      </code>
      <button
        type="button"
        className="small"
        aria-controls={id}
        aria-label={`${shown ? 'Hide' : 'Reveal'} ${label}`}
        onClick={() => setShown(!shown)}
      >
        {shown ? 'Hide' : 'Reveal'}
      </button>
      <CopyButton text={value} label={`Copy ${label}`} />
    </span>
  );
}
