import { useEffect, useState } from 'react';

// Copies text to the clipboard and says so; where the clipboard cannot be used (an insecure
// origin, a denied permission) it says how to copy by hand instead.

const CONFIRM_MS = 2_500;

/** `label` names the button for assistive technology; `select` is what the user copies by hand when the clipboard fails. */
export function CopyButton({ text, label, select = 'text' }: { text: string; label: string; select?: string }) {
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
      <button type="button" className="small" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="copied">
        {state === 'copied' ? 'Copied' : ''}
      </span>
      {state === 'failed' && (
        <span role="alert" className="error">
          Copying is not available in this browser: select the {select} and copy it by hand.
        </span>
      )}
    </span>
  );
}
