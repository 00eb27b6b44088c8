// Currency change at scale: re-expressing every conversion in another default currency
// (PATCH /api/account) while readers keep asking for the dashboard. Figures: seconds for the
// change, and the readers' p50 / p99 / max meanwhile; every answer must be wholly in the old
// currency or wholly in the new one (the totals of before or of after, to the cent), and the
// totals after must equal a plain GROUP BY over the raw rows. Target: < 60 s, reads p99 < 100 ms.
import { sql } from 'kysely';
import { toMoney } from '../../src/core/money.ts';
import { connectTarget, loadDataset } from '../lib/dataset.ts';
import { percentile, startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

type Totals = { currency: string; totalSales: { value: string }; commission: { value: string }; orders: number };
const key = (d: Totals) => `${d.currency} ${d.orders} ${d.totalSales.value} ${d.commission.value}`;

const scenario: Scenario = {
  name: 'currency',
  summary: 'default currency change over every conversion, with dashboard reads meanwhile; target < 60 s, reads p99 < 100 ms',
  flags: {
    conversions: { default: '200000', help: 'conversions loaded (the issue: 10000000)' },
    readers: { default: '2', help: 'concurrent dashboard readers during the change' },
    to: { default: 'USD', help: 'the new default currency' },
    keep: { default: 'no', help: 'yes: keep the loaded database for a later --reuse' },
    reuse: {
      default: '',
      help: 'the name of a database kept by an earlier --keep yes run (of this scenario or dashboards), used instead of loading one',
    },
  },
  async run(flags, log) {
    const data = await loadDataset({
      conversions: Number(flags.conversions),
      keep: flags.keep === 'yes',
      reuse: flags.reuse || undefined,
      log,
    });
    const server = await startServer(data.target);
    const conn = await connectTarget(data.target);
    try {
      const headers = { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' };
      const dashboard = async (range = '') => {
        const t0 = performance.now();
        const res = await fetch(`${server.base}/api/dashboard${range}`, { headers });
        const body = (await res.json()) as Totals;
        if (!res.ok) throw new Error(`dashboard: ${res.status} ${JSON.stringify(body)}`);
        return { ms: performance.now() - t0, body };
      };
      const before = (await dashboard()).body;

      // Readers: the dashboard for all time and for the last 30 days, in turn, as fast as answered.
      let changing = true;
      const during: number[] = [];
      const seen = new Map<string, number>();
      const reader = async () => {
        while (changing) {
          const { ms, body } = await dashboard();
          during.push(ms);
          seen.set(key(body), (seen.get(key(body)) ?? 0) + 1);
        }
      };
      const readers = Array.from({ length: Number(flags.readers) }, reader);
      await new Promise((r) => setTimeout(r, 1_000));
      const t0 = performance.now();
      const res = await fetch(`${server.base}/api/account`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ defaultCurrency: flags.to }),
      });
      const changeSeconds = (performance.now() - t0) / 1000;
      if (!res.ok) throw new Error(`currency change: ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 1_000));
      changing = false;
      await Promise.all(readers);
      const after = (await dashboard()).body;

      // The totals after, against the plain GROUP BY of the raw rows.
      const truth = (
        await sql<{ orders: number; sales: string; commission: string }>`
        select count(*)::int as orders, sum(converted_minor)::text as sales, sum(commission_minor)::text as commission
        from conversions where account_id = ${data.accountId} and counted`.execute(conn.db)
      ).rows[0]!;
      const expected = `${flags.to} ${truth.orders} ${toMoney(BigInt(truth.sales), flags.to!).value} ${toMoney(BigInt(truth.commission), flags.to!).value}`;
      if (key(after) !== expected) throw new Error(`after the change the dashboard says ${key(after)}, the GROUP BY ${expected}`);
      const allowed = new Set([key(before), key(after)]);
      const mixed = [...seen.keys()].filter((k) => !allowed.has(k));
      if (mixed.length > 0) throw new Error(`answers neither all-before nor all-after: ${mixed.join('; ')}`);

      // A kept database goes back to its own currency, so that the dashboards scenario can
      // reuse it; the second change is timed too.
      let backSeconds: number | undefined;
      if (flags.reuse) {
        const t1 = performance.now();
        const back = await fetch(`${server.base}/api/account`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ defaultCurrency: data.currency }),
        });
        if (!back.ok) throw new Error(`currency change back: ${back.status} ${await back.text()}`);
        backSeconds = (performance.now() - t1) / 1000;
        if (key((await dashboard()).body) !== key(before)) throw new Error('after changing back the dashboard differs from before');
        log(`changed back to ${data.currency} in ${backSeconds.toFixed(1)} s`);
      }

      during.sort((a, b) => a - b);
      const figures: Figures = {
        conversions: data.conversions,
        changeSeconds: Number(changeSeconds.toFixed(2)),
        rowsPerSec: Math.round(data.conversions / changeSeconds),
        readsDuring: during.length,
        readsOld: seen.get(key(before)) ?? 0,
        readsNew: seen.get(key(after)) ?? 0,
        readP50Ms: Number(percentile(during, 50).toFixed(1)),
        readP99Ms: Number(percentile(during, 99).toFixed(1)),
        readMaxMs: Number((during.at(-1) ?? Number.NaN).toFixed(1)),
        ...(backSeconds !== undefined && { changeBackSeconds: Number(backSeconds.toFixed(2)) }),
      };
      log(`changed in ${changeSeconds.toFixed(1)} s; ${during.length} reads meanwhile, p99 ${figures.readP99Ms} ms; after: ${key(after)}`);
      return figures;
    } finally {
      await conn.close();
      await server.stop();
      await data.drop();
    }
  },
};

export default scenario;
