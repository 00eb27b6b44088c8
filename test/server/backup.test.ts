import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTables } from '../../src/app/backup/catalog.ts';
import { DEMO_EMAIL, newDemoPassword, seedDemo } from '../../src/app/demo/seed.ts';
import { prepareDatabase } from '../../src/app/startup.ts';
import { loadConfig } from '../../src/config.ts';
import { type Connection, connectPostgres } from '../../src/db/connect.ts';
import { openDataDir } from '../../src/db/embedded.ts';
import { buildServer } from '../../src/http/server.ts';
import { ROOT, startRealServer } from '../support/real-server.ts';

// The demo user's password, made at random as the first start makes it.
const DEMO_PASSWORD = newDemoPassword();

// `tally backup`, `tally restore` and `tally move` as an operator runs them, on the demo
// workspace: moved from its data directory into PostgreSQL, every report and export answers the
// same on both; backups round-trip on each database; what cannot be restored is refused.

const BASE_URL = process.env.TALLY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The PostgreSQL parts skip, saying why, when no server is reachable.
const postgresSkipReason = await (async () => {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return '';
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${BASE_URL} (${(error as Error).message}); start it or set TALLY_TEST_DATABASE_URL.`;
    console.warn(`\n${reason}\n`);
    return reason;
  }
})();
const describePostgres: typeof describe = (
  postgresSkipReason ? (name: string, fn: () => void) => describe.skip(`${name} — skipped: ${postgresSkipReason}`, fn) : describe
) as typeof describe;

const created: string[] = [];

/** A new, empty PostgreSQL database (no schema); dropped after the file. */
async function newDatabase(): Promise<string> {
  const name = `tally_test_move_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The real CLI, on the embedded database unless `env` names another. */
async function tally(
  args: string[],
  env: Record<string, string> = {},
  stdin?: Buffer,
): Promise<{ code: number | null; out: string; err: string; stdout: Buffer }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', TALLY_DEMO: '0', ...env },
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.stdin?.end(stdin);
  const stdout: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => stdout.push(d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const bytes = Buffer.concat(stdout);
  return { code, out: bytes.toString('utf8'), err, stdout: bytes };
}

interface Running {
  child: ChildProcess;
  /** GET as the demo user: the status and the body's text. */
  get(url: string): Promise<{ status: number; text: string }>;
}

/** A server on the database `env` names, signed in as the demo user. */
async function serve(env: Record<string, string>): Promise<Running> {
  // One public address for every server, so the webhook URLs they show are alike.
  const { child, base } = await startRealServer(env.TALLY_DATA_DIR ?? '', { PUBLIC_URL: 'http://tally.test', ...env });
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return {
    child,
    async get(url) {
      const res = await fetch(`${base}${url}`, { headers: { cookie } });
      return { status: res.status, text: await res.text() };
    },
  };
}

async function stop(running: Running | undefined) {
  if (!running || running.child.exitCode !== null) return;
  running.child.kill('SIGTERM');
  await new Promise((r) => running.child.on('exit', r));
}

/** Rows per table. */
async function tableCounts(db: Kysely<any>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await catalogTables(db)) {
    counts[name] = Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(name)}`.execute(db)).rows[0]!.n);
  }
  return counts;
}

/** The demo user's dashboard, from a server built on the connection. */
async function dashboardOf(connection: Connection): Promise<string> {
  const config = { ...loadConfig({ PUBLIC_URL: 'http://tally.test' }), demo: false };
  const app = await buildServer({ db: connection.db, listen: connection.listen, config, logger: false, sweepIntervalMs: 0 });
  try {
    const login = await app.inject({ method: 'POST', url: '/api/login', payload: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'tally_session')!;
    const reply = await app.inject({ method: 'GET', url: '/api/dashboard', headers: { cookie: `tally_session=${cookie.value}` } });
    expect(reply.statusCode).toBe(200);
    return reply.body;
  } finally {
    await app.close();
  }
}

/** Row counts, then the dashboard, of an embedded data directory or a PostgreSQL database. */
async function countsAndDashboard(where: { dir: string } | { url: string }) {
  const connection = 'dir' in where ? await openDataDir(where.dir) : await connectPostgres(where.url);
  try {
    // Counted first: signing in adds a session.
    const counts = await tableCounts(connection.db);
    return { counts, dashboard: await dashboardOf(connection) };
  } finally {
    await connection.close();
  }
}

let work: string;
let demoDir: string;
let demoConversions: number;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-backup-'));
  demoDir = path.join(work, 'demo');
  // The demo workspace, as the first start seeds it (without the simulator, which would keep changing it).
  const connection = await openDataDir(demoDir);
  try {
    await prepareDatabase(connection.db);
    demoConversions = (await seedDemo(connection.db, 'http://tally.test', DEMO_PASSWORD)).conversions;
  } finally {
    await connection.close();
  }
}, 240_000);

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
  if (created.length === 0) return;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  for (const name of created) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describePostgres('tally move --to postgres://… on the demo workspace', () => {
  let url: string;
  let embedded: Running | undefined;
  let moved: Running | undefined;

  afterAll(async () => {
    await stop(embedded);
    await stop(moved);
  });

  it('moves every table of every account, prints them, and refuses a database that already holds one', async () => {
    url = await newDatabase();
    const move = await tally(['move', '--to', url], { TALLY_DATA_DIR: demoDir });
    expect(move.err).toBe('');
    expect(move.code).toBe(0);
    expect(move.out).toContain('Reading the embedded database:\n  accounts: 1 row\n');
    expect(move.out).toMatch(/\n {2}orders: 20000 rows\n/);
    expect(move.out).toMatch(/Comparing every table of every account:\n {2}account 1 \(Glow & Go \(demo\)\): \d+ rows, equal\n/);
    expect(move.out).toContain(
      `every table of every account is equal. Start Tally with DATABASE_URL set to it; ${demoDir} is left as it was.`,
    );
    // No password or URL of the target is printed beyond its host and name.
    expect(move.out).toContain(`into PostgreSQL at 127.0.0.1:5432${new URL(url).pathname}`);

    const again = await tally(['move', '--to', url], { TALLY_DATA_DIR: demoDir });
    expect(again.code).toBe(2);
    expect(again.err).toBe(
      'The database already holds 1 account(s): a backup is restored only into a database without accounts. Nothing was written to PostgreSQL.\n',
    );
  }, 240_000);

  it('answers every report and export the same on the data directory and on PostgreSQL', async () => {
    [embedded, moved] = await Promise.all([serve({ TALLY_DATA_DIR: demoDir }), serve({ DATABASE_URL: url })]);
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const ranges = ['', `from=${yearAgo}&to=${today}`];
    const urls = ['/api/campaigns', '/api/creators?limit=500', '/api/stores'];
    const campaigns = JSON.parse((await embedded.get('/api/campaigns')).text).items as Array<{ id: string }>;
    expect(campaigns).toHaveLength(3);
    for (const range of ranges) {
      urls.push(`/api/dashboard?${range}`, `/api/community?${range}`, `/api/sales/export?${range}`);
      for (const c of campaigns)
        urls.push(`/api/campaigns/${c.id}/performance?${range}`, `/api/campaigns/${c.id}/conversions/export?${range}`);
    }
    let compared = 0;
    for (const u of urls) {
      const [a, b] = [await embedded.get(u), await moved.get(u)];
      expect({ u, status: a.status }).toEqual({ u, status: 200 });
      expect({ u, text: b.text }).toEqual({ u, text: a.text });
      compared += 1;
    }
    // Every page of every campaign's Orders table, all time and for the year.
    const rows: number[] = [];
    for (const range of ranges) {
      rows.push(0);
      for (const c of campaigns) {
        for (let cursor: string | null = ''; cursor !== null; ) {
          const u: string = `/api/campaigns/${c.id}/conversions?limit=500&${range}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const [a, b] = [await embedded.get(u), await moved.get(u)];
          expect({ u, status: a.status }).toEqual({ u, status: 200 });
          expect({ u, text: b.text }).toEqual({ u, text: a.text });
          const page = JSON.parse(a.text) as { items: unknown[]; nextCursor: string | null };
          rows.push(rows.pop()! + page.items.length);
          cursor = page.nextCursor;
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(urls.length + 6);
    expect(rows[0]).toBe(demoConversions);
    expect(rows[1]).toBeGreaterThan(demoConversions * 0.9);
    expect(rows[1]).toBeLessThanOrEqual(demoConversions);
  }, 240_000);

  it('refuses to back up the data directory while a server runs on it', async () => {
    expect(embedded?.child.exitCode).toBe(null);
    const refused = await tally(['backup', path.join(work, 'live.gz')], { TALLY_DATA_DIR: demoDir });
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(
      `The data directory ${demoDir} is in use by a running Tally server. The embedded database admits one process at a time: stop the server, then run this again. (On PostgreSQL, backups are taken while servers run.)\n`,
    );
    await expect(fs.stat(path.join(work, 'live.gz'))).rejects.toThrow(/ENOENT/);
    await stop(embedded);
    await stop(moved);
  }, 60_000);

  it('backs PostgreSQL up while its server runs, and restores it into another: the same rows and dashboard', async () => {
    moved = await serve({ DATABASE_URL: url });
    const file = path.join(work, 'postgres.gz');
    const backup = await tally(['backup', '--out', file], { DATABASE_URL: url });
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(/^Backing up PostgreSQL at 127\.0\.0\.1:5432\/tally_test_move_[0-9a-f]+:\n {2}accounts: 1 row\n/);
    await stop(moved);
    const copy = await newDatabase();
    const restore = await tally(['restore', file], { DATABASE_URL: copy });
    expect(restore.err).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.out).toMatch(/; every table holds the backup's count of rows\.\n$/);
    const [a, b] = [await countsAndDashboard({ url }), await countsAndDashboard({ url: copy })];
    expect(b.counts).toEqual(a.counts);
    expect(b.dashboard).toBe(a.dashboard);
    expect(a.counts.orders).toBe(20_000);
  }, 180_000);
});

