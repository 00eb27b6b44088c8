import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ApiRoute,
  allCasesArb,
  digestChanges,
  type FuzzWorld,
  fastifyRoutes,
  HIDDEN_ROUTES,
  injectSender,
  type LedgerState,
  ledgerOf,
  newTally,
  routesOf,
  runCase,
  type Send,
  seedWorld,
} from '../support/fuzz-api.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// SPEC §8: no input of any kind produces a 5xx, and what the ledger cannot hold is refused
// before anything is written. Requests of every kind go to every route the server describes,
// as the admin of an account with a bit of everything; each must be answered below 500, the
// server must still answer /healthz, and an answer in 4xx must leave the account as it was.
// The seed is fixed: a failure prints it with the case, and the run can be repeated.
// `npm run bench -- fuzz --runs 50000` runs the same cases many more times.

const SEED = 20_260_301;
const RUNS_PER_ROUTE = 40;

describeDb('fuzzing every API route', () => {
  let t: TestApp;
  let send: Send;
  let world: FuzzWorld;
  let routes: ApiRoute[];

  beforeAll(async () => {
    t = await startTestApp({ sweepIntervalMs: 0 });
    send = injectSender(t.app);
    world = await seedWorld(send, 'fuzz');
    const doc = await send({ method: 'GET', url: '/api/openapi.json', headers: {} });
    routes = [...routesOf(JSON.parse(doc.text)), ...HIDDEN_ROUTES];
  });
  afterAll(async () => t?.close());

  it('knows every route the server has: each is in the OpenAPI document or fuzzed as a hidden route', () => {
    const fuzzed = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const all = fastifyRoutes(t.app.printRoutes({ commonPrefix: false }));
    expect(all).toEqual(
      expect.arrayContaining(['GET /api/creators/{id}', 'POST /webhooks/shopify/{storeId}', 'GET /r/{slug}', 'GET /api/events']),
    );
    // The web app's catch-all serves files and pages, not the API.
    const missing = all.filter((r) => !fuzzed.has(r) && r !== 'GET /*' && r !== 'GET *');
    expect(missing).toEqual([]);
  });

  it('notices a write: the write mark moves and the digest of the written table differs', async () => {
    const ledger = ledgerOf(t.db, world.accountId);
    const mark = await ledger.mark();
    const before = await ledger.digest();
    const res = await send({
      method: 'POST',
      url: '/api/creators',
      headers: { authorization: `Bearer ${world.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Noticed' }),
    });
    expect(res.status).toBe(201);
    expect(await ledger.mark()).not.toBe(mark);
    expect(digestChanges(before, await ledger.digest())).toEqual(['creators']);
  });

  it('answers every case below 500, keeps answering /healthz, and changes nothing when it answers 4xx', async () => {
    const tally = newTally();
    const state: LedgerState = { before: null };
    const ledger = ledgerOf(t.db, world.accountId);
    await fc.assert(
      fc.asyncProperty(allCasesArb(routes, world), (c) => runCase(send, world, c, tally, ledger, state)),
      { seed: SEED, numRuns: routes.length * RUNS_PER_ROUTE, endOnFailure: true },
    );
    expect(tally.cases).toBe(routes.length * RUNS_PER_ROUTE);
    expect(tally.byStatus['5xx'] ?? 0).toBe(0);
    expect(tally.unsent).toBe(0);
  }, 300_000);
});
