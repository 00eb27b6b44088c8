import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvStream, EXPORT_CHUNK_ROWS, exportAllSales } from '../../src/app/exports/exports.ts';
import { type Ledger, newLedger, read } from '../support/fixtures-ledger.ts';
import { Client, describeDb, newAccount, type Reply, startTestApp, type TestApp } from '../support/harness.ts';

// CSV exports (SPEC §3, §4, §6, §9, §10). Expected figures are worked out by hand from the ECB
// reference rates of the order's UTC day (test/fixtures/fx, loaded into the test database):
//   2026-03-06: 1 EUR = 1.1561 USD = 182.57 JPY; the ECB publishes no NGN rate.
// 115.61 USD / 1.1561 = 100.00 EUR, 10 % = 10.00; 1235 JPY / 182.57 = 6.7645 -> 6.76 EUR,
// 10 % = 0.676 -> 0.68.

const HEADER =
  'Order ID,Order Number,Order Date,Campaign Name,Creator,Code or Link,Status,Approval,Amount,Currency,Converted Amount,Default Currency,Commission';
const COLUMNS = [
  'Order ID',
  'Order Number',
  'Order Date',
  'Campaign Name',
  'Creator',
  'Code or Link',
  'Status',
  'Approval',
  'Amount',
  'Currency',
  'Converted Amount',
  'Default Currency',
  'Commission',
] as const;
const BOM = '\uFEFF';

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF after every record. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      if (field !== '' || wasQuoted) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      wasQuoted = false;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      wasQuoted = false;
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      field += ch;
    }
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

type Row = Record<(typeof COLUMNS)[number], string>;

/** The data rows of a CSV answer, by column name, after checking the BOM and the header. */
function rowsOf(res: Reply): Row[] {
  expect(res.status, res.text).toBe(200);
  expect(res.text.startsWith(BOM)).toBe(true);
  const [header, ...records] = parseCsv(res.text.slice(1));
  expect(header).toEqual([...COLUMNS]);
  expect(header?.join(',')).toBe(HEADER);
  return records.map((r) => {
    expect(r).toHaveLength(COLUMNS.length);
    return Object.fromEntries(COLUMNS.map((c, i) => [c, r[i] as string])) as Row;
  });
}

const orderIds = (rows: Row[]) => rows.map((r) => r['Order ID']);

/** Minor units of a decimal string with two decimals, exactly. */
const cents = (value: string) => {
  expect(value).toMatch(/^[0-9]+\.[0-9]{2}$/);
  return BigInt(value.replace('.', ''));
};

