// Fuzz: the API fuzz test's cases (test/support/fuzz-api.ts), many more of them, over HTTP
// against a real `tally serve`: every route of the OpenAPI document with wrong types, huge and
// negative numbers, numeric strings beyond int8, NUL and control characters, impossible dates,
// deep nesting and 1 MiB strings, as the admin of an account with a bit of everything. Each
// answer must be below 500, /healthz must keep answering, and an answer in 4xx must leave the
// account's rows as they were (read from the database between cases). Nothing is timed against
// a ceiling: the figures are how many cases ran, how they were answered, and the 5xx count,
// which must be 0 (the scenario fails otherwise and prints the first cases that broke).
//   npm run bench -- fuzz --runs 50000
//   npm run bench -- fuzz --runs 20000 --seed 7 --database embedded
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { connectPostgres } from '../../src/db/connect.ts';
import {
  allCasesArb,
  FuzzProblem,
  HIDDEN_ROUTES,
  httpSender,
  type LedgerState,
  ledgerOf,
  newTally,
  routesOf,
  runCase,
  seedWorld,
} from '../../test/support/fuzz-api.ts';
import { BENCH_BASE_URL } from '../lib/dataset.ts';
import { startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

const scenario: Scenario = {
  name: 'fuzz',
  summary: 'the API fuzz cases over HTTP against tally serve: cases run, answers by class, and 5xx (must be 0); 4xx must change nothing',
  flags: {
    runs: { default: '5000', help: 'cases sent, spread evenly over the routes' },
    seed: { default: '20260301', help: 'the fast-check seed; the same seed sends the same cases' },
    database: {
      default: 'postgres',
      help: 'postgres (BENCH_DATABASE_URL, rows checked after each 4xx) or embedded (PGlite data directory; rows not checked)',
    },
  },
  run: (flags, log) => run(Number(flags.runs), Number(flags.seed), flags.database ?? 'postgres', log),
};
export default scenario;

// Cases are generated a chunk at a time: a chunk holds some 1 MiB bodies.
const CHUNK = 500;
const SHOWN_PROBLEMS = 10;

async function run(runs: number, seed: number, database: string, log: (line: string) => void): Promise<Figures> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${seed}`);
  if (database !== 'postgres' && database !== 'embedded') throw new Error(`--database is postgres or embedded, got ${database}`);

  const { server, connection, close } = await openTarget(database, 'fuzz');
  try {
    const send = httpSender(server.base);
    const world = await seedWorld(send, `bench${process.pid}`);
    const doc = await send({ method: 'GET', url: '/api/openapi.json', headers: {} });
    const routes = [...routesOf(JSON.parse(doc.text)), ...HIDDEN_ROUTES];
    log(`${routes.length} routes, ${runs} cases, seed ${seed}, ${database}${connection ? ', rows checked after each 4xx' : ''}`);

    const ledger = connection ? ledgerOf(connection.db, world.accountId) : null;
    const state: LedgerState = { before: null };
    const tally = newTally();
    const problems: FuzzProblem[] = [];
    const arbitrary = allCasesArb(routes, world);
    const started = performance.now();
    let lastLog = started;
    for (let done = 0, chunk = 0; done < runs; chunk += 1) {
      const cases = fc.sample(arbitrary, { seed: seed + chunk, numRuns: Math.min(CHUNK, runs - done) });
      for (const c of cases) {
        try {
          await runCase(send, world, c, tally, ledger, state);
        } catch (error) {
          if (!(error instanceof FuzzProblem)) throw error;
          problems.push(error);
          if (error.kind === 'health') throw error;
        }
      }
      done += cases.length;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${done} cases, ${JSON.stringify(tally.byStatus)}, ${problems.length} problems`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    for (const p of problems.slice(0, SHOWN_PROBLEMS)) log(`${p.kind}: ${p.message}`);
    const figures: Figures = {
      database,
      seed: String(seed),
      routes: routes.length,
      cases: tally.cases,
      answered2xx: tally.byStatus['2xx'] ?? 0,
      answered3xx: tally.byStatus['3xx'] ?? 0,
      answered4xx: tally.byStatus['4xx'] ?? 0,
      answered5xx: tally.byStatus['5xx'] ?? 0,
      notSentByTheClient: tally.unsent,
      changedOn4xx: problems.filter((p) => p.kind === 'changed').length,
      casesPerSec: Math.round(tally.cases / seconds),
    };
    if (problems.length > 0) {
      throw new Error(
        `${problems.length} problems (5xx: ${figures.answered5xx}, 4xx that wrote: ${figures.changedOn4xx}); figures ${JSON.stringify(figures)}`,
      );
    }
    return figures;
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// Webhooks: the webhook fuzz test's cases (test/support/fuzz-webhooks.ts) over HTTP, after the
// API's, against a server of their own: correctly signed Shopify and WooCommerce bodies of every
// topic (the real fixtures with fields changed and bodies broken). Every answer must be 200, 202
// or 413; once the server has applied what it kept, nothing may be left pending (PostgreSQL:
// read from the database) and no dead letter may say "could not be applied", which would mean
// the edge let through a value the ledger cannot hold. `--webhooks 0` skips this part.
//   npm run bench -- fuzz --runs 1000 --webhooks 20000

const webhooksFlag = { default: '5000', help: 'signed webhook cases sent after the API cases (0: none)' };
scenario.flags.webhooks = webhooksFlag;
scenario.summary += '; then signed webhook bodies of every topic: 200/202/413 only, and nothing kept that fails when applied';
const runApi = scenario.run;
scenario.run = async (flags, log) => {
  const figures = await runApi(flags, log);
  const cases = Number(flags.webhooks ?? webhooksFlag.default);
  if (!Number.isInteger(cases) || cases < 0) throw new Error(`--webhooks must be a whole number, got ${flags.webhooks}`);
  if (cases === 0) return figures;
  return { ...figures, ...(await runWebhooks(cases, Number(flags.seed), flags.database ?? 'postgres', log)) };
};

async function runWebhooks(runs: number, seed: number, database: string, log: (line: string) => void): Promise<Figures> {
  const { webhookCaseArb, webhookHeaders, signWebhook } = await import('../../test/support/fuzz-webhooks.ts');
  const { server, connection, close } = await openTarget(database, 'fuzz_hooks');
  try {
    const call = async (method: string, route: string, body: unknown, auth: Record<string, string> = {}) => {
      const res = await fetch(`${server.base}${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(body),
      });
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`seeding: ${method} ${route} answered ${res.status} ${await res.text()}`);
      return {
        json: (await res.json()) as any,
        cookie: (res.headers.getSetCookie().find((c) => c.startsWith('tally_session=')) ?? '').split(';')[0] ?? '',
      };
    };
    const signup = await call('POST', '/api/signup', {
      accountName: 'Hooks',
      email: `hooks-${process.pid}@example.com`,
      password: 'correct horse battery',
      defaultCurrency: 'EUR',
      timeZone: 'Europe/Paris',
    });
    const key = await call(
      'POST',
      '/api/api-keys',
      { name: 'hooks', role: 'admin' },
      { cookie: signup.cookie, 'x-csrf-token': signup.json.csrfToken },
    );
    const auth = { authorization: `Bearer ${key.json.key}` };
    const creator = await call('POST', '/api/creators', { name: 'Ann' }, auth);
    const campaign = await call(
      'POST',
      '/api/campaigns',
      { name: 'Summer', commission: { percent: '10', fixed: { value: '1.00', currency: 'USD' } } },
      auth,
    );
    await call('POST', `/api/campaigns/${campaign.json.id}/members`, { creatorId: creator.json.id, codes: ['tenoff', '30$off'] }, auth);
    const stores = {
      shopify: (await call('POST', '/api/stores', { platform: 'shopify', name: 'Shopify', currency: 'USD' }, auth)).json,
      woocommerce: (await call('POST', '/api/stores', { platform: 'woocommerce', name: 'Woo', currency: 'USD' }, auth)).json,
    };
    log(`webhooks: ${runs} cases, seed ${seed}, ${database}`);

    const byStatus: Record<string, number> = {};
    const broke: string[] = [];
    const arbitrary = webhookCaseArb();
    const started = performance.now();
    for (let done = 0, chunk = 0; done < runs; chunk += 1) {
      const list = fc.sample(arbitrary, { seed: seed + chunk, numRuns: Math.min(CHUNK, runs - done) });
      for (const c of list) {
        const store = stores[c.platform];
        const headers = webhookHeaders(c.platform, c.topic, `bench-${chunk}-${done}`, signWebhook(store.webhookSecret, c.body));
        let status: number;
        try {
          const res = await fetch(`${server.base}/webhooks/${c.platform}/${store.id}`, { method: 'POST', headers, body: c.body });
          status = res.status;
          await res.arrayBuffer();
        } catch (error) {
          // The server may close the connection on a body over the limit once it has answered 413.
          if (c.body.length <= 1024 * 1024) throw error;
          status = 413;
        }
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (![200, 202, 413].includes(status) && broke.length < SHOWN_PROBLEMS) broke.push(`${status}: ${String(c)}`);
        done += 1;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    // What the server kept is applied shortly after: wait until nothing is pending (PostgreSQL),
    // or a few seconds (embedded), then read the dead letters.
    for (let i = 0; connection && i < 600; i++) {
      const pending = await connection.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      if (pending.n === '0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!connection) await new Promise((r) => setTimeout(r, 5_000));
    let notApplied = 0;
    for (const store of Object.values(stores)) {
      const res = await fetch(`${server.base}/api/stores/${store.id}/dead-letters`, { headers: auth });
      const items = ((await res.json()) as { items: Array<{ reason: string }> }).items;
      for (const item of items.filter((d) => d.reason.startsWith('could not be applied'))) {
        notApplied += 1;
        if (broke.length < SHOWN_PROBLEMS) broke.push(`kept, then not applied: ${item.reason}`);
      }
    }
    const pendingLeft = connection
      ? Number(
          (
            await connection.db
              .selectFrom('deliveries')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', '=', 'pending')
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 'not read (embedded)';
    const other = Object.entries(byStatus)
      .filter(([s]) => !['200', '202', '413'].includes(s))
      .reduce((n, [, v]) => n + v, 0);
    for (const line of broke) log(`webhooks: ${line}`);
    const figures: Figures = {
      webhookCases: runs,
      webhookAnswered200: byStatus['200'] ?? 0,
      webhookAnswered202: byStatus['202'] ?? 0,
      webhookAnswered413: byStatus['413'] ?? 0,
      webhookAnsweredOther: other,
      webhookNotApplied: notApplied,
      webhookPendingLeft: pendingLeft,
      webhookCasesPerSec: Math.round(runs / seconds),
    };
    if (other > 0 || notApplied > 0 || (typeof pendingLeft === 'number' && pendingLeft > 0)) {
      throw new Error(
        `webhooks: ${other} answers other than 200/202/413, ${notApplied} kept and not applied, ${pendingLeft} pending; figures ${JSON.stringify(figures)}`,
      );
    }
    return figures;
  } finally {
    await close();
  }
}

/** A server on a fresh database of the given kind (a PostgreSQL database or a data directory), and how to remove it. */
async function openTarget(database: string, prefix: string) {
  const name = `tally_bench_${prefix}_${process.pid}`;
  let dataDir: string | null = null;
  let url: string | null = null;
  if (database === 'embedded') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tally-bench-${prefix}-`));
  } else {
    const admin = new pg.Client({ connectionString: BENCH_BASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(BENCH_BASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const server = await startServer(url ? { url } : { dataDir: dataDir as string }, { stdout: 'ignore' });
  const connection = url ? await connectPostgres(url, { max: 1 }) : null;
  const close = async () => {
    await connection?.close();
    await server.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (url) {
      const admin = new pg.Client({ connectionString: BENCH_BASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  };
  return { server, connection, close };
}
