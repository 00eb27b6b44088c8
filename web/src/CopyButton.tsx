import { useEffect, useState } from 'react';

// Copies text to the clipboard and says so; where the clipboard cannot be used (an insecure
// origin, a denied permission) it says how to copy by hand instead.

const CONFIRM_MS = 2_500;

export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <span className="copy">
      <button type="button" className="small" aria-label={`Copy ${what}`} onClick={() => void copy()}>Copy</button>
      <span role="status" className="copied">{state === 'copied' ? 'Copied' : ''}</span>
      {state === 'failed' && (
        <span role="alert" className="error">Copying is not available in this browser: select the address and copy it by hand.</span>
      )}
    </span>
  );
}
