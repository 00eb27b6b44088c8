import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACCESS_CHANNEL } from '../../src/app/accounts/access-changed.ts';
import { eventLedger, openStream } from '../support/event-stream.ts';
import { Client, describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// An open event stream ends when its access does (SPEC §9): a revoked key, a removed user,
// sessions ended, an expired session — whichever server process made the change.

const PASSWORD = 'correct horse battery';

describeDb('event streams end with their access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  /** A user of the ledger's account signed in: their cookie, for a stream and for requests. */
  async function signedInUser(admin: Client) {
    const email = `stream-${Math.random().toString(36).slice(2)}@brand.test`;
    const id = (await admin.post('/api/users', { email, password: PASSWORD, role: 'viewer' })).body.id as string;
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { email, password: PASSWORD } });
    const cookie = `tally_session=${res.cookies.find((c) => c.name === 'tally_session')?.value}`;
    return { id, cookie, client: new Client(t.app, { cookie, csrf: res.json().csrfToken }) };
  }

  it('closes the stream of a revoked key; the key then gets 401, the stream too', async () => {
    const { admin, key, put } = await eventLedger(t.app);
    const stream = await openStream(t.app, key);
    const other = await openStream(t.app, (await admin.post('/api/api-keys', { name: 'other', role: 'viewer' })).body.key);
    await put('R-1');
    await stream.until(1);
    const id = (await admin.get('/api/api-keys')).body.items.find((k: { name: string }) => k.name === 'stream').id;
    expect((await admin.delete(`/api/api-keys/${id}`)).status).toBe(204);
    expect(await stream.ended()).toBe('closed');
    expect((await new Client(t.app, { bearer: key }).get('/api/account')).status).toBe(401);
    expect((await openStream(t.app, key)).status).toBe(401);
    // Another key's stream goes on and still gets the account's changes.
    await put('R-2');
    expect((await other.until(2)).map((f) => f.event)).toEqual(['conversion', 'conversion']);
    await other.close();
  });

  it("closes a removed user's session stream", async () => {
    const { admin } = await eventLedger(t.app);
    const user = await signedInUser(admin);
    const stream = await openStream(t.app, { cookie: user.cookie });
    expect(stream.status).toBe(200);
    expect((await admin.delete(`/api/users/${user.id}`)).status).toBe(204);
    expect(await stream.ended()).toBe('closed');
    expect((await user.client.get('/api/account')).status).toBe(401);
    expect((await openStream(t.app, { cookie: user.cookie })).status).toBe(401);
  });

  it('closes every stream of a user who signs out everywhere, and a stream of one signed out', async () => {
    const { admin } = await eventLedger(t.app);
    const user = await signedInUser(admin);
    const streams = [await openStream(t.app, { cookie: user.cookie }), await openStream(t.app, { cookie: user.cookie })];
    expect((await user.client.post('/api/logout-everywhere')).status).toBe(204);
    expect(await Promise.all(streams.map((s) => s.ended()))).toEqual(['closed', 'closed']);

    const again = await signedInUser(admin);
    const stream = await openStream(t.app, { cookie: again.cookie });
    expect((await again.client.post('/api/logout')).status).toBe(204);
    expect(await stream.ended()).toBe('closed');
  });

  it('closes a stream held by another server process when the key is revoked on this one', async () => {
    const { admin, key } = await eventLedger(t.app);
    const second = await t.second();
    await second.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(second, key);
    expect(stream.status).toBe(200);
    const id = (await admin.get('/api/api-keys')).body.items.find((k: { name: string }) => k.name === 'stream').id;
    expect((await admin.delete(`/api/api-keys/${id}`)).status).toBe(204);
    expect(await stream.ended()).toBe('closed');
  });

  it('closes the stream of a session that expired, at the next check', async () => {
    const { admin } = await eventLedger(t.app);
    const user = await signedInUser(admin);
    const kept = await signedInUser(admin);
    const stream = await openStream(t.app, { cookie: user.cookie });
    const keptStream = await openStream(t.app, { cookie: kept.cookie });
    await sql`update sessions set last_seen_at = now() - interval '8 days' where user_id = ${user.id}`.execute(t.db);
    // Expiry is found by the periodic check; any NOTIFY runs one at once.
    await sql`select pg_notify(${ACCESS_CHANNEL}, '')`.execute(t.db);
    expect(await stream.ended()).toBe('closed');
    // The other user's stream is still open: a change reaches it.
    await admin.patch('/api/account', { defaultCurrency: 'USD' });
    expect((await keptStream.until(1)).map((f) => f.event)).toEqual(['reload']);
    await keptStream.close();
  });
});
