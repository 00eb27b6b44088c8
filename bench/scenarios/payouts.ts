// Amounts due at scale: GET /api/payouts/due through the real server for an account of many
// conversions and creators (the issue: 10 million and 50,000), its first page and a page 80 %
// deep, and the whole list; then every creator authorized at once, by two admins together.
// Ceiling: the amounts due summed afresh from the conversions, lines and adjustments by one
// plain query (what every read did before the balances were kept). Every answer must equal
// it: per creator, on hold + amount due and the adjustments (what a hold ending during the run
// cannot move), and the stored read at one instant against the recount at that instant, in
// full. Target: p95 ≤ 50 ms for a page; authorizing everyone in one transaction in seconds,
// no line twice.
//
// The data: the dashboards' dataset ending today, with a payout history: everything payable 45
// days ago authorized then (through the application) and recorded as paid.
import { sql } from 'kysely';
import type { Principal } from '../../src/app/accounts/credentials.ts';
import { creatorBalances } from '../../src/app/payouts/balances.ts';
import { sweepStaleHolds } from '../../src/app/payouts/hold-sweep.ts';
import { authorizePayouts } from '../../src/app/payouts/payouts.ts';
import type { Db } from '../../src/db/connect.ts';
import { recountedBalances } from '../../test/support/recount-balances.ts';
import { connectTarget, type Dataset, loadDataset } from '../lib/dataset.ts';
import { percentile, startServer } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

type DueRow = { creatorId: string; name: string; onHold: { value: string }; amountDue: { value: string }; adjustments: { value: string } };
type Due = { totals: { creators: number; amountDue: { value: string } }; creators: DueRow[]; nextCursor: string | null };

const DAY_MS = 86_400_000;

const minor = (m: { value: string }) => BigInt(m.value.replace('.', ''));

/** Everything payable 45 days ago, authorized then by the application and recorded as paid; once per dataset. */
async function payoutHistory(db: Db, data: Dataset, log: (line: string) => void): Promise<Figures> {
  const done = await db.selectFrom('payouts').select('id').where('account_id', '=', data.accountId).limit(1).executeTakeFirst();
  if (done) return {};
  const admin: Principal = {
    accountId: data.accountId,
    role: 'admin',
    actor: 'bench',
    kind: 'api_key',
    csrfToken: null,
    userId: null,
    credentialHash: '',
  };
  const t0 = performance.now();
  const paid = await authorizePayouts(db, admin, {}, new Date(Date.now() - 45 * DAY_MS));
  const seconds = (performance.now() - t0) / 1000;
  await sql`update payouts set status = 'paid', method = 'bank', paid_at = created_at where account_id = ${data.accountId}`.execute(db);
  const lines = await sql<{ n: string }>`select count(*)::text as n from payout_lines where account_id = ${data.accountId}`.execute(db);
  await sweepStaleHolds(db, new Date());
  await sql`vacuum analyze payout_lines, payouts, payout_balances`.execute(db);
  log(`history: ${paid.length} payouts of ${Number(lines.rows[0]!.n).toLocaleString('en')} lines authorized in ${seconds.toFixed(1)} s`);
  return { historyPayouts: paid.length, historyLines: Number(lines.rows[0]!.n), historyAuthorizeSeconds: Number(seconds.toFixed(1)) };
}

async function timeCalls(base: string, key: string, repeat: number, figures: Figures, log: (line: string) => void) {
  const get = async (path: string): Promise<Due> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Due;
  };
  const time = async (name: string, path: string, times = repeat) => {
    for (let i = 0; i < 2; i++) await get(path);
    const ms: number[] = [];
    let answer: Due | undefined;
    for (let i = 0; i < times; i++) {
      const t0 = performance.now();
      answer = await get(path);
      ms.push(performance.now() - t0);
    }
    ms.sort((x, y) => x - y);
    figures[`${name}P50Ms`] = Number(percentile(ms, 50).toFixed(1));
    figures[`${name}P95Ms`] = Number(percentile(ms, 95).toFixed(1));
    log(`${name}: p50 ${figures[`${name}P50Ms`]} ms, p95 ${figures[`${name}P95Ms`]} ms`);
    return answer!;
  };
  const first = await time('duePage', '/api/payouts/due?limit=100');
  // A cursor 80 % deep, walked to page by page.
  const deepAt = Math.floor(first.totals.creators * 0.8);
  let cursor = first.nextCursor;
  for (let seen = first.creators.length; cursor !== null && seen + 100 <= deepAt; ) {
    const page = await get(`/api/payouts/due?limit=100&cursor=${cursor}`);
    seen += page.creators.length;
    cursor = page.nextCursor;
  }
  if (cursor) await time('duePageDeep', `/api/payouts/due?limit=100&cursor=${cursor}`);
  return time('dueAll', '/api/payouts/due', Math.min(repeat, 5));
}