describe('tally backup and tally restore on the embedded database', () => {
  let file: string;

  it('backs a data directory up and restores it into a new one: the same rows and dashboard', async () => {
    file = path.join(work, 'embedded.gz');
    const backup = await tally(['backup', file], { TALLY_DATA_DIR: demoDir });
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.out).toMatch(/\nBacked up \d+ tables \(\d+ rows\) at migration \S+ to .*embedded\.gz\.\n$/);
    const header = JSON.parse(
      gunzipSync(await fs.readFile(file))
        .toString('utf8')
        .split('\n')[0]!,
    );
    expect(header).toMatchObject({ format: 'tally-backup', version: 1, source: 'pglite' });
    await expect(fs.stat(`${file}.partial`)).rejects.toThrow(/ENOENT/);
    // It holds password hashes and webhook secrets.
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    const dir = path.join(work, 'restored');
    const restore = await tally(['restore', file], { TALLY_DATA_DIR: dir });
    expect(restore.err).toBe('');
    expect(restore.code).toBe(0);
    const [a, b] = [await countsAndDashboard({ dir: demoDir }), await countsAndDashboard({ dir })];
    expect(b.counts).toEqual(a.counts);
    expect(b.dashboard).toBe(a.dashboard);
    expect(JSON.parse(b.dashboard).orders).toBeGreaterThan(10_000);
  }, 180_000);

  it('writes the backup to stdout with -, its progress to stderr', async () => {
    const backup = await tally(['backup', '-'], { TALLY_DATA_DIR: demoDir });
    expect(backup.code).toBe(0);
    expect(backup.err).toMatch(
      /^Backing up the embedded database in .*:\n {2}accounts: 1 row\n(.|\n)*\nBacked up \d+ tables \(\d+ rows\) at migration \S+\.\n$/,
    );
    const lines = gunzipSync(backup.stdout).toString('utf8').split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'tally-backup', version: 1 });
    expect(lines.filter((l) => l === '\\.')).toHaveLength(JSON.parse(lines[0]!).tables.length);

    // And back from stdin.
    const dir = path.join(work, 'from-stdin');
    const restore = await tally(['restore', '-'], { TALLY_DATA_DIR: dir }, backup.stdout);
    expect(restore.err).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.out).toMatch(/^Restoring the backup on stdin into the embedded database in .*from-stdin:\n/);
    const [a, b] = [await countsAndDashboard({ dir: demoDir }), await countsAndDashboard({ dir })];
    expect(b.counts).toEqual(a.counts);
  }, 180_000);

  it('refuses a data directory that holds an account, a truncated backup and a file that is none', async () => {
    const full = await tally(['restore', file], { TALLY_DATA_DIR: demoDir });
    expect(full.code).toBe(2);
    expect(full.err).toBe(
      'The database already holds 1 account(s): a backup is restored only into a database without accounts. Nothing was restored: the database is as it was.\n',
    );

    const bytes = await fs.readFile(file);
    const truncated = path.join(work, 'truncated.gz');
    await fs.writeFile(truncated, bytes.subarray(0, bytes.length - 1_000));
    const dir = path.join(work, 'not-restored');
    const cut = await tally(['restore', truncated], { TALLY_DATA_DIR: dir });
    expect(cut.code).toBe(2);
    expect(cut.err).toBe(
      'This is not a Tally backup, or it is truncated or corrupt (unexpected end of file). Nothing was restored: the database is as it was.\n',
    );
    const connection = await openDataDir(dir);
    try {
      expect(
        (await sql<{ present: boolean }>`select to_regclass('public.accounts') is not null as present`.execute(connection.db)).rows[0]!
          .present,
      ).toBe(false);
    } finally {
      await connection.close();
    }

    const none = await tally(['restore', path.join(ROOT, 'package.json')], { TALLY_DATA_DIR: dir });
    expect(none.code).toBe(2);
    expect(none.err).toContain('This is not a Tally backup, or it is truncated or corrupt (incorrect header check).');
    const missing = await tally(['restore', path.join(work, 'nothing.gz')], { TALLY_DATA_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`There is no file ${path.join(work, 'nothing.gz')}. Nothing was restored: the database is as it was.\n`);
    const usage = await tally(['move', '--to', 'mysql://nope'], { TALLY_DATA_DIR: dir });
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('move --to URL');
  }, 180_000);
});
