import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { purgeExpiredSessions } from '../../src/app/accounts/credentials.ts';
import { sha256 } from '../../src/app/accounts/secrets.ts';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Sessions end 30 days after they open and after 7 days without a request (SPEC §9); expired
// rows are deleted. Sessions are made old by moving their times back in SQL.

const PASSWORD = 'correct horse battery';

describeDb('session expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** A new user signed in once: their session client, its token's stored hash, and ids. */
  async function signedIn() {
    const { admin, accountId } = await newAccount(t.app);
    const email = `expiry-${Math.random().toString(36).slice(2)}@brand.test`;
    const user = (await admin.post('/api/users', { email, password: PASSWORD, role: 'viewer' })).body.id as string;
    return { ...(await login(email)), accountId, user, email };
  }

  async function login(email: string) {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password: PASSWORD } });
    const token = String(res.cookies.find((c) => c.name === 'tally_session')?.value);
    return { client: new Client(t.app, { cookie: `tally_session=${token}`, csrf: res.json().csrfToken }), hash: sha256(token) };
  }

  /** Moves a session's times back: `idle` since its last request, `age` since it opened. */
  async function age(hash: string, times: { idle?: string; age?: string }) {
    if (times.idle) await sql`update sessions set last_seen_at = now() - ${times.idle}::interval where token_hash = ${hash}`.execute(t.db);
    if (times.age)
      await sql`update sessions set created_at = now() - ${times.age}::interval, expires_at = now() - ${times.age}::interval + interval '30 days' where token_hash = ${hash}`.execute(
        t.db,
      );
  }

  const lastSeen = async (hash: string) =>
    (
      await t.db.selectFrom('sessions').select('last_seen_at').where('token_hash', '=', hash).executeTakeFirstOrThrow()
    ).last_seen_at.getTime();

  it('opens a session for 30 days, last seen now', async () => {
    const { hash } = await signedIn();
    // created_at and last_seen_at are the database's now(), expires_at the server's clock: a few ms apart.
    const row = await t.db
      .selectFrom('sessions')
      .select([
        sql<string>`extract(epoch from expires_at - created_at)::text`.as('lasts'),
        sql<boolean>`last_seen_at = created_at`.as('fresh'),
      ])
      .where('token_hash', '=', hash)
      .executeTakeFirstOrThrow();
    expect(row.fresh).toBe(true);
    expect(Math.abs(Number(row.lasts) - 30 * 86_400)).toBeLessThan(5);
  });

  it('ends a session idle for 7 days, and keeps one idle for a little less', async () => {
    const idle = await signedIn();
    await age(idle.hash, { idle: '7 days 1 minute' });
    const ended = await idle.client.get('/api/account');
    expect([ended.status, ended.body.error.code]).toEqual([401, 'unauthenticated']);

    const almost = await signedIn();
    await age(almost.hash, { idle: '6 days 23 hours' });
    expect((await almost.client.get('/api/account')).status).toBe(200);
    // The request counts as activity: the session was seen just now.
    expect(Date.now() - (await lastSeen(almost.hash))).toBeLessThan(60_000);
  });

  it('ends a session 30 days after it opened, however active', async () => {
    const { client, hash } = await signedIn();
    await age(hash, { age: '30 days 1 second' });
    const ended = await client.get('/api/account');
    expect([ended.status, ended.body.error.code]).toEqual([401, 'unauthenticated']);

    const young = await signedIn();
    await age(young.hash, { age: '29 days 23 hours' });
    expect((await young.client.get('/api/account')).status).toBe(200);
  });

  it('moves last_seen_at at most every 5 minutes, not on every request', async () => {
    const { client, hash } = await signedIn();
    await age(hash, { idle: '4 minutes' });
    const before = await lastSeen(hash);
    expect((await client.get('/api/account')).status).toBe(200);
    expect(await lastSeen(hash)).toBe(before);
    await age(hash, { idle: '6 minutes' });
    const old = await lastSeen(hash);
    expect((await client.get('/api/account')).status).toBe(200);
    expect(await lastSeen(hash)).toBeGreaterThan(old + 5 * 60_000);
  });

  it('purges exactly the expired sessions, and says how many', async () => {
    await purgeExpiredSessions(t.db);
    const { hash: idle, email, accountId, user } = await signedIn();
    const { hash: old } = await login(email);
    const { hash: idleButLive } = await login(email);
    const { hash: fresh } = await login(email);
    await age(idle, { idle: '7 days' });
    await age(old, { age: '30 days' });
    await age(idleButLive, { idle: '6 days 23 hours', age: '29 days' });
    expect(await purgeExpiredSessions(t.db)).toBe(2);
    const left = await t.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('token_hash', 'in', [idle, old, idleButLive, fresh])
      .execute();
    expect(left.map((r) => r.token_hash).sort()).toEqual([idleButLive, fresh].sort());
    // An hour later by the clock given, the one idle for 6 days 23 hours has expired too.
    expect(await purgeExpiredSessions(t.db, new Date(Date.now() + 3_600_000), { accountId, userId: user })).toBe(1);
    expect((await t.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user).execute()).map((r) => r.token_hash)).toEqual(
      [fresh],
    );
  });

  it("deletes the user's own expired sessions when they sign in, and no one else's", async () => {
    const mine = await signedIn();
    const theirs = await signedIn();
    await age(mine.hash, { idle: '8 days' });
    await age(theirs.hash, { idle: '8 days' });
    await login(mine.email);
    const left = await t.db.selectFrom('sessions').select('token_hash').where('token_hash', 'in', [mine.hash, theirs.hash]).execute();
    expect(left.map((r) => r.token_hash)).toEqual([theirs.hash]);
  });
});
