import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Taking access away (SPEC §9): roles changed, users removed, passwords reset or changed,
// every session ended. Each answer is checked, then what the taken-away credentials get.

const PASSWORD = 'correct horse battery';

describeDb('users and their access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  let users = 0;
  /** A new user of the account, made by its admin. */
  async function addUser(admin: Client, role: 'admin' | 'member' | 'viewer') {
    users += 1;
    const email = `user${users}-${Date.now()}@brand.test`;
    const res = await admin.post('/api/users', { email, password: PASSWORD, role });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email };
  }

  /** Signs in by e-mail and password: a cookie session with its CSRF token. */
  async function signIn(email: string, password = PASSWORD) {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password } });
    expect(res.statusCode).toBe(200);
    const cookie = `tally_session=${res.cookies.find((c) => c.name === 'tally_session')?.value}`;
    return new Client(t.app, { cookie, csrf: res.json().csrfToken });
  }

  const loginStatus = async (email: string, password: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password } })).statusCode;

  it("changes a role, and the user's open session holds the new role at once", async () => {
    const { admin, email: ownerEmail, signup } = await newAccount(t.app);
    const user = await addUser(admin, 'member');
    const session = await signIn(user.email);
    expect((await session.get('/api/users')).status).toBe(403);

    const promoted = await admin.patch(`/api/users/${user.id}`, { role: 'admin' });
    expect([promoted.status, promoted.body]).toEqual([200, { id: user.id, email: user.email, role: 'admin' }]);
    const list = await session.get('/api/users');
    expect([list.status, list.body]).toEqual([
      200,
      {
        items: [
          { id: signup.user.id, email: ownerEmail, role: 'admin' },
          { id: user.id, email: user.email, role: 'admin' },
        ],
      },
    ]);

    const demoted = await admin.patch(`/api/users/${user.id}`, { role: 'viewer' });
    expect([demoted.status, demoted.body.role]).toEqual([200, 'viewer']);
    const refused = await session.patch('/api/account', { name: 'Renamed' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    const me = await session.get('/api/me');
    expect([me.status, me.body]).toEqual([
      200,
      { account: signup.account, user: { id: user.id, email: user.email, role: 'viewer' }, role: 'viewer' },
    ]);
  });

  it('removes a user: their sessions answer 401, the keys they made are revoked, others are kept', async () => {
    const { admin, session: ownerSession, accountId } = await newAccount(t.app);
    const user = await addUser(admin, 'admin');
    const session = await signIn(user.email);
    const made = await session.post('/api/api-keys', { name: 'made by the user', role: 'member' });
    expect(made.status).toBe(201);
    const theirKey = new Client(t.app, { bearer: made.body.key });
    expect((await theirKey.get('/api/account')).status).toBe(200);

    expect((await admin.delete(`/api/users/${user.id}`)).status).toBe(204);
    for (const gone of [session, theirKey]) {
      const res = await gone.get('/api/account');
      expect([res.status, res.body.error.code]).toEqual([401, 'unauthenticated']);
    }
    expect((await admin.get('/api/users')).body.items.map((u: { id: string }) => u.id)).not.toContain(user.id);
    const keys = (await ownerSession.get('/api/api-keys')).body.items as Array<{ name: string; revokedAt: string | null }>;
    expect(keys.map((k) => [k.name, k.revokedAt === null])).toEqual([
      ['tests', true],
      ['made by the user', false],
    ]);
    // Nothing of theirs is left to find: sessions gone with them, the key forgets its maker.
    const sessions = await t.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('account_id', '=', accountId)
      .where('user_id', '=', user.id)
      .execute();
    expect(sessions).toEqual([]);
    const key = await t.db.selectFrom('api_keys').select('user_id').where('id', '=', made.body.id).executeTakeFirstOrThrow();
    expect(key.user_id).toBeNull();
    expect(await loginStatus(user.email, PASSWORD)).toBe(401);
    const again = await admin.delete(`/api/users/${user.id}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'not_found']);
  });

  it('keeps at least one admin: the last one cannot be demoted or removed (409 last_admin)', async () => {
    const { session, signup } = await newAccount(t.app);
    const self = signup.user.id;
    for (const res of [await session.patch(`/api/users/${self}`, { role: 'member' }), await session.delete(`/api/users/${self}`)]) {
      expect([res.status, res.body.error.code]).toEqual([409, 'last_admin']);
    }
    // Making the last admin an admin again changes nothing and is allowed.
    expect((await session.patch(`/api/users/${self}`, { role: 'admin' })).status).toBe(200);

    const other = await addUser(session, 'admin');
    expect((await session.patch(`/api/users/${self}`, { role: 'member' })).body.role).toBe('member');
    const otherSession = await signIn(other.email);
    const last = await otherSession.delete(`/api/users/${other.id}`);
    expect([last.status, last.body.error.code]).toEqual([409, 'last_admin']);
    // An admin may remove themself while another admin remains; their session ends with them.
    expect((await otherSession.patch(`/api/users/${self}`, { role: 'admin' })).status).toBe(200);
    expect((await otherSession.delete(`/api/users/${other.id}`)).status).toBe(204);
    expect((await otherSession.get('/api/account')).status).toBe(401);
    expect((await session.get('/api/users')).body.items).toEqual([{ id: self, email: signup.user.email, role: 'admin' }]);
  });

  it('leaves one admin when two admins demote each other at once', async () => {
    const { session, signup } = await newAccount(t.app);
    const other = await addUser(session, 'admin');
    const otherSession = await signIn(other.email);
    const answers = await Promise.all([
      session.patch(`/api/users/${other.id}`, { role: 'viewer' }),
      otherSession.patch(`/api/users/${signup.user.id}`, { role: 'viewer' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.map((a) => a.body.error?.code ?? 'ok').sort()).toEqual(['last_admin', 'ok']);
    const admins = await t.db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', signup.account.id)
      .where('role', '=', 'admin')
      .execute();
    expect(admins.length).toBe(1);
  });

  it("caps a key at its maker's role now", async () => {
    const { admin } = await newAccount(t.app);
    const user = await addUser(admin, 'admin');
    const made = await (await signIn(user.email)).post('/api/api-keys', { name: 'admin key', role: 'admin' });
    const key = new Client(t.app, { bearer: made.body.key });
    expect((await key.patch('/api/account', { name: 'By key' })).status).toBe(200);
    await admin.patch(`/api/users/${user.id}`, { role: 'viewer' });
    const capped = await key.patch('/api/account', { name: 'By key again' });
    expect([capped.status, capped.body.error.code]).toEqual([403, 'forbidden']);
    expect((await key.get('/api/me')).body.role).toBe('viewer');
    // A key made by that key has the same maker.
    await admin.patch(`/api/users/${user.id}`, { role: 'admin' });
    const child = await key.post('/api/api-keys', { name: 'child', role: 'admin' });
    await admin.patch(`/api/users/${user.id}`, { role: 'member' });
    expect((await new Client(t.app, { bearer: child.body.key }).get('/api/me')).body.role).toBe('member');
  });

  it("resets a user's password: every session of theirs ends, the new password signs in", async () => {
    const { admin } = await newAccount(t.app);
    const user = await addUser(admin, 'member');
    const first = await signIn(user.email);
    const second = await signIn(user.email);
    const reset = await admin.post(`/api/users/${user.id}/password`, { password: 'a brand new password' });
    expect([reset.status, reset.text]).toEqual([204, '']);
    for (const ended of [first, second]) expect((await ended.get('/api/account')).status).toBe(401);
    expect(await loginStatus(user.email, PASSWORD)).toBe(401);
    expect(await loginStatus(user.email, 'a brand new password')).toBe(200);
    const short = await admin.post(`/api/users/${user.id}/password`, { password: 'short' });
    expect([short.status, short.body.error.code]).toEqual([400, 'invalid_input']);
  });

  it('changes your own password: a wrong current one is 403 wrong_password; other sessions end, this one goes on', async () => {
    const { admin } = await newAccount(t.app);
    const user = await addUser(admin, 'viewer');
    const here = await signIn(user.email);
    const elsewhere = await signIn(user.email);
    const wrong = await here.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'my new password' });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_password']);
    const short = await here.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect([short.status, short.body.error.code]).toEqual([400, 'invalid_input']);
    expect((await elsewhere.get('/api/account')).status).toBe(200);

    expect((await here.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'my new password' })).status).toBe(204);
    expect((await here.get('/api/account')).status).toBe(200);
    expect((await elsewhere.get('/api/account')).status).toBe(401);
    expect(await loginStatus(user.email, PASSWORD)).toBe(401);
    expect(await loginStatus(user.email, 'my new password')).toBe(200);
  });

  it('limits attempts at your own current password: the 11th within a minute is 429, even with the right one', async () => {
    const { admin } = await newAccount(t.app);
    const user = await addUser(admin, 'viewer');
    const session = await signIn(user.email);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await session.post('/api/me/password', { currentPassword: `guess ${i}`, newPassword: 'my new password' })).status);
    expect(statuses).toEqual(Array(10).fill(403));
    const limited = await session.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'my new password' });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
    expect(await loginStatus(user.email, PASSWORD)).toBe(200);
  });

  it("signs out everywhere: every session of the user ends, other users' go on", async () => {
    const { admin, session: ownerSession } = await newAccount(t.app);
    const user = await addUser(admin, 'member');
    const here = await signIn(user.email);
    const elsewhere = await signIn(user.email);
    const res = await here.post('/api/logout-everywhere');
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^tally_session=;/);
    for (const ended of [here, elsewhere]) expect((await ended.get('/api/account')).status).toBe(401);
    expect((await ownerSession.get('/api/account')).status).toBe(200);
  });

  it('answers an API key that asks for a user of its own: 403 session_required, and /api/me without a user', async () => {
    const { as, signup } = await newAccount(t.app);
    const member = await as('member');
    for (const res of [
      await member.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'my new password' }),
      await member.post('/api/logout-everywhere'),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([403, 'session_required']);
    }
    expect((await member.get('/api/me')).body).toEqual({ account: signup.account, user: null, role: 'member' });
  });

  it('answers 401 without credentials', async () => {
    const anonymous = new Client(t.app);
    for (const res of [
      await anonymous.get('/api/me'),
      await anonymous.post('/api/me/password', {}),
      await anonymous.post('/api/logout-everywhere'),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([401, 'unauthenticated']);
    }
  });

  it("answers 404 to another account's user ids, 403 below admin, and 400 to malformed input", async () => {
    const owner = await newAccount(t.app);
    const stranger = await newAccount(t.app);
    const user = await addUser(owner.admin, 'member');
    for (const res of [
      await stranger.admin.patch(`/api/users/${user.id}`, { role: 'viewer' }),
      await stranger.admin.delete(`/api/users/${user.id}`),
      await stranger.admin.post(`/api/users/${user.id}/password`, { password: 'a brand new password' }),
      await owner.admin.patch('/api/users/9223372036854775807', { role: 'viewer' }),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    }
    const member = await owner.as('member');
    for (const res of [
      await member.patch(`/api/users/${user.id}`, { role: 'admin' }),
      await member.delete(`/api/users/${user.id}`),
      await member.post(`/api/users/${user.id}/password`, { password: 'a brand new password' }),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    }
    for (const res of [
      await owner.admin.patch(`/api/users/${user.id}`, { role: 'owner' }),
      await owner.admin.patch(`/api/users/${user.id}`, {}),
      await owner.admin.patch('/api/users/abc', { role: 'viewer' }),
      await owner.admin.delete('/api/users/99999999999999999999'),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_input']);
    }
    expect((await owner.admin.get('/api/users')).body.items.find((u: { id: string }) => u.id === user.id)).toEqual({
      id: user.id,
      email: user.email,
      role: 'member',
    });
    expect(await loginStatus(user.email, PASSWORD)).toBe(200);
  });
});
