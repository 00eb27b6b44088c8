import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

describeDb('sessions, API keys and users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('signs up an admin with a session cookie and a CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/signup',
      payload: {
        accountName: 'Acme',
        email: 'Owner@Acme.test',
        password: 'correct horse battery',
        defaultCurrency: 'USD',
        timeZone: 'America/New_York',
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.account).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'Acme',
      defaultCurrency: 'USD',
      timeZone: 'America/New_York',
    });
    expect(body.user).toEqual({ id: expect.stringMatching(/^\d+$/), email: 'Owner@Acme.test', role: 'admin' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookie = res.cookies.find((c) => c.name === 'tally_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
  });

  it('refuses a second account with the same e-mail in any case', async () => {
    await newAccount(t.app, { email: 'dup@example.com' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/signup',
      payload: { accountName: 'B', email: 'DUP@example.com', password: 'correct horse battery', defaultCurrency: 'EUR', timeZone: 'UTC' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('email_taken');
  });

  it.each([
    [{ defaultCurrency: 'XYZ' }, 422, 'unsupported_currency'],
    [{ timeZone: 'Mars/Olympus' }, 422, 'invalid_time_zone'],
    [{ password: 'short' }, 400, 'invalid_input'],
    [{ email: 'not-an-email' }, 400, 'invalid_input'],
    [{ defaultCurrency: 'eur' }, 400, 'invalid_input'],
  ])('rejects signup with %j: %i %s', async (override, status, code) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/signup',
      payload: {
        accountName: 'Bad',
        email: `bad${Math.random()}@example.com`,
        password: 'correct horse battery',
        defaultCurrency: 'EUR',
        timeZone: 'UTC',
        ...override,
      },
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
  });

  it('answers malformed and oversized bodies with a clear error', async () => {
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"accountName": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_input');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ accountName: 'x'.repeat(1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const unknown = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/nothing-here.' } });
  });

  it('logs in, needs the CSRF token for cookie mutations, and logs out', async () => {
    const { email } = await newAccount(t.app);
    const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password: 'correct horse battery' } });
    expect(login.statusCode).toBe(200);
    const cookie = `tally_session=${login.cookies.find((c) => c.name === 'tally_session')?.value}`;
    const withoutToken = new Client(t.app, { cookie });
    expect((await withoutToken.get('/api/account')).status).toBe(200);
    const denied = await withoutToken.patch('/api/account', { name: 'Renamed' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('csrf_token_invalid');
    const wrong = new Client(t.app, { cookie, csrf: 'not-the-token' });
    expect((await wrong.patch('/api/account', { name: 'Renamed' })).status).toBe(403);
    const withToken = new Client(t.app, { cookie, csrf: login.json().csrfToken });
    const renamed = await withToken.patch('/api/account', { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
    expect((await withToken.post('/api/logout')).status).toBe(204);
    expect((await withoutToken.get('/api/account')).status).toBe(401);
  });

  it('answers a wrong password and an unknown e-mail alike', async () => {
    const { email } = await newAccount(t.app);
    for (const payload of [
      { email, password: 'wrong password!' },
      { email: 'nobody@example.com', password: 'whatever123' },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
  });

  it('rate limits login attempts for one e-mail', async () => {
    const { email } = await newAccount(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password: 'wrong password!' } });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('shows an API key once, stores it hashed, and revokes it', async () => {
    const { admin, accountId, session } = await newAccount(t.app);
    const created = await admin.post('/api/api-keys', { name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(new RegExp(`^tly_${accountId}_`));
    const stored = await t.db.selectFrom('api_keys').select('key_hash').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(created.body.key);
    const viewer = new Client(t.app, { bearer: created.body.key });
    expect((await viewer.get('/api/account')).status).toBe(200);
    expect((await viewer.patch('/api/account', { name: 'x' })).status).toBe(403);
    const list = await session.get('/api/api-keys');
    expect(list.body.items.map((k: { name: string }) => k.name)).toEqual(['tests', 'ci']);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect((await admin.delete(`/api/api-keys/${created.body.id}`)).status).toBe(204);
    const revoked = await viewer.get('/api/account');
    expect(revoked.status).toBe(401);
    expect((await admin.delete(`/api/api-keys/${created.body.id}`)).status).toBe(404);
  });

  it('lets an admin add users with roles', async () => {
    const { admin } = await newAccount(t.app);
    const res = await admin.post('/api/users', { email: 'viewer@brand.test', password: 'correct horse battery', role: 'viewer' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: 'viewer@brand.test', role: 'viewer' });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: 'viewer@brand.test', password: 'correct horse battery' },
    });
    expect(login.json().user.role).toBe('viewer');
    expect((await admin.post('/api/users', { email: 'viewer@brand.test', password: 'correct horse battery', role: 'member' })).status).toBe(
      409,
    );
  });
});
