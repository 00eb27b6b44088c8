import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { keys } from './keys.ts';

// Changes made elsewhere — a new order, a refund, a colleague's reject — arrive on the
// account's event stream (GET /api/events). The figures on screen are refetched through the
// same query keys the pages read (keys.ts), and the rows that changed are marked for a moment
// so the eye finds them.

const HIGHLIGHT_MS = 3_000;
/**
 * What a changed conversion can change: its rows, its campaign's figures, the totals, the
 * Community's, its creator's page, and the amounts due (a refund of a paid order is a clawback).
 */
const FIGURES = [keys.conversions.all, keys.performance.all, keys.dashboard.all, keys.community.all, keys.creator.all, keys.payouts.all];
const changedAt = new Map<string, number>();
const listeners = new Set<() => void>();
let version = 0;

function bump() {
  version += 1;
  for (const listener of listeners) listener();
}

function markChanged(conversionId: string) {
  changedAt.set(conversionId, Date.now());
  bump();
  setTimeout(() => {
    if (Date.now() - (changedAt.get(conversionId) ?? 0) >= HIGHLIGHT_MS) changedAt.delete(conversionId);
    bump();
  }, HIGHLIGHT_MS);
}

/** Whether this conversion changed elsewhere in the last few seconds. */
export function useRecentlyChanged(conversionId: string): boolean {
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => version,
  );
  return changedAt.has(conversionId);
}

/**
 * Subscribes the signed-in app to the event stream for as long as it is mounted. The server
 * ends the stream when the session ends (signed out everywhere, the user removed); the browser
 * reconnects, and when that is refused, `onRefused` is called.
 */
export function useLiveUpdates(onRefused: () => void): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/events');
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) onRefused();
    });
    let refetch: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      // A burst of changes is one refetch.
      clearTimeout(refetch);
      refetch = setTimeout(() => {
        for (const queryKey of FIGURES) void queryClient.invalidateQueries({ queryKey });
      }, 200);
    };
    source.addEventListener('conversion', (event) => {
      const conversion = JSON.parse((event as MessageEvent<string>).data) as { id: string };
      markChanged(conversion.id);
      refresh();
    });
    // Payouts or adjustments changed (here or elsewhere): amounts due, payouts, adjustments.
    source.addEventListener('payouts', () => void queryClient.invalidateQueries({ queryKey: keys.payouts.all }));
    // The stream could not replay what was missed: everything is refetched.
    source.addEventListener('reload', () => void queryClient.invalidateQueries());
    return () => {
      clearTimeout(refetch);
      source.close();
    };
  }, [queryClient, onRefused]);
}
