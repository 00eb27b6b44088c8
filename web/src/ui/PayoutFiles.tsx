import { usePendingWithoutPaypal } from '../api/payout-files.ts';
import { DownloadLink } from './DownloadLink.tsx';
import { formatMoney } from './format.ts';
import { Link } from './router.tsx';

// The payouts' files for members and admins: the accounting CSVs and the PayPal Payouts file of
// pending payouts in the default currency, with a hint naming the pending payouts it leaves out
// because their creator has no PayPal e-mail.

/** Pending payouts named in the hint; past them it says there are more. */
const NAMED = 20;

export function PayoutFiles() {
  const skipped = usePendingWithoutPaypal(NAMED);
  const items = skipped.data?.items ?? [];
  const more = Boolean(skipped.data?.nextCursor);
  return (
    <section className="panel payout-files" aria-labelledby="payout-files-title">
      <h2 id="payout-files-title">Payout files</h2>
      <p className="payout-file-links">
        <DownloadLink className="button secondary" href="/api/payouts/export" failure="Export failed">
          Payouts (CSV)
        </DownloadLink>
        <DownloadLink className="button secondary" href="/api/payouts/lines/export" failure="Export failed">
          Payout lines (CSV)
        </DownloadLink>
        <DownloadLink className="button secondary" href="/api/payouts/paypal-batch" failure="Export failed">
          PayPal Payouts file
        </DownloadLink>
      </p>
      {items.length > 0 && (
        <div className="notice" data-testid="without-paypal">
          <p>
            {more
              ? `More than ${items.length} pending payouts are`
              : items.length === 1
                ? '1 pending payout is'
                : `${items.length} pending payouts are`}{' '}
            not in the PayPal file: the creator has no PayPal e-mail (add it on their page).{more && ' The newest are named here.'}
          </p>
          <ul>
            {items.map((p) => (
              <li key={p.id}>
                <Link href={`/creators/${p.creatorId}`}>{p.creatorName}</Link> · {formatMoney(p.amount)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {skipped.isError && (
        <p role="alert" className="error">
          Could not check the pending payouts: {skipped.error.message}
        </p>
      )}
    </section>
  );
}
