// Ingest: signed Shopify orders/create deliveries from concurrent senders at the real server
// on PostgreSQL; each 2xx means the delivery is committed (default synchronous_commit). The
// ceiling is a bare node:http server on the same machine that reads the same bodies and
// answers 200. After the run, every delivery must have become exactly one conversion.
import { spawn } from 'node:child_process';
import type http from 'node:http';
import { freePort, percentile } from '../lib/server.ts';
import type { Scenario } from '../scenario.ts';
import { agentFor, analyzed, count, drained, orderBody, post, type SignedBody, startTally } from '../webhook-load.ts';

export interface Load {
  seconds: number;
  latenciesMs: number[];
  failures: Map<number, number>;
}

/** Closed loop: each sender posts its next body as soon as the previous one is answered. */
export async function load(agent: http.Agent, url: URL, storeId: string, bodies: SignedBody[], senders: number): Promise<Load> {
  const latenciesMs: number[] = [];
  const failures = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++]!;
        const sent = performance.now();
        const { status, at } = await post(agent, url, storeId, b);
        if (status >= 200 && status < 300) latenciesMs.push(at - sent);
        else failures.set(status, (failures.get(status) ?? 0) + 1);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latenciesMs, failures };
}

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"outcome":"stored"}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.argv[1]), '127.0.0.1', () => process.send('ready'));
`;

/** A ceiling pass shorter than this is repeated: a second of a fast server swings with the machine. */
const CEILING_SECONDS = 5;

/**
 * The deliveries a second that a bare node:http server in its own process answers, reading the
 * same bodies and answering 200: after a warm-up, the bodies are sent again until at least
 * CEILING_SECONDS have passed, and the rate is over all of it.
 */
export async function ceiling(bodies: SignedBody[], senders: number): Promise<number> {
  const port = await freePort();
  const bare = spawn(process.execPath, ['-e', BARE_SERVER, String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => bare.once('message', resolve));
  const agent = agentFor(senders);
  try {
    const url = new URL(`http://127.0.0.1:${port}`);
    await load(agent, url, '1', bodies.slice(0, Math.min(2_000, bodies.length)), senders);
    let sent = 0;
    let seconds = 0;
    while (seconds < CEILING_SECONDS) {
      const pass = await load(agent, url, '1', bodies, senders);
      if (pass.failures.size > 0) throw new Error(`the bare server answered ${JSON.stringify(Object.fromEntries(pass.failures))}`);
      sent += bodies.length;
      seconds += pass.seconds;
    }
    return sent / seconds;
  } finally {
    agent.destroy();
    bare.kill();
  }
}

const scenario: Scenario = {
  name: 'ingest',
  summary:
    'signed Shopify orders/create deliveries answered 2xx per second, durable, against a bare node:http server; target ≥ 5,000/s and ≥ 0.25 of the ceiling',
  flags: {
    senders: { default: '64', help: 'concurrent senders (keep-alive connections)' },
    deliveries: { default: '20000', help: 'deliveries sent in the measured run' },
    warmup: { default: '2000', help: 'deliveries sent first, not measured (they count in the conversions check)' },
  },
  async run(flags, log) {
    const senders = Number(flags.senders);
    const n = Number(flags.deliveries);
    const warm = Number(flags.warmup);
    if (!(senders > 0 && n > 0 && warm >= 0)) throw new Error('--senders and --deliveries must be positive, --warmup not negative');
    const run = Date.now().toString(36);
    const bodies = Array.from({ length: warm + n }, (_, i) => orderBody(run, i));
    const sizes = bodies.map((b) => b.body.length);
    log(`${warm + n} bodies of ${Math.min(...sizes)}–${Math.max(...sizes)} bytes, signed`);

    const tally = await startTally(log);
    const agent = agentFor(senders);
    try {
      const url = new URL(tally.url);
      await load(agent, url, tally.storeId, bodies.slice(0, warm), senders);
      await drained(tally.db, 300_000);
      await analyzed(tally.db);
      const measured = await load(agent, url, tally.storeId, bodies.slice(warm), senders);
      const answeredAt = performance.now();
      if (measured.failures.size > 0) throw new Error(`non-2xx answers: ${JSON.stringify(Object.fromEntries(measured.failures))}`);
      const doneAt = await drained(tally.db, 600_000);
      const conversions = await count(
        tally.db,
        `select count(*)::text as n from conversions where store_id = ${Number(tally.storeId)} and counted`,
      );
      if (conversions !== warm + n) throw new Error(`${conversions} counted conversions for ${warm + n} deliveries sent`);
      log(
        `${conversions} counted conversions for ${warm + n} deliveries sent; the processor finished ${((doneAt - answeredAt) / 1000).toFixed(1)} s after the last answer`,
      );

      const sorted = measured.latenciesMs.sort((a, b) => a - b);
      const rate = n / measured.seconds;
      const ceilingRate = await ceiling(bodies.slice(warm), senders);
      return {
        senders,
        deliveries: n,
        database: 'PostgreSQL',
        deliveriesPerSec: Math.round(rate),
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        appliedPerSec: Math.round(n / ((doneAt - (answeredAt - measured.seconds * 1000)) / 1000)),
        conversions,
        ceilingPerSec: Math.round(ceilingRate),
        ratioOfCeiling: Number((rate / ceilingRate).toFixed(3)),
      };
    } finally {
      agent.destroy();
      await tally.stop();
    }
  },
};

export default scenario;
