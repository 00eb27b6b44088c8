import { lazy, Suspense, useState } from 'react';
import { rangeQuery } from '../../api/client.ts';
import { useDashboard } from '../../api/reports.ts';
import { useSession } from '../../session.tsx';
import { DownloadLink } from '../../ui/DownloadLink.tsx';
import { presetRange } from '../../ui/date-range.ts';
import { formatCount, formatMoney } from '../../ui/format.ts';
import { type RangeChoice, RangePicker } from '../../ui/RangePicker.tsx';
import { Link } from '../../ui/router.tsx';
import { TableScroll } from '../../ui/TableScroll.tsx';
import { useDocumentTitle } from '../../ui/use-document-title.ts';

// Home: the range's totals, sales over time, a row per campaign, and the sales export.

// The chart library is the largest part of the app: it loads beside the totals, not before them.
const SalesChart = lazy(() => import('./SalesChart.tsx').then((m) => ({ default: m.SalesChart })));

export function HomePage() {
  useDocumentTitle('Home');
  const { account, user } = useSession();
  const [choice, setChoice] = useState<RangeChoice>(() => ({ preset: '30d', range: presetRange('30d', account.timeZone) }));
  const query = rangeQuery(choice.range);
  const dashboard = useDashboard(choice.range);

  return (
    <section aria-labelledby="home-title">
      <div className="toolbar">
        <h1 id="home-title">Home</h1>
        <RangePicker value={choice} timeZone={account.timeZone} onChange={setChoice} />
        {user.role !== 'viewer' && (
          <DownloadLink className="button" href={`/api/sales/export${query}`} failure="Download failed">
            Download
          </DownloadLink>
        )}
      </div>
      {dashboard.isPending && <p role="status">Loading…</p>}
      {dashboard.isError && (
        <p role="alert" className="error">
          {dashboard.error.message}
        </p>
      )}
      {dashboard.data && (
        <>
          {dashboard.data.fxMissing > 0 && (
            <p className="notice" role="note">
              {dashboard.data.fxMissing} {dashboard.data.fxMissing === 1 ? 'order is' : 'orders are'} left out of these totals until an
              exchange rate for its currency is added.
            </p>
          )}
          <dl className="stats">
            <div className="stat stat-main">
              <dt>Total Sales Generated</dt>
              <dd data-testid="total-sales">{formatMoney(dashboard.data.totalSales)}</dd>
            </div>
            <div className="stat">
              <dt>Orders</dt>
              <dd data-testid="orders">{formatCount(dashboard.data.orders)}</dd>
            </div>
            <div className="stat">
              <dt>Commission</dt>
              <dd data-testid="commission">{formatMoney(dashboard.data.commission)}</dd>
            </div>
          </dl>
          <Suspense
            fallback={
              <p className="chart muted" role="status">
                Loading the chart…
              </p>
            }
          >
            <SalesChart series={dashboard.data.series} currency={dashboard.data.currency} />
          </Suspense>
          <h2>Campaigns</h2>
          <TableScroll label="Campaigns table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Campaign</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                  <th scope="col" className="num">
                    Sales
                  </th>
                  <th scope="col" className="num">
                    Commission
                  </th>
                </tr>
              </thead>
              <tbody>
                {dashboard.data.campaigns.map((c) => (
                  <tr key={c.campaignId}>
                    <th scope="row">
                      <Link href={`/campaigns/${c.campaignId}`}>{c.name}</Link>
                    </th>
                    <td className="num">{formatCount(c.orders)}</td>
                    <td className="num">{formatMoney(c.sales)}</td>
                    <td className="num">{formatMoney(c.commission)}</td>
                  </tr>
                ))}
                {dashboard.data.campaigns.length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      No campaigns yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}
