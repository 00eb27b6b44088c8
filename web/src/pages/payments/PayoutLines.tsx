import { usePayout } from '../../api/payouts.ts';
import { formatMoney } from '../../ui/format.ts';

// What a payout pays: each order's commission and each adjustment, frozen when it was authorized.

export function PayoutLines({ payoutId }: { payoutId: string }) {
  const payout = usePayout(payoutId);
  if (payout.isPending) return <p role="status">Loading…</p>;
  if (payout.isError)
    return (
      <p role="alert" className="error">
        Could not load the lines: {payout.error.message}
      </p>
    );
  return (
    <table className="payout-lines" aria-label={`Lines of the payout to ${payout.data.creatorName}`}>
      <thead>
        <tr>
          <th scope="col">Order or adjustment</th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {payout.data.lines.map((line) => (
          <tr key={line.conversionId ? `c${line.conversionId}` : `a${line.adjustmentId}`}>
            <td>{line.conversionId ? `Order ${line.orderNumber}` : `Adjustment ${line.adjustmentId}`}</td>
            <td className="num">{formatMoney(line.amount)}</td>
          </tr>
        ))}
      </tbody>
      {payout.data.note && (
        <tfoot>
          <tr>
            <td colSpan={2} className="muted">
              Note: {payout.data.note}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
