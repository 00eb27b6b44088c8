import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Connection, connectPostgres } from '../../src/db/connect.ts';
import { type CopySession, postgresCopySession } from '../../src/db/copy-session.ts';
import { connectPglite, createPglite, pgliteCopySession } from '../../src/db/embedded.ts';
import { buildServer } from '../../src/http/server.ts';
import { captureLogger } from './log-search.ts';

export const dbKind = process.env.TALLY_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

// The PostgreSQL project skips, saying why, when no server is reachable; CI always has one.
const skipReason = dbKind === 'postgres' ? inject('postgresSkipReason') : '';
export const describeDb: typeof describe = (
  skipReason ? (name: string, fn: () => void) => describe.skip(`${name} — skipped: ${skipReason}`, fn) : describe
) as typeof describe;

export interface TestDb extends Connection {
  name: string;
  /** Another connection to the same database, as a second server process would have. */
  again(): Promise<Connection>;
  /** A COPY session on the database, as `tally backup` has it (on PGlite it is the one session: use it while the server is idle). */
  copySession(): Promise<CopySession>;
}

/** A fresh database for one test file, copied from the run's migrated template. */
export async function openTestDb(): Promise<TestDb> {
  if (dbKind === 'pglite') {
    const dump = await fs.readFile(inject('pgliteTemplate'));
    const pglite = createPglite(undefined, { loadDataDir: new Blob([dump]) });
    const connection = await connectPglite(pglite);
    // One embedded database has one connection: a second server in this process shares it.
    return {
      ...connection,
      name: 'pglite',
      again: async () => ({ ...connection, close: async () => undefined }),
      copySession: async () => pgliteCopySession(pglite),
    };
  }
  const baseUrl = inject('postgresUrl');
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const connection = await connectPostgres(url.toString());
  return {
    ...connection,
    name,
    again: () => connectPostgres(url.toString()),
    copySession: () => postgresCopySession(url.toString()),
    async close() {
      await connection.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name}`);
      await dropper.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  db: TestDb['db'];
  /** COPY out of the test database (PostgreSQL only), as the server has it. */
  copyOut: TestDb['copyOut'];
  /** The test database itself. */
  testDb: TestDb;
  /** A second server on the same database, as another process would run it. */
  second(): Promise<FastifyInstance>;
  /** Waits until every stored delivery is applied (or dead), whichever server took it. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const testConfig = (env: Record<string, string> = {}) => ({ ...loadConfig({ PUBLIC_URL: 'http://tally.test', ...env }), demo: false });
// The integration projects capture every server's log for a search at the end of the run
// (log-search.ts); elsewhere (the browser tests) servers do not log.
const logDir = inject('logDir');
let captured: ReturnType<typeof captureLogger> | undefined;
const testLogger = () => (logDir ? (captured ??= captureLogger(logDir)) : false);

export async function startTestApp({
  env,
  ...options
}: {
  heartbeatMs?: number;
  sweepIntervalMs?: number /** configuration beside the tests' defaults */;
  env?: Record<string, string>;
} = {}): Promise<TestApp> {
  const testDb = await openTestDb();
  const app = await buildServer({
    db: testDb.db,
    listen: testDb.listen,
    copyOut: testDb.copyOut,
    poolUse: testDb.poolUse,
    config: testConfig(env),
    logger: testLogger(),
    ...options,
  });
  await app.ready();
  const others: Array<{ app: FastifyInstance; connection: Connection }> = [];
  return {
    app,
    db: testDb.db,
    copyOut: testDb.copyOut,
    testDb,
    async second() {
      const connection = await testDb.again();
      const other = await buildServer({
        db: connection.db,
        listen: connection.listen,
        copyOut: connection.copyOut,
        config: testConfig(env),
        logger: testLogger(),
      });
      await other.ready();
      others.push({ app: other, connection });
      return other;
    },
    async settle() {
      const pending = async () =>
        (
          await testDb.db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('status', '=', 'pending')
            .executeTakeFirstOrThrow()
        ).n;
      // A server skips what another is applying, so settle all of them until none is left.
      do await Promise.all([app, ...others.map((o) => o.app)].map((a) => a.deliveries.settle()));
      while ((await pending()) !== '0');
    },
    async close() {
      for (const other of others) {
        await other.app.close();
        await other.connection.close();
      }
      await app.close();
      await testDb.close();
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  text: string;
}

/** Calls the API as one caller: an API key (bearer) or a cookie session with its CSRF token. */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly auth: { bearer?: string; cookie?: string; csrf?: string } = {},
  ) {}

  async call<T = any>(
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.auth.bearer) h.authorization = `Bearer ${this.auth.bearer}`;
    if (this.auth.cookie) h.cookie = this.auth.cookie;
    if (this.auth.csrf) h['x-csrf-token'] = this.auth.csrf;
    const res = await this.app.inject({ method, url, headers: h, ...(payload !== undefined && { payload: payload as object }) });
    let body: unknown = res.body;
    if (String(res.headers['content-type'] ?? '').includes('application/json')) body = res.json();
    return { status: res.statusCode, body: body as T, headers: res.headers, text: res.body };
  }

  get<T = any>(url: string) {
    return this.call<T>('GET', url);
  }
  post<T = any>(url: string, payload?: unknown) {
    return this.call<T>('POST', url, payload ?? {});
  }
  put<T = any>(url: string, payload?: unknown) {
    return this.call<T>('PUT', url, payload ?? {});
  }
  patch<T = any>(url: string, payload?: unknown) {
    return this.call<T>('PATCH', url, payload ?? {});
  }
  delete<T = any>(url: string) {
    return this.call<T>('DELETE', url);
  }
}

let accounts = 0;

/** Signs up a new account and returns its admin, by cookie session and by API key. */
export async function newAccount(
  app: FastifyInstance,
  overrides: Partial<{ accountName: string; email: string; password: string; defaultCurrency: string; timeZone: string }> = {},
) {
  accounts += 1;
  const email = overrides.email ?? `admin${accounts}-${randomBytes(4).toString('hex')}@example.com`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/signup',
    // Signup is limited per address: each test account comes from an address of its own.
    remoteAddress: `10.${(accounts >> 16) & 255}.${(accounts >> 8) & 255}.${accounts & 255}`,
    payload: {
      accountName: `Brand ${accounts}`,
      email,
      password: 'correct horse battery',
      defaultCurrency: 'EUR',
      timeZone: 'Europe/Paris',
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  // tally_session, or __Host-tally_session over https.
  const cookie = res.cookies.find((c) => c.name.endsWith('tally_session'));
  const session = new Client(app, { cookie: `${cookie?.name}=${cookie?.value ?? ''}`, csrf: body.csrfToken });
  const key = await session.post('/api/api-keys', { name: 'tests', role: 'admin' });
  if (key.status !== 201) throw new Error(`api key failed: ${key.status} ${key.text}`);
  const admin = new Client(app, { bearer: key.body.key });
  /** A client acting with another role in the same account, by API key. */
  const as = async (role: 'admin' | 'member' | 'viewer') => {
    const k = await admin.post('/api/api-keys', { name: role, role });
    return new Client(app, { bearer: k.body.key });
  };
  return { accountId: body.account.id as string, email, session, admin, as, signup: body };
}
