// Embedded: the ingest and dashboards scenarios on the embedded database (PGlite, the default
// of `npm start`) holding a brand's ledger of N conversions. The data directory is loaded
// like the PostgreSQL dataset (same rows, same rules), the plain GROUP BYs are read from it
// directly, and then one `tally serve` process opens it: the dashboards are timed and checked
// to the cent against the GROUP BYs, and signed Shopify deliveries are sent at it, every one of
// which must become a counted conversion. Ceilings: the GROUP BY (dashboards) and a bare
// node:http server reading the same bodies (ingest). The issue asks for 1,000,000 conversions
// and a statement in the README of up to what size the embedded default serves.
import { loadDataset } from '../lib/dataset.ts';
import { percentile, startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';
import { agentFor, orderBody, setUpShopify } from '../webhook-load.ts';
import { dashboardTruth, timeDashboards } from './dashboards.ts';
import { ceiling, load } from './ingest.ts';

const scenario: Scenario = {
  name: 'embedded',
  summary: 'ingest and dashboards on the embedded database (PGlite) at N conversions; the issue asks for 1,000,000',
  flags: {
    conversions: { default: '200000', help: 'conversions loaded (the issue: 1000000)' },
    deliveries: { default: '5000', help: 'deliveries sent in the measured ingest run' },
    senders: { default: '64', help: 'concurrent senders (keep-alive connections)' },
    repeat: { default: '20', help: 'timed calls per endpoint and range, after 2 warm-up calls' },
  },
  async run(flags, log) {
    const n = Number(flags.deliveries);
    const senders = Number(flags.senders);
    if (!(n > 0 && senders > 0)) throw new Error('--deliveries and --senders must be positive');
    const data = await loadDataset({ conversions: Number(flags.conversions), embedded: true, log });
    try {
      const truth = await dashboardTruth(data, log);
      const server = await startServer(data.target);
      const agent = agentFor(senders);
      try {
        const figures: Figures = { database: 'PGlite', conversions: data.conversions, loadSeconds: Number(data.loadSeconds.toFixed(1)) };
        Object.assign(figures, await timeDashboards(server.base, data, truth, Number(flags.repeat), log), truth.figures);

        // Ingest into the loaded ledger.
        const headers = { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' };
        const call = async (method: string, path: string, body: unknown) => {
          const res = await fetch(`${server.base}${path}`, { method, headers, body: JSON.stringify(body) });
          if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
          return (await res.json()) as { id: string; key: string };
        };
        const { store, campaign } = await setUpShopify(call);
        const counted = async () => {
          const res = await fetch(`${server.base}/api/campaigns/${campaign.id}/performance`, { headers });
          return ((await res.json()) as { totals: { orders: number } }).totals.orders;
        };
        const run = Date.now().toString(36);
        const warm = Math.min(500, n);
        const bodies = Array.from({ length: warm + n }, (_, i) => orderBody(run, i));
        const url = new URL(server.base);
        const applied = async (expected: number, timeoutMs: number) => {
          const deadline = performance.now() + timeoutMs;
          for (;;) {
            const got = await counted();
            if (got === expected) return performance.now();
            if (performance.now() > deadline)
              throw new Error(`${got} counted conversions for ${expected} deliveries after ${timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        await load(agent, url, store.id, bodies.slice(0, warm), senders);
        await applied(warm, 300_000);
        const measured = await load(agent, url, store.id, bodies.slice(warm), senders);
        const answeredAt = performance.now();
        if (measured.failures.size > 0) throw new Error(`non-2xx answers: ${JSON.stringify(Object.fromEntries(measured.failures))}`);
        const doneAt = await applied(warm + n, 600_000);
        log(
          `${warm + n} counted conversions for ${warm + n} deliveries; the processor finished ${((doneAt - answeredAt) / 1000).toFixed(1)} s after the last answer`,
        );
        const sorted = measured.latenciesMs.sort((a, b) => a - b);
        const rate = n / measured.seconds;
        const ceilingRate = await ceiling(bodies.slice(warm), senders);
        Object.assign(figures, {
          deliveries: n,
          senders,
          deliveriesPerSec: Math.round(rate),
          ingestP50Ms: Number(percentile(sorted, 50).toFixed(2)),
          ingestP99Ms: Number(percentile(sorted, 99).toFixed(2)),
          appliedPerSec: Math.round(n / ((doneAt - (answeredAt - measured.seconds * 1000)) / 1000)),
          ingestCeilingPerSec: Math.round(ceilingRate),
          ingestRatioOfCeiling: Number((rate / ceilingRate).toFixed(3)),
        });
        return figures;
      } finally {
        agent.destroy();
        await server.stop();
      }
    } finally {
      await data.drop();
    }
  },
};

export default scenario;
