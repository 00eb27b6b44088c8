import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Where affiliate links may lead (SPEC §9): a domain of one of the account's stores, or of the
// list its admins keep, or a subdomain of either; anything else is refused with 422
// destination_not_allowed, and a link whose destination stops being allowed stops redirecting.

const LIST = '/api/account/link-domains';

describeDb('link domains', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** An account with a store on `brand.example` and a member to give links to. */
  async function brand() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR', domain: 'brand.example' })).body
      .id as string;
    const creator = (await admin.post('/api/creators', { name: 'Lina' })).body.id as string;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' } })).body.id as string;
    expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator })).status).toBe(201);
    const linksPath = `/api/campaigns/${campaign}/members/${creator}/links`;
    const link = (destination: string, as: Client = admin) => as.post(linksPath, { destination });
    const linkCount = async () => (await admin.get(`/api/campaigns/${campaign}/members/${creator}`)).body.links.length as number;
    return { ...account, store, linksPath, link, linkCount };
  }

  const refusal = (host: string) => ({
    error: {
      code: 'destination_not_allowed',
      message: `Links may lead only to a domain of one of the account's stores or on its list of link domains; ${host} is on neither. An admin can add it in Settings.`,
    },
  });

  it("allows a store's domain and its subdomains, and refuses its parent, look-alikes and every other host", async () => {
    const b = await brand();
    // A store's domain may be written as an address: its host counts.
    expect(
      (await b.admin.post('/api/stores', { platform: 'custom', name: 'Outlet', currency: 'EUR', domain: 'https://Outlet.Other.example/' }))
        .status,
    ).toBe(201);
    for (const destination of [
      'https://brand.example/tee',
      'http://brand.example/',
      'https://www.brand.example/x?y=1',
      'https://a.b.brand.example/',
      'https://BRAND.EXAMPLE./caps',
      'https://outlet.other.example/sale',
      'https://brand.example:8443/port',
    ]) {
      expect([destination, (await b.link(destination)).status]).toEqual([destination, 201]);
    }
    for (const [destination, host] of [
      ['https://other.example/', 'other.example'],
      ['https://evil.example/login', 'evil.example'],
      ['https://notbrand.example/', 'notbrand.example'],
      ['https://brand.example.evil.example/', 'brand.example.evil.example'],
      ['https://brand.example@evil.example/', 'evil.example'],
      ['https://evil.example\\@brand.example/', 'evil.example'],
      ['http://127.0.0.1/', '127.0.0.1'],
    ]) {
      const res = await b.link(destination!);
      expect([destination, res.status, res.body]).toEqual([destination, 422, refusal(host!)]);
    }
    expect(await b.linkCount()).toBe(7);
  });

  it('allows what an admin adds to the list, kept in one spelling, until it is taken off', async () => {
    const b = await brand();
    expect((await b.admin.get(LIST)).body).toEqual({ domains: [], storeDomains: ['brand.example'] });
    expect((await b.link('https://www.bücher.example/buch')).status).toBe(422);

    const added = await b.admin.post(LIST, { domain: ' Bücher.Example ' });
    expect([added.status, added.body]).toEqual([201, { domains: ['xn--bcher-kva.example'], storeDomains: ['brand.example'] }]);
    const again = await b.admin.post(LIST, { domain: 'xn--bcher-kva.example.' });
    expect([again.status, again.body]).toEqual([200, { domains: ['xn--bcher-kva.example'], storeDomains: ['brand.example'] }]);
    expect((await b.admin.post(LIST, { domain: 'landing.example' })).body.domains).toEqual(['landing.example', 'xn--bcher-kva.example']);
    expect((await b.link('https://www.bücher.example/buch')).status).toBe(201);
    expect((await b.link('https://landing.example/')).status).toBe(201);

    // Not a domain name: a scheme, a path, a port, a single label, an address, nothing.
    for (const domain of [
      'https://x.example',
      'x.example/shop',
      'x.example:80',
      'localhost',
      '1.2.3.4',
      '[::1]',
      '*.x.example',
      '',
      'a'.repeat(254),
    ]) {
      const res = await b.admin.post(LIST, { domain });
      expect([domain, res.status, res.body.error.code]).toEqual([domain, 400, 'invalid_input']);
    }

    expect((await b.admin.delete(`${LIST}/${encodeURIComponent('BÜCHER.example')}`)).status).toBe(204);
    const gone = await b.admin.delete(`${LIST}/xn--bcher-kva.example`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'not_found']);
    expect((await b.admin.delete(`${LIST}/not%20a%20domain`)).status).toBe(400);
    expect((await b.admin.get(LIST)).body).toEqual({ domains: ['landing.example'], storeDomains: ['brand.example'] });
    expect((await b.link('https://www.bücher.example/buch')).body).toEqual(refusal('www.xn--bcher-kva.example'));
  });

  it('lets viewers and members read the list, and only admins change it (403)', async () => {
    const b = await brand();
    expect((await b.admin.post(LIST, { domain: 'kept.example' })).status).toBe(201);
    for (const role of ['viewer', 'member'] as const) {
      const client = await b.as(role);
      expect((await client.get(LIST)).body).toEqual({ domains: ['kept.example'], storeDomains: ['brand.example'] });
      const add = await client.post(LIST, { domain: 'theirs.example' });
      expect([role, add.status, add.body.error.code]).toEqual([role, 403, 'forbidden']);
      const remove = await client.delete(`${LIST}/kept.example`);
      expect([role, remove.status, remove.body.error.code]).toEqual([role, 403, 'forbidden']);
      const link = await b.link('https://brand.example/', client);
      expect([role, link.status]).toEqual([role, 403]);
    }
    expect((await b.admin.get(LIST)).body.domains).toEqual(['kept.example']);
  });

  it("keeps accounts apart: another account's domains allow nothing here, and its list is not reachable", async () => {
    const a = await brand();
    const b = await brand();
    expect((await a.admin.post(LIST, { domain: 'partner.example' })).status).toBe(201);
    expect(
      (await a.admin.post('/api/stores', { platform: 'custom', name: 'A only', currency: 'EUR', domain: 'a-only.example' })).status,
    ).toBe(201);
    expect((await b.admin.get(LIST)).body).toEqual({ domains: [], storeDomains: ['brand.example'] });
    expect((await b.link('https://partner.example/')).body).toEqual(refusal('partner.example'));
    expect((await b.link('https://a-only.example/')).body).toEqual(refusal('a-only.example'));
    const del = await b.admin.delete(`${LIST}/partner.example`);
    expect([del.status, del.body.error.code]).toEqual([404, 'not_found']);
    expect((await a.admin.get(LIST)).body.domains).toEqual(['partner.example']);
    // Another account's member is not found, whatever the destination.
    const theirs = await b.admin.post(a.linksPath, { destination: 'https://brand.example/' });
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
  });

  it('stops redirecting a link whose destination is no longer allowed, counting nothing, and resumes when it is again', async () => {
    const b = await brand();
    const slug = (await b.link('https://brand.example/tee')).body.slug as string;
    const follow = (method: 'GET' | 'HEAD' = 'GET') => t.app.inject({ method, url: `/r/${slug}` });
    const clicks = async () =>
      (
        await sql<{
          n: string;
        }>`select count(*)::text as n from link_click_events e join links l on l.account_id = e.account_id and l.id = e.link_id
        where l.slug = ${slug}`.execute(t.db)
      ).rows[0]!.n;
    expect((await follow()).headers.location).toBe(`https://brand.example/tee?ref=${slug}`);
    expect(await clicks()).toBe('1');

    // The store moves to another domain: the link is switched off.
    expect((await b.admin.patch(`/api/stores/${b.store}`, { domain: 'brand-new.example' })).status).toBe(200);
    for (const method of ['GET', 'HEAD'] as const) {
      const off = await follow(method);
      expect([method, off.statusCode, off.headers.location]).toEqual([method, 404, undefined]);
    }
    expect((await follow()).body).toContain('This link is switched off');
    expect(await clicks()).toBe('1');

    expect((await b.admin.post(LIST, { domain: 'brand.example' })).status).toBe(201);
    expect((await follow()).statusCode).toBe(302);
    expect(await clicks()).toBe('2');
    expect((await b.admin.delete(`${LIST}/brand.example`)).status).toBe(204);
    expect((await follow()).statusCode).toBe(404);
  });

  it('does not redirect a link made before destinations were checked to a domain the account does not have', async () => {
    const b = await brand();
    const slug = (await b.link('https://brand.example/')).body.slug as string;
    await sql`update links set destination = 'https://phish.example/login' where slug = ${slug}`.execute(t.db);
    const res = await t.app.inject({ method: 'GET', url: `/r/${slug}` });
    expect([res.statusCode, res.headers.location]).toEqual([404, undefined]);
    expect(res.body).toContain('This link is switched off');
  });
});
