// Freshness: at a steady rate of signed Shopify orders/create deliveries, the time from a
// delivery's 2xx to its conversion's event on /api/events (SSE), on the real server over
// PostgreSQL. Target: p99 at most 100 ms at 1,000 deliveries/s.
import http from 'node:http';
import { percentile } from '../lib/server.ts';
import type { Scenario } from '../scenario.ts';
import { agentFor, analyzed, count, drained, orderBody, post, startTally } from '../webhook-load.ts';

/** Opens the account's event stream and calls `onConversion` with each conversion's order number. */
function subscribe(url: string, apiKey: string, onConversion: (orderNumber: string, at: number) => void): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/events`, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`/api/events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!/^event: conversion$/m.test(frame)) continue;
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          onConversion((JSON.parse(data) as { orderNumber: string }).orderNumber, at);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
  });
}

const scenario: Scenario = {
  name: 'freshness',
  summary: "time from a delivery's 2xx to its conversion event on /api/events at a steady rate; target p99 ≤ 100 ms at 1,000/s",
  flags: {
    rate: { default: '1000', help: 'deliveries per second, sent at a steady pace' },
    seconds: { default: '10', help: 'length of the measured run' },
  },
  async run(flags, log) {
    const rate = Number(flags.rate);
    const seconds = Number(flags.seconds);
    if (!(rate > 0 && seconds > 0)) throw new Error('--rate and --seconds must be positive');
    const n = Math.round(rate * seconds);
    const warm = Math.min(n, Math.round(rate * 2));
    const run = Date.now().toString(36);
    const bodies = Array.from({ length: warm + n }, (_, i) => orderBody(run, i));

    const tally = await startTally(log);
    const agent = agentFor(256);
    const answered = new Map<string, number>();
    const evented = new Map<string, number>();
    const stream = await subscribe(tally.url, tally.apiKey, (number, at) => {
      if (!evented.has(number)) evented.set(number, at);
    });
    try {
      const url = new URL(tally.url);
      const failures: number[] = [];
      // Open loop: every tick sends the deliveries due by then, whatever the answers do.
      const send = async (from: number, to: number) => {
        const inFlight: Array<Promise<void>> = [];
        const started = performance.now();
        let next = from;
        while (next < to) {
          const due = from + Math.min(to - from, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
          for (; next < due; next++) {
            const b = bodies[next]!;
            inFlight.push(
              post(agent, url, tally.storeId, b).then(({ status, at }) => {
                if (status >= 200 && status < 300) answered.set(b.number, at);
                else failures.push(status);
              }),
            );
          }
          await new Promise((r) => setTimeout(r, 2));
        }
        await Promise.all(inFlight);
        return (performance.now() - started) / 1000;
      };
      await send(0, warm);
      await drained(tally.db, 120_000);
      await analyzed(tally.db);
      const took = await send(warm, warm + n);
      await drained(tally.db, 300_000);
      // The last events follow the last commit by a moment: wait until each has come, or 10 s.
      const deadline = performance.now() + 10_000;
      while (bodies.slice(warm).some((b) => !evented.has(b.number)) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      if (failures.length > 0) throw new Error(`${failures.length} non-2xx answers (${[...new Set(failures)].join(', ')})`);

      const lagsMs: number[] = [];
      let missing = 0;
      for (const b of bodies.slice(warm)) {
        const at = evented.get(b.number);
        if (at === undefined) missing += 1;
        else lagsMs.push(Math.max(0, at - answered.get(b.number)!));
      }
      if (missing > 0) throw new Error(`${missing} of ${n} deliveries had no conversion event`);
      const conversions = await count(tally.db, `select count(*)::text as n from conversions where store_id = ${Number(tally.storeId)}`);
      if (conversions !== warm + n) throw new Error(`${conversions} conversions for ${warm + n} deliveries sent`);
      lagsMs.sort((a, b) => a - b);
      log(`${n} deliveries in ${took.toFixed(1)} s, every one's conversion event received`);
      return {
        rate,
        deliveries: n,
        database: 'PostgreSQL',
        sentPerSec: Math.round(n / took),
        p50Ms: Number(percentile(lagsMs, 50).toFixed(1)),
        p99Ms: Number(percentile(lagsMs, 99).toFixed(1)),
        maxMs: Number(lagsMs[lagsMs.length - 1]!.toFixed(1)),
      };
    } finally {
      stream.destroy();
      agent.destroy();
      await tally.stop();
    }
  },
};

export default scenario;