describeDb('exports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  // A EUR account in New York: stores in four currencies, two campaigns, tricky names and codes,
  // a member removed from the campaign and a creator removed from the Community.
  async function world() {
    const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'America/New_York' });
    const usd = await l.store('USD');
    const jpy = await l.store('JPY');
    const ngn = await l.store('NGN');
    const eur = await l.store('EUR');
    const summer = await l.campaign('Summer Sale', { percent: '10' });
    const winter = await l.campaign('Winter', { percent: '5' });
    const ana = await l.creator('Ana');
    const evil = await l.creator('=HYPERLINK("x")');
    const comma = await l.creator('Smith, Jo Jr.');
    // A name refuses a line break where it enters; one kept before that rule still has to be quoted.
    await sql`update creators set name = ${'Smith, Jo\nJr.'} where id = ${comma}`.execute(t.db);
    const bob = await l.creator('Bob');
    const cleo = await l.creator('Cleo');
    await l.member(summer, ana, ['ANA10']);
    await l.member(summer, evil, ['+CODE']);
    await l.member(summer, comma, ['COMMA']);
    await l.member(summer, bob, ['BOB']);
    await l.member(summer, cleo, ['CLEO']);
    await l.member(winter, ana, ['WIN5']);
    const o = {
      // 03:30:45 UTC on the 6th is 22:30:45 on the 5th in New York (EST, UTC-5).
      usd: await l.order(
        usd,
        { number: '#1001', createdAt: '2026-03-06T03:30:45Z', subtotal: '115.61', status: 'paid', codes: ['ana10'] },
        'A-USD',
      ),
      jpy: await l.order(
        jpy,
        { number: '#1002', createdAt: '2026-03-06T15:00:00Z', subtotal: '1235', status: 'paid', codes: ['ANA10'] },
        'A-JPY',
      ),
      ngn: await l.order(
        ngn,
        { number: '#1003', createdAt: '2026-03-06T16:00:00Z', subtotal: '5000.00', status: 'paid', codes: ['ANA10'] },
        'A-NGN',
      ),
      evil: await l.order(
        eur,
        { number: '=1+2', createdAt: '2026-03-07T12:00:00Z', subtotal: '20.00', status: 'pending', codes: ['+code'] },
        '@E-1',
      ),
      comma: await l.order(
        eur,
        { number: '#1005', createdAt: '2026-03-07T13:00:00Z', subtotal: '30.00', status: 'paid', codes: ['COMMA'] },
        'C-1',
      ),
      bob: await l.order(
        eur,
        { number: '#1006', createdAt: '2026-03-08T12:00:00Z', subtotal: '40.00', status: 'paid', codes: ['BOB'] },
        'B-1',
      ),
      cleo: await l.order(
        eur,
        { number: '#1007', createdAt: '2026-03-08T13:00:00Z', subtotal: '50.00', status: 'paid', codes: ['CLEO'] },
        'CL-1',
      ),
      winter: await l.order(
        eur,
        { number: '#1008', createdAt: '2026-03-09T12:00:00Z', subtotal: '60.00', status: 'canceled', codes: ['WIN5'] },
        'W-1',
      ),
    };
    await l.removeMember(summer, bob);
    await l.removeCreator(cleo);
    return { l, summer, winter, ana, evil, comma, o };
  }
  let shared: ReturnType<typeof world> | undefined;
  const sharedWorld = () => (shared ??= world());

  describe('the file', () => {
    it('is UTF-8 CSV with a BOM, CRLF line ends and the exact header', async () => {
      const { l, summer } = await sharedWorld();
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/campaigns/${summer}/conversions/export`,
        headers: { authorization: `Bearer ${l.admin.auth.bearer}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(res.body.startsWith(`${BOM}${HEADER}\r\n`)).toBe(true);
      expect(res.body.endsWith('\r\n')).toBe(true);
      // Every line break that ends a record is CRLF; the one bare \n is inside a quoted name.
      expect(res.body.match(/\r\n/g)?.length).toBe(1 + 5);
    });

    it("writes every cell of a row: the order date in the account's zone, amounts with their decimals", async () => {
      const { l, summer } = await sharedWorld();
      const rows = rowsOf(await l.admin.get(`/api/campaigns/${summer}/conversions/export`));
      expect(rows.find((r) => r['Order ID'] === 'A-USD')).toEqual({
        'Order ID': 'A-USD',
        'Order Number': '#1001',
        'Order Date': '2026-03-05 22:30:45',
        'Campaign Name': 'Summer Sale',
        Creator: 'Ana',
        'Code or Link': 'ANA10',
        Status: 'Paid',
        Approval: 'Approved',
        Amount: '115.61',
        Currency: 'USD',
        'Converted Amount': '100.00',
        'Default Currency': 'EUR',
        Commission: '10.00',
      });
      expect(rows.find((r) => r['Order ID'] === 'A-JPY')).toMatchObject({
        'Order Date': '2026-03-06 10:00:00',
        Amount: '1235',
        Currency: 'JPY',
        'Converted Amount': '6.76',
        'Default Currency': 'EUR',
        Commission: '0.68',
      });
    });

    it('leaves Converted Amount and Commission empty when the rate is missing', async () => {
      const { l, summer } = await sharedWorld();
      const rows = rowsOf(await l.admin.get(`/api/campaigns/${summer}/conversions/export`));
      expect(rows.find((r) => r['Order ID'] === 'A-NGN')).toMatchObject({
        Status: 'Paid',
        Amount: '5000.00',
        Currency: 'NGN',
        'Converted Amount': '',
        'Default Currency': 'EUR',
        Commission: '',
      });
    });

    it('neutralises formula-like cells and quotes commas, quotes and line breaks per RFC 4180', async () => {
      const { l, summer } = await sharedWorld();
      const res = await l.admin.get(`/api/campaigns/${summer}/conversions/export`);
      // The raw text: a leading apostrophe, then the field quoted with its quotes doubled.
      expect(res.text).toContain(
        `'@E-1,'=1+2,2026-03-07 07:00:00,Summer Sale,"'=HYPERLINK(""x"")",'+CODE,Pending,Approved,20.00,EUR,20.00,EUR,0.00\r\n`,
      );
      expect(res.text).toContain(
        `C-1,#1005,2026-03-07 08:00:00,Summer Sale,"Smith, Jo\nJr.",COMMA,Paid,Approved,30.00,EUR,30.00,EUR,3.00\r\n`,
      );
      const rows = rowsOf(res);
      expect(rows.find((r) => r['Order ID'] === "'@E-1")).toMatchObject({
        Creator: `'=HYPERLINK("x")`,
        'Code or Link': "'+CODE",
        'Order Number': "'=1+2",
      });
      expect(rows.find((r) => r['Order ID'] === 'C-1')?.Creator).toBe('Smith, Jo\nJr.');
    });

    it('names the download after the campaign and the range, with filename* for a non-ASCII name', async () => {
      const { l, summer } = await sharedWorld();
      const disposition = async (url: string, body?: unknown) => {
        const res = body === undefined ? await l.admin.get(url) : await l.admin.post(url, body);
        expect(res.status, res.text).toBe(200);
        return res.headers['content-disposition'];
      };
      expect(await disposition(`/api/campaigns/${summer}/conversions/export?from=2026-03-01&to=2026-03-31`)).toBe(
        'attachment; filename="summer-sale-conversions-2026-03-01-to-2026-03-31.csv"',
      );
      expect(await disposition(`/api/campaigns/${summer}/conversions/export`)).toBe(
        'attachment; filename="summer-sale-conversions-all-time.csv"',
      );
      expect(await disposition(`/api/campaigns/${summer}/conversions/export?from=2026-03-01`)).toBe(
        'attachment; filename="summer-sale-conversions-from-2026-03-01.csv"',
      );
      // A timestamp bound is named by its day in the account's zone: 02:00Z on the 1st is the 28th in New York.
      expect(await disposition(`/api/campaigns/${summer}/conversions/export?to=2026-03-01T02:00:00Z`)).toBe(
        'attachment; filename="summer-sale-conversions-to-2026-02-28.csv"',
      );
      expect(await disposition(`/api/campaigns/${summer}/conversions/export`, { ids: ['1'] })).toBe(
        'attachment; filename="summer-sale-conversions-selected.csv"',
      );
      expect(await disposition('/api/sales/export?from=2026-03-01&to=2026-03-31')).toBe(
        'attachment; filename="tally-sales-2026-03-01-to-2026-03-31.csv"',
      );
      expect(await disposition('/api/sales/export')).toBe('attachment; filename="tally-sales-all-time.csv"');

      const paris = await l.campaign('Été à Paris ☀');
      expect(await disposition(`/api/campaigns/${paris}/conversions/export`)).toBe(
        `attachment; filename="ete-a-paris-conversions-all-time.csv"; filename*=UTF-8''%C3%A9t%C3%A9-%C3%A0-paris-conversions-all-time.csv`,
      );
      const symbols = await l.campaign('!!!');
      expect(await disposition(`/api/campaigns/${symbols}/conversions/export`)).toBe(
        'attachment; filename="campaign-conversions-all-time.csv"',
      );
    });

    it('is a header alone when nothing matches', async () => {
      const { l, summer } = await sharedWorld();
      const res = await l.admin.get(`/api/campaigns/${summer}/conversions/export?from=2030-01-01`);
      expect(res.text).toBe(`${BOM}${HEADER}\r\n`);
    });
  });

  describe("a campaign's Orders table", () => {
    it('is newest first, hides removed members and creators, and matches the list', async () => {
      const { l, summer } = await sharedWorld();
      const rows = rowsOf(await l.admin.get(`/api/campaigns/${summer}/conversions/export`));
      expect(orderIds(rows)).toEqual(['C-1', "'@E-1", 'A-NGN', 'A-JPY', 'A-USD']);
      const list = await read(l.admin, `/api/campaigns/${summer}/conversions`);
      expect(list.items.map((c: { orderId: string }) => c.orderId)).toEqual(['C-1', '@E-1', 'A-NGN', 'A-JPY', 'A-USD']);
    });

    it("applies the list's filters: status, approval, creator, and days in the account's time zone", async () => {
      const { l, summer, comma, o } = await sharedWorld();
      const ids = async (query: string) => {
        const rows = rowsOf(await l.admin.get(`/api/campaigns/${summer}/conversions/export?${query}`));
        const list = await read(l.admin, `/api/campaigns/${summer}/conversions?${query}`);
        // The export and the Orders table agree row for row.
        expect(orderIds(rows).map((id) => id.replace(/^'/, ''))).toEqual(list.items.map((c: { orderId: string }) => c.orderId));
        return orderIds(rows);
      };
      expect(await ids('status=pending')).toEqual(["'@E-1"]);
      expect(await ids('status=paid,partially_refunded')).toEqual(['C-1', 'A-NGN', 'A-JPY', 'A-USD']);
      expect(await ids(`creatorId=${comma}`)).toEqual(['C-1']);
      // The 6th in New York runs from 05:00Z on the 6th to 05:00Z on the 7th: A-USD (03:30Z) is the 5th.
      expect(await ids('from=2026-03-06&to=2026-03-06')).toEqual(['A-NGN', 'A-JPY']);
      expect(await ids('to=2026-03-05')).toEqual(['A-USD']);
      expect(await ids('from=2026-03-06T15:00:00Z&to=2026-03-07T12:00:00Z')).toEqual(["'@E-1", 'A-NGN', 'A-JPY']);
      expect(await ids('approval=rejected')).toEqual([]);
      expect((await l.admin.post(`/api/conversions/${o.jpy.conversionId}/reject`, { reason: 'test' })).status).toBe(200);
      try {
        expect(await ids('approval=rejected')).toEqual(['A-JPY']);
        expect(await ids('approval=approved&status=paid')).toEqual(['C-1', 'A-NGN', 'A-USD']);
        const rejected = rowsOf(await l.admin.get(`/api/campaigns/${summer}/conversions/export?approval=rejected`))[0];
        expect(rejected).toMatchObject({ Status: 'Paid', Approval: 'Rejected', 'Converted Amount': '6.76', Commission: '0.00' });
      } finally {
        expect((await l.admin.post(`/api/conversions/${o.jpy.conversionId}/approve`)).status).toBe(200);
      }
    });

    it('refuses invalid filters with 400', async () => {
      const { l, summer } = await sharedWorld();
      for (const query of ['status=shipped', 'approval=maybe', 'creatorId=abc', 'from=2026-02-30', 'from=2026-03-02&to=2026-03-01']) {
        const res = await l.admin.get(`/api/campaigns/${summer}/conversions/export?${query}`);
        expect([query, res.status, res.body.error?.code]).toEqual([query, 400, 'invalid_input']);
      }
      const sales = await l.admin.get('/api/sales/export?from=yesterday');
      expect([sales.status, sales.body.error?.code]).toEqual([400, 'invalid_input']);
    });
  });

  describe('selected rows', () => {
    it('exports exactly the selected rows of the campaign, newest first, skipping the rest', async () => {
      const { l, summer, o } = await sharedWorld();
      const other = await newLedger(t.app, { defaultCurrency: 'EUR' });
      const otherStore = await other.store('EUR');
      const otherCampaign = await other.campaign('Theirs');
      const otherCreator = await other.creator('Them');
      await other.member(otherCampaign, otherCreator, ['THEIRS']);
      const theirs = await other.order(otherStore, {
        createdAt: '2026-03-06T12:00:00Z',
        subtotal: '10.00',
        status: 'paid',
        codes: ['THEIRS'],
      });

      const ids = [
        o.usd.conversionId,
        o.comma.conversionId,
        o.jpy.conversionId,
        o.usd.conversionId, // a duplicate counts once
        o.winter.conversionId, // another campaign's
        o.bob.conversionId, // a member removed from the campaign: hidden
        o.cleo.conversionId, // a creator removed from the Community: hidden
        theirs.conversionId, // another account's
        '9223372036854775807', // none at all
      ];
      const res = await l.admin.post(`/api/campaigns/${summer}/conversions/export`, { ids });
      expect(orderIds(rowsOf(res))).toEqual(['C-1', 'A-JPY', 'A-USD']);
      expect(res.text).not.toContain('Them');
      // The same ids through the other account's campaign find only its own conversion.
      const mirror = await other.admin.post(`/api/campaigns/${otherCampaign}/conversions/export`, { ids });
      expect(rowsOf(mirror).map((r) => r.Creator)).toEqual(['Them']);
    });

    it('refuses an empty, oversized or malformed selection with 400', async () => {
      const { l, summer } = await sharedWorld();
      const tooMany = Array.from({ length: 10_001 }, (_, i) => String(i + 1));
      for (const body of [{}, { ids: [] }, { ids: ['abc'] }, { ids: [1] }, { ids: tooMany }]) {
        const res = await l.admin.post(`/api/campaigns/${summer}/conversions/export`, body);
        expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_input']);
      }
      const most = Array.from({ length: 10_000 }, (_, i) => String(i + 1));
      expect((await l.admin.post(`/api/campaigns/${summer}/conversions/export`, { ids: most })).status).toBe(200);
    });
  });

  describe('all sales', () => {
    it('includes every campaign, removed members and removed creators, with the Campaign Name', async () => {
      const { l } = await sharedWorld();
      const rows = rowsOf(await l.admin.get('/api/sales/export'));
      expect(rows.map((r) => [r['Order ID'], r['Campaign Name'], r.Creator, r.Status])).toEqual([
        ['W-1', 'Winter', 'Ana', 'Canceled'],
        ['CL-1', 'Summer Sale', 'Cleo', 'Paid'],
        ['B-1', 'Summer Sale', 'Bob', 'Paid'],
        ['C-1', 'Summer Sale', 'Smith, Jo\nJr.', 'Paid'],
        ["'@E-1", 'Summer Sale', `'=HYPERLINK("x")`, 'Pending'],
        ['A-NGN', 'Summer Sale', 'Ana', 'Paid'],
        ['A-JPY', 'Summer Sale', 'Ana', 'Paid'],
        ['A-USD', 'Summer Sale', 'Ana', 'Paid'],
      ]);
      const march8 = rowsOf(await l.admin.get('/api/sales/export?from=2026-03-08&to=2026-03-08'));
      expect(orderIds(march8)).toEqual(['CL-1', 'B-1']);
    });

    it("adds up to the dashboard's sales and commission for the same range, to the cent", async () => {
      const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'Asia/Tokyo' });
      const stores = {
        EUR: await l.store('EUR'),
        USD: await l.store('USD'),
        JPY: await l.store('JPY'),
        GBP: await l.store('GBP'),
        NGN: await l.store('NGN'),
      };
      const spring = await l.campaign('Spring', { percent: '12.5' });
      const autumn = await l.campaign('Autumn', { percent: '7', fixed: { value: '1.50', currency: 'USD' } });
      const creators = [await l.creator('Ana'), await l.creator('Ben'), await l.creator('Cleo')];
      await l.member(spring, creators[0] as string, ['S-ANA']);
      await l.member(spring, creators[1] as string, ['S-BEN']);
      await l.member(autumn, creators[0] as string, ['A-ANA']);
      await l.member(autumn, creators[2] as string, ['A-CLEO']);
      const codes = ['S-ANA', 'S-BEN', 'A-ANA', 'A-CLEO'];
      const currencies = ['EUR', 'USD', 'JPY', 'GBP', 'NGN'] as const;
      const statuses = ['paid', 'paid', 'pending', 'paid', 'canceled', 'refunded', 'paid'] as const;
      const toReject: string[] = [];
      for (let i = 0; i < 27; i += 1) {
        const currency = currencies[i % currencies.length] as (typeof currencies)[number];
        const subtotal = currency === 'JPY' ? String(1000 + i * 137) : `${10 + i * 7}.${String((i * 37) % 100).padStart(2, '0')}`;
        const partial = i % 6 === 1;
        // Days 2026-03-01..09 in UTC, at hours that fall on the neighbouring day in Tokyo.
        const createdAt = `2026-03-${String(1 + (i % 9)).padStart(2, '0')}T${String((i * 5) % 24).padStart(2, '0')}:17:00Z`;
        const order = await l.order(stores[currency], {
          createdAt,
          subtotal,
          status: statuses[i % statuses.length] as (typeof statuses)[number],
          ...(partial && { refunded: currency === 'JPY' ? '100' : '3.33' }),
          codes: [codes[i % codes.length] as string],
        });
        if (i % 4 === 2 && order.conversionId) toReject.push(order.conversionId);
      }
      for (const id of toReject) expect((await l.admin.post(`/api/conversions/${id}/reject`)).status).toBe(200);
      await l.removeMember(spring, creators[1] as string);
      await l.removeCreator(creators[2] as string);

      for (const range of ['from=2026-03-02&to=2026-03-07', 'from=2026-03-04', '']) {
        const rows = rowsOf(await l.admin.get(`/api/sales/export?${range}`));
        const dashboard = await read(l.admin, `/api/dashboard?${range}`);
        const counted = rows.filter(
          (r) => (r.Status === 'Paid' || r.Status === 'Partially refunded') && r.Approval === 'Approved' && r['Converted Amount'] !== '',
        );
        expect(counted.length).toBeGreaterThan(3);
        expect(rows.length).toBeGreaterThan(counted.length);
        const sales = counted.reduce((sum, r) => sum + cents(r['Converted Amount'] as string), 0n);
        const commission = counted.reduce((sum, r) => sum + cents(r.Commission as string), 0n);
        expect([range, counted.length, sales, commission]).toEqual([
          range,
          dashboard.orders,
          cents(dashboard.totalSales.value),
          cents(dashboard.commission.value),
        ]);
        // Uncounted rows earn nothing; the rows left out for a missing rate are the dashboard's count.
        for (const r of rows.filter((row) => !counted.includes(row) && row['Converted Amount'] !== '')) expect(r.Commission).toBe('0.00');
        const missing = rows.filter(
          (r) => (r.Status === 'Paid' || r.Status === 'Partially refunded') && r.Approval === 'Approved' && r['Converted Amount'] === '',
        );
        expect(missing.length).toBe(dashboard.fxMissing);
        if (range === '') {
          // The mix this test is about: every currency, partial refunds, rejections, a missing rate.
          expect(new Set(counted.map((r) => r.Currency))).toEqual(new Set(['EUR', 'USD', 'JPY', 'GBP']));
          expect(counted.some((r) => r.Status === 'Partially refunded')).toBe(true);
          expect(rows.some((r) => r.Approval === 'Rejected' && r.Status === 'Paid')).toBe(true);
          expect(missing.length).toBeGreaterThan(0);
          expect(new Set(counted.map((r) => r['Campaign Name']))).toEqual(new Set(['Spring', 'Autumn']));
        }
      }
    });
  });

  describe('many rows', () => {
    it(`streams 2,500 rows over several chunks of ${EXPORT_CHUNK_ROWS}, in order, each once`, async () => {
      const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'Europe/Paris' });
      const store = await l.store('EUR');
      const campaign = await l.campaign('Bulk');
      const creator = await l.creator('Bulky');
      await l.member(campaign, creator, ['BULK']);
      // Seeded in SQL for speed: pairs of orders share an instant (with microseconds), so the
      // id decides the order within a pair, and a chunk boundary falls inside a pair.
      await sql`
        with o as (
          insert into orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at,
            base_status, gross_minor, status, amount_minor)
          select ${l.accountId}, ${store}, 'BULK-' || g, '#' || (10000 + g), 'EUR', at, at, 'paid', 1000 + g, 'paid', 1000 + g
          from generate_series(1, 2500) g,
            lateral (select timestamptz '2026-02-01 00:00:00.123456+00' + (g / 2) * interval '1 minute' as at) d
          returning id, placed_at, amount_minor
        )
        insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date,
          currency, status, amount_minor, fx_missing, converted_minor, commission_minor, counted)
        select ${l.accountId}, o.id, ${store}, ${campaign}, ${creator}, 'code', 'BULK', o.placed_at,
          'EUR', 'paid', o.amount_minor, false, o.amount_minor, o.amount_minor / 10, true
        from o`.execute(t.db);
      const { rows: expected } = await sql<{ external_id: string }>`
        select o.external_id from conversions c join orders o on o.account_id = c.account_id and o.id = c.order_id
        where c.account_id = ${l.accountId} order by c.order_date desc, c.id desc`.execute(t.db);
      expect(expected).toHaveLength(2500);

      for (const url of [`/api/campaigns/${campaign}/conversions/export`, '/api/sales/export']) {
        const rows = rowsOf(await l.admin.get(url));
        expect(rows).toHaveLength(2500);
        expect(new Set(orderIds(rows)).size).toBe(2500);
        expect(orderIds(rows)).toEqual(expected.map((r) => r.external_id));
        const dates = rows.map((r) => r['Order Date']);
        expect([...dates].sort().reverse()).toEqual(dates);
        expect(rows[0]).toMatchObject({ 'Order Date': '2026-02-01 21:50:00', Amount: '35.00', Commission: '3.50' });
      }

      // Lazily: a reader that stops early causes no further query; a full read takes one query per chunk.
      let queries = 0;
      const counting = t.db.withPlugin({
        transformQuery: (args) => {
          queries += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      const early = await exportAllSales(counting, l.accountId, {});
      const beforeReading = queries;
      for await (const piece of csvStream(early.records)) {
        expect(String(piece).startsWith(BOM)).toBe(true);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(queries).toBe(beforeReading);

      const full = await exportAllSales(counting, l.accountId, {});
      const firstChunkRead = queries;
      let text = '';
      for await (const piece of csvStream(full.records)) text += String(piece);
      expect(queries - firstChunkRead).toBe(Math.ceil(2500 / EXPORT_CHUNK_ROWS) - 1);
      expect(parseCsv(text.slice(1))).toHaveLength(2501);
    });
  });

  describe('access', () => {
    let l: Ledger;
    let campaign: string;
    beforeAll(async () => {
      l = (await sharedWorld()).l;
      campaign = (await sharedWorld()).summer;
    });

    it("answers 404 for another account's campaign", async () => {
      const stranger = await newAccount(t.app);
      const get = await stranger.admin.get(`/api/campaigns/${campaign}/conversions/export`);
      expect([get.status, get.body.error?.code]).toEqual([404, 'not_found']);
      const post = await stranger.admin.post(`/api/campaigns/${campaign}/conversions/export`, { ids: ['1'] });
      expect([post.status, post.body.error?.code]).toEqual([404, 'not_found']);
      const sales = rowsOf(await stranger.admin.get('/api/sales/export'));
      expect(sales).toEqual([]);
    });

    it('lets a member export and answers 403 to a viewer', async () => {
      const member = await l.as('member');
      const viewer = await l.as('viewer');
      const calls = [
        (c: typeof member) => c.get(`/api/campaigns/${campaign}/conversions/export`),
        (c: typeof member) => c.post(`/api/campaigns/${campaign}/conversions/export`, { ids: ['1'] }),
        (c: typeof member) => c.get('/api/sales/export'),
      ];
      for (const call of calls) {
        expect((await call(member)).status).toBe(200);
        const denied = await call(viewer);
        expect([denied.status, denied.body.error?.code]).toEqual([403, 'forbidden']);
      }
    });

    it('needs the CSRF token for the POST under a cookie session', async () => {
      const noToken = new Client(t.app, { cookie: l.session.auth.cookie });
      const res = await noToken.post(`/api/campaigns/${campaign}/conversions/export`, { ids: ['1'] });
      expect([res.status, res.body.error?.code]).toEqual([403, 'csrf_token_invalid']);
      expect((await l.session.post(`/api/campaigns/${campaign}/conversions/export`, { ids: ['1'] })).status).toBe(200);
    });
  });
});
