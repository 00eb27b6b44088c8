import { useState } from 'react';
import { ApiError } from '../../api/client.ts';

// One form's submission: busy while it runs, the server's message when it fails.

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : `Could not reach the server: ${(e as Error).message}`);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
