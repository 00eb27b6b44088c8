import { useState } from 'react';
import { useDeadLetters, useReplay } from '../../api/settings.ts';
import type { DeadLetter, Store } from '../../api/types.ts';
import { TableScroll } from '../../ui/TableScroll.tsx';

// A store's signed deliveries that could not be processed. Replay parses one again with the
// current code and store settings (e.g. after its currency was corrected) and applies it if
// it now can; otherwise it stays, with the new reason.

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function DeadLetters({ store }: { store: Store }) {
  const letters = useDeadLetters(store.id);
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const action = useReplay(store.id);

  function replay(letter: DeadLetter) {
    setOutcome(null);
    action.mutate(letter.id, {
      onSuccess: (result) =>
        setOutcome(
          result.status === 'dead'
            ? { kind: 'error', text: `Delivery ${letter.id} still fails: ${result.reason ?? 'no reason given'}.` }
            : {
                kind: 'ok',
                text: `Delivery ${letter.id} was ${result.status === 'done' ? 'applied' : 'queued and will be applied shortly'}.`,
              },
        ),
    });
  }

  return (
    <div className="dead-letters">
      <h4 id={`dead-letters-${store.id}`}>Failed deliveries</h4>
      {letters.isPending && <p role="status">Loading…</p>}
      {letters.isError && (
        <p role="alert" className="error">
          {letters.error.message}
        </p>
      )}
      {letters.data && letters.data.items.length === 0 && <p className="muted">No failed deliveries.</p>}
      {letters.data && letters.data.items.length > 0 && (
        <TableScroll label={`Failed deliveries of ${store.name}`}>
          <table aria-labelledby={`dead-letters-${store.id}`}>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Topic</th>
                <th scope="col">Reason</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {letters.data.items.map((d) => (
                <tr key={d.id} data-dead-letter-id={d.id}>
                  <td>
                    <time dateTime={d.receivedAt}>{when(d.receivedAt)}</time>
                  </td>
                  <td>{d.topic}</td>
                  <td className="wrap">{d.reason}</td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      disabled={action.isPending}
                      onClick={() => replay(d)}
                      aria-label={`Replay delivery ${d.id}`}
                    >
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {action.isError && (
        <p role="alert" className="error">
          {action.error.message}
        </p>
      )}
      <p role="status" className={outcome?.kind === 'error' ? 'error' : 'ok'}>
        {outcome?.text}
      </p>
    </div>
  );
}
