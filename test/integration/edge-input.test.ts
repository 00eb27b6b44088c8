import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStream } from '../support/event-stream.ts';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// SPEC §8: what the ledger cannot hold is refused at the edge, with a 400 (or the 422 a
// semantic refusal already had) whose message names the field, and never a 5xx. Each case says
// what one bad input gets; test/integration/fuzz-api.test.ts throws everything else at the API.

const NUL = '\u0000';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describeDb('what the API refuses at the edge', () => {
  let t: TestApp;
  let admin: Client;
  let key: string;
  let ids: { creator: string; campaign: string; store: string; usdStore: string; jpyStore: string; conversion: string };

  const order = (over: Record<string, unknown> = {}) => ({
    number: '#1',
    createdAt: '2026-03-01T10:00:00Z',
    updatedAt: '2026-03-01T10:00:00Z',
    currency: 'EUR',
    subtotal: '10.00',
    status: 'paid',
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const account = await newAccount(t.app);
    admin = account.admin;
    key = String(admin.auth.bearer);
    const creator = (await admin.post('/api/creators', { name: 'Ann' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' } })).body.id;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['ANN10'] });
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Own', currency: 'EUR' })).body.id;
    const usdStore = (await admin.post('/api/stores', { platform: 'custom', name: 'US', currency: 'USD' })).body.id;
    const jpyStore = (await admin.post('/api/stores', { platform: 'custom', name: 'JP', currency: 'JPY' })).body.id;
    const conversion = (await admin.put(`/api/stores/${store}/orders/1001`, order({ codes: ['ANN10'] }))).body.conversionId;
    ids = { creator, campaign, store, usdStore, jpyStore, conversion };
  });
  afterAll(async () => t?.close());

  /**
   * Expects a refusal: status, code, and a message naming `field`, as the schema's messages do
   * ("body is invalid: name: …") or a use case's ("from is …", "The cursor is …").
   */
  async function refused(reply: Promise<{ status: number; body: any }>, status: number, code: string, field: string) {
    const res = await reply;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    const message = String(res.body.error.message);
    const named =
      message.includes(`${field}:`) ||
      message.startsWith(`${field} `) ||
      message.includes(`The ${field} `) ||
      message.includes(`"${field}"`);
    expect(named ? field : message).toBe(field);
    return message;
  }

  describe('control characters in texts', () => {
    it.each([
      ['a creator name', () => admin.post('/api/creators', { name: `Ann${NUL}` }), 'name'],
      ['a creator handle', () => admin.post('/api/creators', { name: 'Ann', handle: '@ann\u0001' }), 'handle'],
      ['a creator name, edited', () => admin.patch(`/api/creators/${ids.creator}`, { name: `A${NUL}` }), 'name'],
      ['a campaign name', () => admin.post('/api/campaigns', { name: `Summer${NUL}` }), 'name'],
      ['a store name', () => admin.post('/api/stores', { platform: 'custom', name: `S${NUL}`, currency: 'EUR' }), 'name'],
      [
        'a store domain',
        () => admin.post('/api/stores', { platform: 'shopify', name: 'S', currency: 'EUR', domain: `x${NUL}.myshopify.com` }),
        'domain',
      ],
      ['a webhook secret', () => admin.patch(`/api/stores/${ids.store}`, { webhookSecret: `0123456789abcdef${NUL}` }), 'webhookSecret'],
      ['an API key name', () => admin.post('/api/api-keys', { name: `k${NUL}`, role: 'viewer' }), 'name'],
      ['the account name', () => admin.patch('/api/account', { name: `Brand${NUL}` }), 'name'],
      ['a time zone', () => admin.patch('/api/account', { timeZone: `Europe/Paris${NUL}` }), 'timeZone'],
      [
        'an e-mail',
        () => admin.post('/api/users', { email: `a${NUL}@example.com`, password: 'correct horse battery', role: 'viewer' }),
        'email',
      ],
      [
        'a code of a new member',
        () => admin.post(`/api/campaigns/${ids.campaign}/members`, { creatorId: ids.creator, codes: [`X${NUL}`] }),
        'codes.0',
      ],
      ['a code', () => admin.post(`/api/campaigns/${ids.campaign}/members/${ids.creator}/codes`, { code: `X${NUL}` }), 'code'],
      ['a code in a path', () => admin.delete(`/api/campaigns/${ids.campaign}/members/${ids.creator}/codes/X%00`), 'code'],
      [
        'a link destination',
        () => admin.post(`/api/campaigns/${ids.campaign}/members/${ids.creator}/links`, { destination: `https://x.com/${NUL}` }),
        'destination',
      ],
      ['a reject reason', () => admin.post(`/api/conversions/${ids.conversion}/reject`, { reason: `no${NUL}` }), 'reason'],
      ['a search of the Community', () => admin.get('/api/community?q=a%00'), 'q'],
      ['a search of the creators', () => admin.get('/api/creators?q=%1B'), 'q'],
      ['an order number', () => admin.put(`/api/stores/${ids.store}/orders/2001`, order({ number: `#1${NUL}` })), 'number'],
      ['an order code', () => admin.put(`/api/stores/${ids.store}/orders/2001`, order({ codes: ['ok', `X${NUL}`] })), 'codes.1'],
      ['an order ref', () => admin.put(`/api/stores/${ids.store}/orders/2001`, order({ ref: `r${NUL}` })), 'ref'],
      ['an order id', () => admin.put(`/api/stores/${ids.store}/orders/a%00b`, order()), 'externalId'],
      ['an order id, read', () => admin.get(`/api/stores/${ids.store}/orders/a%00b`), 'externalId'],
    ])('%s holding a control character: 400 invalid_input', async (_what, call, field) => {
      const message = await refused(call(), 400, 'invalid_input', field);
      expect(message).toContain('control character');
    });

    it('an account signing up with NUL in its name: 400 naming accountName', async () => {
      const res = t.app.inject({
        method: 'POST',
        url: '/api/signup',
        payload: {
          accountName: `Brand${NUL}`,
          email: 'nul@example.com',
          password: 'correct horse battery',
          defaultCurrency: 'EUR',
          timeZone: 'UTC',
        },
      });
      await refused(
        res.then((r) => ({ status: r.statusCode, body: r.json() })),
        400,
        'invalid_input',
        'accountName',
      );
    });

    it('refuses a line break or a tab in a name, and keeps them in a reason (the CSV export quotes them)', async () => {
      await refused(admin.post('/api/creators', { name: 'Smith,\tJo\nJr.' }), 400, 'invalid_input', 'name');
      await refused(admin.post('/api/creators', { name: 'Jo\nJr.' }), 400, 'invalid_input', 'name');
      expect((await admin.post('/api/creators', { name: 'Smith, Jo Jr.' })).status).toBe(201);
      const rejected = await admin.post(`/api/conversions/${ids.conversion}/reject`, { reason: 'test order\nfrom QA' });
      expect(rejected.status).toBe(200);
      expect((await admin.post(`/api/conversions/${ids.conversion}/approve`, {})).status).toBe(200);
    });

    it('an order id of more than 20 digits: 400 naming externalId', async () => {
      expect(
        await refused(admin.put(`/api/stores/${ids.store}/orders/${'9'.repeat(21)}`, order()), 400, 'invalid_input', 'externalId'),
      ).toContain('20 digits');
      expect((await admin.put(`/api/stores/${ids.store}/orders/${'9'.repeat(20)}`, order())).status).toBe(200);
    });
  });

  describe('amounts beyond 10^12 major units', () => {
    it('a fixed commission of 10^13 EUR: 400 naming fixed', async () => {
      const body = { name: 'Big', commission: { fixed: { value: '10000000000000', currency: 'EUR' } } };
      expect(await refused(admin.post('/api/campaigns', body), 400, 'invalid_input', 'commission.fixed.value')).toContain(
        'beyond 10^12 EUR',
      );
    });

    it('a fixed commission of exactly 10^12 EUR is kept', async () => {
      const res = await admin.post('/api/campaigns', {
        name: 'Edge',
        commission: { fixed: { value: '1000000000000.00', currency: 'EUR' } },
      });
      expect(res.status).toBe(201);
      expect(res.body.commission.fixed).toEqual({ value: '1000000000000.00', currency: 'EUR' });
    });

    it.each([
      [
        'a campaign, beyond int8 in minor units',
        () => admin.post('/api/campaigns', { name: 'X', commission: { fixed: { value: '100000000000000000000', currency: 'EUR' } } }),
      ],
      [
        'a campaign edited',
        () => admin.patch(`/api/campaigns/${ids.campaign}`, { commission: { fixed: { value: '1000000000000.01', currency: 'EUR' } } }),
      ],
      [
        'a member added',
        () =>
          admin.post(`/api/campaigns/${ids.campaign}/members`, {
            creatorId: ids.creator,
            commission: { fixed: { value: '10000000000000', currency: 'USD' } },
          }),
      ],
      [
        'a member edited',
        () =>
          admin.patch(`/api/campaigns/${ids.campaign}/members/${ids.creator}`, {
            commission: { fixed: { value: '-10000000000000', currency: 'EUR' } },
          }),
      ],
      [
        'in JPY, one yen beyond',
        () => admin.post('/api/campaigns', { name: 'X', commission: { fixed: { value: '1000000000001', currency: 'JPY' } } }),
      ],
    ])('a fixed commission in %s: 400 naming fixed', async (_what, call) => {
      expect(await refused(call(), 400, 'invalid_input', 'commission.fixed.value')).toContain('beyond 10^12');
    });

    it('keeps the semantic refusals it had: a negative or over-precise fixed commission is 422 invalid_amount', async () => {
      await refused(
        admin.post('/api/campaigns', { name: 'X', commission: { fixed: { value: '-1', currency: 'EUR' } } }),
        422,
        'invalid_amount',
        'commission.fixed',
      );
      await refused(
        admin.post('/api/campaigns', { name: 'X', commission: { fixed: { value: '1.001', currency: 'EUR' } } }),
        422,
        'invalid_amount',
        'commission.fixed',
      );
    });

    it('a custom order with subtotal "1000000000000.01" USD: 400 naming subtotal', async () => {
      const body = order({ currency: 'USD', subtotal: '1000000000000.01' });
      expect(await refused(admin.put(`/api/stores/${ids.usdStore}/orders/3001`, body), 400, 'invalid_input', 'subtotal')).toContain(
        'beyond 10^12 USD',
      );
      expect((await admin.get(`/api/stores/${ids.usdStore}/orders/3001`)).status).toBe(404);
    });

    it.each([
      ['refunded beyond 10^12', { currency: 'USD', subtotal: '1.00', refunded: '99999999999999999999' }, 'refunded'],
      ['a subtotal beyond int8 in minor units', { currency: 'USD', subtotal: '100000000000000000000' }, 'subtotal'],
      ['a subtotal of 41 characters', { currency: 'USD', subtotal: `1.${'0'.repeat(39)}` }, 'subtotal'],
    ])('a custom order with %s: 400 naming the field', async (_what, over, field) => {
      await refused(admin.put(`/api/stores/${ids.usdStore}/orders/3002`, order(over)), 400, 'invalid_input', field);
    });

    it('10^12 JPY is kept, one yen more is not', async () => {
      expect(
        (await admin.put(`/api/stores/${ids.jpyStore}/orders/3003`, order({ currency: 'JPY', subtotal: '1000000000000' }))).status,
      ).toBe(200);
      await refused(
        admin.put(`/api/stores/${ids.jpyStore}/orders/3004`, order({ currency: 'JPY', subtotal: '1000000000001' })),
        400,
        'invalid_input',
        'subtotal',
      );
    });

    it("an order whose amount, converted at the account's rate, passes int8: 422 invalid_amount, nothing kept", async () => {
      const other = (await newAccount(t.app)).admin;
      const creator = (await other.post('/api/creators', { name: 'Ann' })).body.id;
      const campaign = (await other.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' } })).body.id;
      await other.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['ANN10'] });
      const kwd = (await other.post('/api/stores', { platform: 'custom', name: 'KW', currency: 'KWD' })).body.id;
      expect((await other.post('/api/fx-rates', { currency: 'KWD', date: '2026-01-01', perEur: '0.000000000001' })).status).toBe(201);
      const res = other.put(`/api/stores/${kwd}/orders/5001`, order({ currency: 'KWD', subtotal: '1000000000000', codes: ['ANN10'] }));
      expect(await refused(res, 422, 'invalid_amount', 'A figure')).toContain('beyond what the ledger holds');
      expect((await other.get(`/api/stores/${kwd}/orders/5001`)).status).toBe(404);
    });

    it('a rate at which a stored conversion would pass int8: 422 invalid_amount, the rate not kept', async () => {
      const other = (await newAccount(t.app)).admin;
      const creator = (await other.post('/api/creators', { name: 'Ann' })).body.id;
      const campaign = (await other.post('/api/campaigns', { name: 'Summer', commission: { percent: '10' } })).body.id;
      await other.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['ANN10'] });
      const kwd = (await other.post('/api/stores', { platform: 'custom', name: 'KW', currency: 'KWD' })).body.id;
      // KWD has no ECB rate: the conversion waits for one (fxMissing).
      expect(
        (await other.put(`/api/stores/${kwd}/orders/5002`, order({ currency: 'KWD', subtotal: '1000000000000', codes: ['ANN10'] }))).status,
      ).toBe(200);
      await refused(
        other.post('/api/fx-rates', { currency: 'KWD', date: '2026-01-01', perEur: '0.000000000001' }),
        422,
        'invalid_amount',
        'A figure',
      );
      const rates = await other.get('/api/fx-rates?date=2026-03-01');
      expect(rates.body.items.filter((r: { currency: string }) => r.currency === 'KWD')).toEqual([]);
      expect((await other.post('/api/fx-rates', { currency: 'KWD', date: '2026-01-01', perEur: '0.3' })).status).toBe(201);
    });

    it('a rate of 13 digits, or of 31 decimals: 400 naming perEur', async () => {
      await refused(
        admin.post('/api/fx-rates', { currency: 'USD', date: '2026-03-01', perEur: '1000000000000' }),
        400,
        'invalid_input',
        'perEur',
      );
      await refused(
        admin.post('/api/fx-rates', { currency: 'USD', date: '2026-03-01', perEur: `0.${'0'.repeat(30)}1` }),
        400,
        'invalid_input',
        'perEur',
      );
    });
  });

  describe('days and instants outside 1970 to 9999, or not on the calendar', () => {
    it.each([
      ['from=2026-02-30', 'from'],
      ['from=0000-01-01', 'from'],
      ['from=1969-12-31', 'from'],
      ['to=10000-01-01', 'to'],
      ['from=0000-01-01T00:00:00Z', 'from'],
      ['from=2026-02-30T10:00:00Z', 'from'],
      ['to=9999-12-31T23:59:59-05:00', 'to'],
      ['to=2026-03-01T24:00:00Z', 'to'],
    ])('the dashboard with %s: 400 naming the bound', async (query, field) => {
      await refused(admin.get(`/api/dashboard?${query}`), 400, 'invalid_input', field);
    });

    it.each([
      ['the dashboard', () => '/api/dashboard'],
      ['the Community', () => '/api/community'],
      ["a campaign's performance", () => `/api/campaigns/${ids.campaign}/performance`],
      ["a campaign's conversions", () => `/api/campaigns/${ids.campaign}/conversions`],
      ["a campaign's export", () => `/api/campaigns/${ids.campaign}/conversions/export`],
      ['all sales', () => '/api/sales/export'],
    ])('%s with from=2026-02-30 or from=0000-01-01: 400 naming from', async (_what, path) => {
      await refused(admin.get(`${path()}?from=2026-02-30`), 400, 'invalid_input', 'from');
      await refused(admin.get(`${path()}?from=0000-01-01`), 400, 'invalid_input', 'from');
    });

    it('a range ending on 9999-12-31 is read; one starting in 9999 is refused, naming from', async () => {
      for (const path of ['/api/community', `/api/campaigns/${ids.campaign}/performance`, '/api/sales/export']) {
        expect((await admin.get(`${path}?to=9999-12-31`)).status).toBe(200);
      }
      for (const path of ['/api/dashboard', '/api/community', `/api/campaigns/${ids.campaign}/performance`]) {
        expect(await refused(admin.get(`${path}?from=9999-06-15`), 400, 'invalid_input', 'from')).toContain('9998-12-31');
      }
      // The last hour of 9999 in UTC is already the year 10000 in Paris, the account's zone.
      expect(await refused(admin.get('/api/dashboard?to=9999-12-31T23:30:00Z'), 400, 'invalid_input', 'to')).toContain('Europe/Paris');
    });

    it.each([
      [{ from: '0000-01-01', to: '2026-01-01' }, 'from'],
      [{ from: '2026-01-01', to: '2026-02-30' }, 'to'],
      [{ from: '1900-01-01T00:00:00Z', to: '2026-01-01' }, 'from'],
    ])('a backfill of %j: 400 naming the bound', async (body, field) => {
      await refused(admin.post(`/api/campaigns/${ids.campaign}/backfill`, body), 400, 'invalid_input', field);
    });

    it.each([
      [{ createdAt: '0000-01-01T00:00:00Z' }, 'createdAt'],
      [{ createdAt: '1969-12-31T23:59:59Z' }, 'createdAt'],
      [{ createdAt: '1970-01-01T00:30:00+01:00' }, 'createdAt'],
      [{ updatedAt: '2026-02-30T10:00:00Z' }, 'updatedAt'],
      [{ updatedAt: '9999-12-31T23:59:59-01:00' }, 'updatedAt'],
      [{ updatedAt: '+010000-01-01T00:00:00Z' }, 'updatedAt'],
    ])('a custom order with %j: 400 naming the field', async (over, field) => {
      await refused(admin.put(`/api/stores/${ids.store}/orders/4001`, order(over)), 400, 'invalid_input', field);
      expect((await admin.get(`/api/stores/${ids.store}/orders/4001`)).status).toBe(404);
    });

    it('keeps an order at the first instant of 1970 and the last of 9999', async () => {
      for (const at of ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
        expect((await admin.put(`/api/stores/${ids.store}/orders/4002`, order({ createdAt: at, updatedAt: at }))).status).toBe(200);
      }
      expect((await admin.get('/api/dashboard')).status).toBe(200);
    });

    it.each(['2026-02-30', '0000-01-01', '1969-12-31', '10000-01-01'])('a rate dated %s: 400 naming date', async (date) => {
      await refused(admin.post('/api/fx-rates', { currency: 'USD', date, perEur: '1.1' }), 400, 'invalid_input', 'date');
      await refused(admin.get(`/api/fx-rates?date=${date}`), 400, 'invalid_input', 'date');
    });

    it('an ECB file with a day before 1970: 422 invalid_fx_file naming the day', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/fx-rates/import',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        payload: 'Date,USD,\n1969-12-31,1.1,\n',
      });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 422, code: 'invalid_fx_file' });
      expect(res.json().error.message).toContain('1969-12-31');
    });
  });

  describe('cursors', () => {
    it.each([
      ['garbage', () => `/api/campaigns/${ids.campaign}/conversions?cursor=garbage`],
      [
        'a day that is not on the calendar',
        () => `/api/campaigns/${ids.campaign}/conversions?cursor=${b64({ d: '2026-02-30T00:00:00.000000Z', i: '1' })}`,
      ],
      ['the year 0', () => `/api/campaigns/${ids.campaign}/conversions?cursor=${b64({ d: '0000-01-01T00:00:00.000000Z', i: '1' })}`],
      ['the hour 25', () => `/api/campaigns/${ids.campaign}/conversions?cursor=${b64({ d: '2026-01-01T25:00:00.000000Z', i: '1' })}`],
      ['an id beyond int8', () => `/api/creators?cursor=${b64({ i: '9223372036854775808' })}`],
      ['garbage, for the Community', () => '/api/community?cursor=garbage'],
    ])('%s: 400 invalid_input naming the cursor', async (_what, url) => {
      await refused(admin.get(url()), 400, 'invalid_input', 'cursor');
    });
  });

  describe('credentials whose account id cannot exist', () => {
    it.each([
      ['a cookie tally_session=99999999999999999999.x', { cookie: 'tally_session=99999999999999999999.x' }],
      ['a cookie tally_session=9999999999999999999.x', { cookie: 'tally_session=9999999999999999999.x' }],
      ['Authorization: Bearer tly_99999999999999999999_x', { authorization: 'Bearer tly_99999999999999999999_x' }],
      ['Authorization: Bearer tly_9999999999999999999_<secret>', { authorization: `Bearer tly_9999999999999999999_${'a'.repeat(32)}` }],
    ])('%s: 401 unauthenticated', async (_what, headers) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/account', headers });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 401, code: 'unauthenticated' });
    });

    it('signing out with such a cookie: 204', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: 'tally_session=9999999999999999999.x' } });
      expect(res.statusCode).toBe(204);
    });

    it('an event stream resumed from an event id beyond int8: a reload', async () => {
      const stream = await openStream(t.app, key, '9999999999999999999');
      expect(stream.status).toBe(200);
      const [first] = await stream.until(1);
      expect(first?.event).toBe('reload');
      await stream.close();
    });
  });

  describe('ids and zones', () => {
    it('a path id beyond int8: 400 naming id, as for any id that is not one; the largest int8 is a 404', async () => {
      await refused(admin.get('/api/creators/9999999999999999999'), 400, 'invalid_input', 'id');
      await refused(admin.get(`/api/campaigns/${ids.campaign}/members/99999999999999999999`), 400, 'invalid_input', 'creatorId');
      await refused(admin.get('/api/creators/9223372036854775807'), 404, 'not_found', 'Creator');
    });

    it('a time zone the database does not know (US/Pacific-New, still in ICU): 422 invalid_time_zone', async () => {
      await refused(admin.patch('/api/account', { timeZone: 'US/Pacific-New' }), 422, 'invalid_time_zone', 'US/Pacific-New');
      expect((await admin.get('/api/account')).body.timeZone).toBe('Europe/Paris');
    });
  });
});
