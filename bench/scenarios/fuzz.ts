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
  ledgerOf,
  type LedgerState,
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
    database: { default: 'postgres', help: 'postgres (BENCH_DATABASE_URL, rows checked after each 4xx) or embedded (PGlite data directory; rows not checked)' },
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

  const name = `tally_bench_fuzz_${process.pid}`;
  let dataDir: string | null = null;
  let url: string | null = null;
  if (database === 'embedded') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-bench-fuzz-'));
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
      throw new Error(`${problems.length} problems (5xx: ${figures.answered5xx}, 4xx that wrote: ${figures.changedOn4xx}); figures ${JSON.stringify(figures)}`);
    }
    return figures;
  } finally {
    await connection?.close();
    await server.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (url) {
      const admin = new pg.Client({ connectionString: BENCH_BASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}
