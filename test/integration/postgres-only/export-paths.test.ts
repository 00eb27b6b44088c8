import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CsvDownload,
  csvStream,
  downloadAllSales,
  downloadCampaignConversions,
  downloadSelectedConversions,
  exportAllSales,
  exportCampaignConversions,
  exportSelectedConversions,
} from '../../../src/app/exports/exports.ts';
import { COPY_CONNECTIONS } from '../../../src/db/copy-out.ts';
import { type Ledger, newLedger } from '../../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../../support/harness.ts';

// On PostgreSQL a download is one COPY whose SELECT writes every cell (src/app/exports/export-copy.ts);
// the generic path formats the same rows in JS (csv-cell, money, status words, csv-stringify).
// Both must give the same bytes for every awkward value a store or a user can send, so each
// export here is read both ways and compared byte for byte. PGlite has only the generic path, so
// this file runs in the PostgreSQL project only (vitest.config.ts).

// Every kind of cell that quoting or neutralisation treats specially, and some that look close.
const AWKWARD = [
  '=1+2',
  '+CODE',
  '-10',
  '-',
  '@SUM(A1)',
  '\tTAB',
  '\r=cmd',
  '\rCR',
  "'quoted",
  'plain',
  '',
  'Smith, Jo',
  'say "hi"',
  '"',
  '""',
  ',',
  'line\nbreak',
  'crlf\r\ninside',
  '\n',
  'end\n',
  'Zoë Ünïcode',
  '東京ストア',
  '🎉 party',
  '\\.',
  'back\\slash',
  ' =spaced',
  'trailing ',
  'a""b',
  '=HYPERLINK("x","y")',
  '#1001',
];
const CURRENCIES = ['EUR', 'JPY', 'KWD', 'CLF', 'USD', 'NGN', 'BHD', 'ISK'];
const STATUSES = ['paid', 'pending', 'partially_refunded', 'refunded', 'canceled'];
const AMOUNTS = ['0', '5', '99', '100', '1234', '123456789', '9007199254740993'];

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describeDb('export paths (PostgreSQL: COPY and keyset give the same bytes)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /**
   * An account with awkward names, codes and order ids, `rows` conversions over two campaigns
   * and three creators in every status, currency and approval, some without a rate, some at the
   * same instant; one member removed from a campaign and one creator removed from the Community.
   */
  async function world(account: { defaultCurrency: string; timeZone: string }, rows: number) {
    const l = await newLedger(t.app, account);
    const store = await l.store('EUR');
    const summer = await l.campaign('Summer, "Sale"');
    const winter = await l.campaign('Winter');
    const creators = [await l.creator('Ana'), await l.creator('Bob'), await l.creator('Cleo')];
    for (const c of creators) {
      await l.member(summer, c);
      await l.member(winter, c);
    }
    // Names the API might tidy are set directly: the export must cope with whatever is stored.
    await sql`update campaigns set name = ${'@Winter\n"cold", or not'} where account_id = ${l.accountId} and id = ${winter}`.execute(t.db);
    await sql`update creators set name = case id when ${creators[0]} then ${'=HYPERLINK("x")'} when ${creators[1]} then ${'Smith, Jo\r\nJr.'} else ${'Zoë "Z" 東京'} end
      where account_id = ${l.accountId}`.execute(t.db);

    const i = Array.from({ length: rows }, (_, k) => k);
    const pick = <T>(list: readonly T[], k: number) => list[k % list.length] as T;
    const externalIds = i.map((k) => (k < AWKWARD.length ? pick(AWKWARD, k) : `${pick(AWKWARD, k)}-${k}`));
    const numbers = i.map((k) => pick(AWKWARD, k + 7));
    const codes = i.map((k) => pick(AWKWARD, k + 13));
    // Pairs share an instant (microseconds included), and the days cross New York's DST change.
    const dates = i.map((k) =>
      new Date(Date.parse('2026-03-07T12:00:00.123Z') + Math.floor(k / 2) * 3_607_000).toISOString().replace('Z', '456Z'),
    );
    const currencies = i.map((k) => pick(CURRENCIES, k));
    const statuses = i.map((k) => pick(STATUSES, k));
    const amounts = i.map((k) => pick(AMOUNTS, k * 3));
    const campaigns = i.map((k) => (k % 4 === 0 ? winter : summer));
    const creatorIds = i.map((k) => pick(creators, k));
    // Every fourth row has no rate; every seventh converted row has no commission.
    const missing = i.map((k) => k % 4 === 3 || pick(CURRENCIES, k) === 'NGN');
    await sql`
      with input as (
        select * from unnest(${externalIds}::text[], ${numbers}::text[], ${codes}::text[], ${dates}::timestamptz[], ${currencies}::text[],
          ${statuses}::text[], ${amounts}::bigint[], ${campaigns}::bigint[], ${creatorIds}::bigint[], ${missing}::boolean[])
          with ordinality as x(external_id, number, code, at, currency, status, amount, campaign_id, creator_id, missing, k)
      ), o as (
        insert into orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor, status, amount_minor)
        select ${l.accountId}, ${store}, external_id, number, currency, at, at, status, amount, status, amount from input
        returning id, external_id
      )
      insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date, currency, status,
        approval, amount_minor, fx_missing, converted_minor, commission_minor, counted)
      select ${l.accountId}, o.id, ${store}, x.campaign_id, x.creator_id, 'code', x.code, x.at, x.currency, x.status,
        case when x.k % 5 = 0 then 'rejected' else 'approved' end, x.amount, x.missing,
        case when x.missing then null else x.amount * 7 / 3 end,
        case when x.missing or x.k % 7 = 0 then null else x.amount * 7 / 30 end,
        false
      from input x join o on o.external_id = x.external_id`.execute(t.db);
    await l.removeMember(summer, creators[1]!);
    await l.removeCreator(creators[2]!);
    const { rows: ids } = await sql<{ id: string }>`select id from conversions where account_id = ${l.accountId} order by id`.execute(t.db);
    expect(ids).toHaveLength(rows);
    return { l, summer, winter, creators, ids: ids.map((r) => r.id) };
  }

  /** The download (which must have taken COPY) and the generic path's bytes, compared. */
  async function expectSameBytes(fast: CsvDownload, generic: Awaited<ReturnType<typeof exportAllSales>>, rows: number) {
    expect(fast.via).toBe('copy');
    expect(fast.filename).toBe(generic.filename);
    const [a, b] = [await bytesOf(fast.body), await bytesOf(csvStream(generic.records))];
    const text = b.toString('utf8');
    // Header, then records: count the CRLFs the generic path wrote outside quotes.
    expect(text.startsWith('\uFEFFOrder ID,')).toBe(true);
    expect(text.split('\r\n').length - 1).toBeGreaterThanOrEqual(rows + 1);
    if (!a.equals(b)) expect(a.toString('utf8')).toBe(text);
    expect(a.equals(b)).toBe(true);
    return text;
  }

  let eur: Awaited<ReturnType<typeof world>>;
  let jpy: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    eur = await world({ defaultCurrency: 'EUR', timeZone: 'America/New_York' }, 3000);
    jpy = await world({ defaultCurrency: 'JPY', timeZone: 'Asia/Kolkata' }, 120);
  });

  it('all sales: every row, removed members and creators included, and within a range of days', async () => {
    for (const { l } of [eur, jpy]) {
      const total = l === eur.l ? 3000 : 120;
      const all = await expectSameBytes(
        await downloadAllSales(t.db, t.copyOut, l.accountId, {}),
        await exportAllSales(t.db, l.accountId, {}),
        total,
      );
      expect(all).toContain(`,"'=HYPERLINK(""x"")",`);
      expect(all).toContain(',"Smith, Jo\r\nJr.",');
      const range = { from: '2026-03-08', to: '2026-03-20' };
      await expectSameBytes(
        await downloadAllSales(t.db, t.copyOut, l.accountId, range),
        await exportAllSales(t.db, l.accountId, range),
        10,
      );
    }
    // Spot checks of the cells themselves, so that both paths being wrong alike would show.
    const text = (await bytesOf((await downloadAllSales(t.db, t.copyOut, jpy.l.accountId, {})).body)).toString('utf8');
    // The first row: order '=1+2', number "\rCR", 2026-03-07 12:00:00.123456 UTC = 17:30:00 in Kolkata,
    // the Winter campaign, code '"'; 0 EUR → 0 JPY, commission 0 (yen have no decimals).
    expect(
      text.endsWith(
        `'=1+2,"'\rCR",2026-03-07 17:30:00,"'@Winter\n""cold"", or not","'=HYPERLINK(""x"")","""",Paid,Approved,0.00,EUR,0,JPY,0\r\n`,
      ),
    ).toBe(true);
    // The fourth: order '-', an empty number, an hour and 7 s later; 99 CLF has four decimals, no rate.
    expect(text).toContain(
      `\r\n'-,,2026-03-07 18:30:07,"Summer, ""Sale""","'=HYPERLINK(""x"")","line\nbreak",Refunded,Approved,0.0099,CLF,,JPY,\r\n`,
    );
    // KWD has three: 9007199254740993 fils, beyond 2^53, stay exact; 7/3 of it converted, 7/30 commission.
    expect(text).toContain(
      `\r\n'-10,plain,2026-03-07 18:30:07,"Summer, ""Sale""","Zoë ""Z"" 東京",",",Partially refunded,Approved,9007199254740.993,KWD,21016798261062317,JPY,2101679826106231\r\n`,
    );
  });

  it("a campaign's Orders table with each of its filters, and a selection of rows", async () => {
    const { l, summer, winter, creators, ids } = eur;
    const filters: Parameters<typeof exportCampaignConversions>[3][] = [
      {},
      { status: ['paid', 'refunded'] },
      { approval: 'rejected' },
      { creatorId: creators[0]! },
      { from: '2026-03-08', to: '2026-03-09' },
    ];
    for (const campaign of [summer, winter]) {
      for (const f of filters) {
        await expectSameBytes(
          await downloadCampaignConversions(t.db, t.copyOut, l.accountId, campaign, f),
          await exportCampaignConversions(t.db, l.accountId, campaign, f),
          1,
        );
      }
    }
    const chosen = ids.filter((_, k) => k % 11 === 0);
    await expectSameBytes(
      await downloadSelectedConversions(t.db, t.copyOut, l.accountId, summer, chosen),
      await exportSelectedConversions(t.db, l.accountId, summer, chosen),
      1,
    );
  });

  it('answers over HTTP with the same bytes', async () => {
    const { l } = jpy as { l: Ledger };
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/sales/export',
      headers: { authorization: `Bearer ${l.admin.auth.bearer}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(await bytesOf(csvStream((await exportAllSales(t.db, l.accountId, {})).records)))).toBe(true);
  });

  it('frees the COPY connection of a reader that stops early, and falls back to keyset when all are busy', async () => {
    const { l } = eur;
    const expected = await bytesOf(csvStream((await exportAllSales(t.db, l.accountId, {})).records));
    for (let k = 0; k < COPY_CONNECTIONS * 2; k += 1) {
      const early = await downloadAllSales(t.db, t.copyOut, l.accountId, {});
      expect(early.via).toBe('copy');
      for await (const chunk of early.body) {
        expect(Buffer.from(chunk as Uint8Array).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const held = await Promise.all(Array.from({ length: COPY_CONNECTIONS }, () => downloadAllSales(t.db, t.copyOut, l.accountId, {})));
    expect(held.map((d) => d.via)).toEqual(Array(COPY_CONNECTIONS).fill('copy'));
    const extra = await downloadAllSales(t.db, t.copyOut, l.accountId, {});
    expect(extra.via).toBe('keyset');
    expect((await bytesOf(extra.body)).equals(expected)).toBe(true);
    for (const d of held) expect((await bytesOf(d.body)).equals(expected)).toBe(true);
    const again = await downloadAllSales(t.db, t.copyOut, l.accountId, {});
    expect(again.via).toBe('copy');
    again.body.destroy();
  });
});
