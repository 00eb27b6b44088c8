import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

describeDb('creators (the Community)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('creates a creator, with null for what was not given', async () => {
    const { admin } = await newAccount(t.app);
    const full = await admin.post('/api/creators', {
      name: ' Ana Lima ',
      handle: '@analima',
      email: 'ana@creators.test',
      paypalEmail: 'ana@paypal.test',
    });
    expect(full.status).toBe(201);
    expect(full.body).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      name: 'Ana Lima',
      handle: '@analima',
      email: 'ana@creators.test',
      paypalEmail: 'ana@paypal.test',
      removed: false,
    });
    const bare = await admin.post('/api/creators', { name: 'Bo' });
    expect(bare.status).toBe(201);
    expect(bare.body).toEqual({ id: expect.any(String), name: 'Bo', handle: null, email: null, paypalEmail: null, removed: false });
    const got = await admin.get(`/api/creators/${full.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(full.body);
  });

  it.each([
    [{}, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'X', email: 'not-an-email' }, 'email'],
    [{ name: 42 }, 'name'],
  ])('rejects %j with 400 invalid_input', async (body, field) => {
    const { admin } = await newAccount(t.app);
    const res = await admin.post('/api/creators', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toContain(field);
  });

  it('removes a creator from the Community and restores it', async () => {
    const { admin } = await newAccount(t.app);
    const a = (await admin.post('/api/creators', { name: 'A' })).body;
    const b = (await admin.post('/api/creators', { name: 'B' })).body;
    expect((await admin.get('/api/creators')).body).toEqual({ nextCursor: null, items: [a, b] });

    expect((await admin.delete(`/api/creators/${a.id}`)).status).toBe(204);
    expect((await admin.get('/api/creators')).body).toEqual({ nextCursor: null, items: [b] });
    expect((await admin.get('/api/creators?removed=false')).body).toEqual({ nextCursor: null, items: [b] });
    expect((await admin.get('/api/creators?removed=true')).body).toEqual({ nextCursor: null, items: [{ ...a, removed: true }, b] });
    expect((await admin.get('/api/creators?removed=only')).body).toEqual({ nextCursor: null, items: [{ ...a, removed: true }] });
    // Still readable by id, marked removed; removing again changes nothing.
    expect((await admin.get(`/api/creators/${a.id}`)).body).toEqual({ ...a, removed: true });
    expect((await admin.delete(`/api/creators/${a.id}`)).status).toBe(204);

    const restored = await admin.post(`/api/creators/${a.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual(a);
    expect((await admin.get('/api/creators')).body).toEqual({ nextCursor: null, items: [a, b] });
  });

  it('pages through creators oldest first, filters by removal and by name or handle', async () => {
    const { admin } = await newAccount(t.app);
    const made = [];
    for (let i = 1; i <= 7; i += 1)
      made.push((await admin.post('/api/creators', { name: `Creator ${i}`, handle: i === 3 ? '@c_3' : null })).body);
    for (const gone of [made[1], made[4], made[5]]) expect((await admin.delete(`/api/creators/${gone.id}`)).status).toBe(204);
    const removed = (c: { id: string }) => ({ ...c, removed: true });

    /** Every page of a list of 2, following nextCursor. */
    const pages = async (query: string) => {
      const all = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/creators?limit=2${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const res = await admin.get<{ items: unknown[]; nextCursor: string | null }>(url);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        all.push(res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      return all;
    };
    expect(await pages('')).toEqual([
      [made[0], made[2]],
      [made[3], made[6]],
    ]);
    expect(await pages('&removed=only')).toEqual([[removed(made[1]), removed(made[4])], [removed(made[5])]]);
    expect((await pages('&removed=true')).flat()).toEqual([
      made[0],
      removed(made[1]),
      made[2],
      made[3],
      removed(made[4]),
      removed(made[5]),
      made[6],
    ]);
    expect((await admin.get('/api/creators?q=CREATOR 2&removed=only')).body).toEqual({ nextCursor: null, items: [removed(made[1])] });
    expect((await admin.get('/api/creators?q=creator 2')).body).toEqual({ nextCursor: null, items: [] });
    expect((await admin.get('/api/creators?q=_3')).body).toEqual({ nextCursor: null, items: [made[2]] });
    expect((await admin.get('/api/creators')).body.items).toHaveLength(4);

    for (const [query, message] of [
      ['limit=0', /limit/],
      ['limit=501', /limit/],
      ['cursor=abc', /cursor is not valid/],
      ['removed=yes', /removed is one of true, false, only/],
    ] as const) {
      const res = await admin.get(`/api/creators?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toMatch(message);
    }
  });

  it('edits a creator', async () => {
    const { admin } = await newAccount(t.app);
    const a = (await admin.post('/api/creators', { name: 'A', handle: '@a' })).body;
    const res = await admin.patch(`/api/creators/${a.id}`, { name: 'Alice', handle: null, email: 'alice@x.test' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: a.id, name: 'Alice', handle: null, email: 'alice@x.test', paypalEmail: null, removed: false });
    expect((await admin.patch(`/api/creators/${a.id}`, {})).status).toBe(400);
  });

  it("answers 404 for another account's creator on every route", async () => {
    const mine = await newAccount(t.app);
    const theirs = await newAccount(t.app);
    const id = (await theirs.admin.post('/api/creators', { name: 'Theirs' })).body.id;
    const calls = [
      mine.admin.get(`/api/creators/${id}`),
      mine.admin.patch(`/api/creators/${id}`, { name: 'Mine now' }),
      mine.admin.delete(`/api/creators/${id}`),
      mine.admin.post(`/api/creators/${id}/restore`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await mine.admin.get('/api/creators?removed=true')).body).toEqual({ nextCursor: null, items: [] });
    // Untouched for its owner.
    expect((await theirs.admin.get(`/api/creators/${id}`)).body).toMatchObject({ name: 'Theirs', removed: false });
  });

  it('answers 404 for unknown and impossible ids, 400 for malformed ones', async () => {
    const { admin } = await newAccount(t.app);
    expect((await admin.get('/api/creators/999999999')).status).toBe(404);
    expect((await admin.get('/api/creators/9223372036854775807')).status).toBe(404);
    expect((await admin.get('/api/creators/9999999999999999999')).status).toBe(400);
    expect((await admin.get('/api/creators/abc')).status).toBe(400);
    expect((await admin.get('/api/creators/0')).status).toBe(400);
  });

  it('lets a viewer read but not change the Community', async () => {
    const { admin, as } = await newAccount(t.app);
    const viewer = await as('viewer');
    const member = await as('member');
    const a = (await admin.post('/api/creators', { name: 'A' })).body;
    expect((await viewer.get('/api/creators')).body).toEqual({ nextCursor: null, items: [a] });
    expect((await viewer.get(`/api/creators/${a.id}`)).status).toBe(200);
    for (const client of [viewer, member]) {
      for (const res of [
        await client.post('/api/creators', { name: 'New' }),
        await client.patch(`/api/creators/${a.id}`, { name: 'New' }),
        await client.delete(`/api/creators/${a.id}`),
        await client.post(`/api/creators/${a.id}/restore`),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    expect((await admin.get('/api/creators')).body).toEqual({ nextCursor: null, items: [a] });
  });

  it('needs a caller and, under a cookie session, the CSRF token', async () => {
    const { session } = await newAccount(t.app);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/creators' });
    expect(anonymous.statusCode).toBe(401);
    expect((await session.post('/api/creators', { name: 'Via session' })).status).toBe(201);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/creators',
      headers: { cookie: session.auth.cookie! },
      payload: { name: 'No token' },
    });
    expect(noCsrf.statusCode).toBe(403);
  });
});