const scenario: Scenario = {
  name: 'payouts',
  summary: 'amounts due (a page, 80 % deep, all) and authorizing everyone at scale vs a recount of the raw rows; target p95 ≤ 50 ms, exact',
  flags: {
    conversions: { default: '200000', help: 'conversions loaded (the issue: 10000000)' },
    creators: { default: '50000', help: 'creators (each in one or two of the campaigns)' },
    campaigns: { default: '50', help: 'campaigns' },
    repeat: { default: '20', help: 'timed calls per page, after 2 warm-up calls' },
    keep: { default: 'no', help: 'yes: keep the loaded database for a later --reuse' },
    reuse: { default: '', help: 'the name of a database kept by an earlier --keep yes run, used instead of loading one' },
  },
  async run(flags, log) {
    const today = new Date().toISOString().slice(0, 10);
    const data = await loadDataset({
      conversions: Number(flags.conversions),
      creators: Number(flags.creators),
      campaigns: Number(flags.campaigns),
      lastDay: today,
      firstDay: new Date(Date.now() - 3 * 365 * DAY_MS).toISOString().slice(0, 10),
      keep: flags.keep === 'yes',
      reuse: flags.reuse || undefined,
      log,
    });
    if (!('url' in data.target)) throw new Error('the payouts scenario runs on PostgreSQL');
    const figures: Figures = { database: 'PostgreSQL', conversions: data.conversions, creators: data.creatorIds.length };
    const conn = await connectTarget(data.target);
    try {
      Object.assign(figures, await payoutHistory(conn.db, data, log));
      // The stored read at one instant, in full, against the recount at that instant.
      const at = new Date();
      const t0 = performance.now();
      const truth = await recountedBalances(conn.db, data.accountId, at);
      figures.recountMs = Number((performance.now() - t0).toFixed(1));
      const stored = (await creatorBalances(conn.db, data.accountId, at)).map((b) => ({
        creatorId: b.creatorId,
        onHold: String(b.onHold),
        payable: String(b.payable),
        adjustments: String(b.adjustments),
      }));
      stored.sort((x, y) => Number(BigInt(x.creatorId) - BigInt(y.creatorId)));
      if (JSON.stringify(stored) !== JSON.stringify(truth)) throw new Error('the stored amounts due differ from the recount');
      log(`stored amounts due equal the recount for ${truth.length} creators (recount ${figures.recountMs} ms)`);

      const server = await startServer(data.target);
      try {
        const all = await timeCalls(server.base, data.apiKey, Number(flags.repeat), figures, log);
        const byId = new Map(truth.map((r) => [r.creatorId, r]));
        if (all.creators.length !== truth.length) throw new Error(`${all.creators.length} creators answered, ${truth.length} recounted`);
        for (const row of all.creators) {
          const want = byId.get(row.creatorId);
          const open = minor(row.onHold) + minor(row.amountDue);
          if (
            !want ||
            open !== BigInt(want.onHold) + BigInt(want.payable) + BigInt(want.adjustments) ||
            minor(row.adjustments) !== BigInt(want.adjustments)
          )
            throw new Error(`creator ${row.creatorId}: answered ${JSON.stringify(row)}, recounted ${JSON.stringify(want)}`);
        }
        log('every creator answered equals the recount');

        // Everyone at once, by two admins together: one takes it all, the other finds nothing.
        const due = all.creators.filter((c) => minor(c.amountDue) > 0n);
        const owed = due.reduce((n, c) => n + minor(c.amountDue), 0n);
        const authorize = () =>
          fetch(`${server.base}/api/payouts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' },
            body: '{}',
          }).then(async (r) => {
            if (r.status !== 201) throw new Error(`authorize: ${r.status} ${await r.text()}`);
            return ((await r.json()) as { items: Array<{ amount: { value: string } }> }).items;
          });
        const t1 = performance.now();
        const [a, b] = await Promise.all([authorize(), authorize()]);
        figures.authorizeAllSeconds = Number(((performance.now() - t1) / 1000).toFixed(2));
        const made = [...a, ...b];
        const paidOut = made.reduce((n, p) => n + minor(p.amount), 0n);
        figures.authorizedPayouts = made.length;
        log(`authorized ${made.length} payouts (${a.length} + ${b.length}) in ${figures.authorizeAllSeconds} s`);
        if (due.length > 0 && Math.min(a.length, b.length) !== 0) throw new Error('both authorizations made payouts');
        // Creators whose hold ended during the run may add to what was due: at least what was due, every line once.
        if (made.length < due.length || paidOut < owed)
          throw new Error(`paid ${paidOut} for ${made.length}, ${owed} was due for ${due.length}`);
        const twice = await sql<{ n: string }>`
          select count(*)::text as n from (select conversion_id from payout_lines where account_id = ${data.accountId} and not released
            and conversion_id is not null group by conversion_id having count(*) > 1) d`.execute(conn.db);
        if (twice.rows[0]!.n !== '0') throw new Error(`${twice.rows[0]!.n} conversions are in two payouts`);
        log('no conversion is in two payouts');
      } finally {
        await server.stop();
      }
      return figures;
    } finally {
      await conn.close();
      await data.drop();
    }
  },
};

export default scenario;
