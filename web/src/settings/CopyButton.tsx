import { useEffect, useState } from 'react';

// Copies a value to the clipboard and says whether it worked; where the clipboard is not
// available (an insecure origin) the user is told to select the text instead.

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(null), 4000);
    return () => clearTimeout(timer);
  }, [outcome]);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="small" onClick={() => void copy()} aria-label={label}>Copy</button>
      <span role="status" className={outcome === 'failed' ? 'error' : 'muted'}>
        {outcome === 'copied' && 'Copied'}
        {outcome === 'failed' && 'Could not copy: select the text and copy it.'}
      </span>
    </span>
  );
}
