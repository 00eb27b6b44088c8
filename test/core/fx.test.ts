import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  convertMinor,
  dayOfUtc,
  FxFileError,
  parseEcbCsv,
  parseEcbFile,
  parseEcbXml,
  type Rate,
  type RateLookup,
  rateLookupFrom,
} from '../../src/core/fx.ts';
import { MoneyError } from '../../src/core/money.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/fx/${name}`, import.meta.url)));
const text = (name: string) => new TextDecoder().decode(fixture(name));

const HIST_ZIP = 'ecb-eurofxref-hist-1999-01-04_to_2026-04-13.zip';
const EXCERPT_CSV = 'ecb-eurofxref-hist-excerpt-2014-08-19_to_2014-08-25.csv';
const DAILY_2010 = 'ecb-eurofxref-daily-2010-04-20.xml';
const DAILY_2024 = 'ecb-eurofxref-daily-2024-06-28.xml';

const rateOf = (rates: Rate[], currency: string, day: string) => rates.find((r) => r.currency === currency && r.day === day)?.perEur;

describe('parseEcbFile on the shipped history zip', () => {
  const rates = parseEcbFile(fixture(HIST_ZIP));
  const days = [...new Set(rates.map((r) => r.day))].sort();

  it('reads every business day and every published cell', () => {
    expect(days.length).toBe(6983);
    expect(days[0]).toBe('1999-01-04');
    expect(days.at(-1)).toBe('2026-04-13');
    expect(new Set(rates.map((r) => r.currency)).size).toBe(41);
    expect(rates.length).toBe(217555);
  });

  it.each([
    ['USD', '2026-04-13', '1.1684'],
    ['JPY', '2026-04-13', '186.75'],
    ['GBP', '2026-04-13', '0.87058'],
    ['USD', '1999-01-04', '1.1789'],
    ['JPY', '1999-01-04', '133.73'],
    ['GBP', '2010-04-20', '0.8765'],
    ['HRK', '2022-12-30', '7.5365'],
    ['USD', '2024-06-28', '1.0705'],
  ])('%s on %s is %s', (currency, day, perEur) => {
    expect(rateOf(rates, currency, day)).toBe(perEur);
  });

  it.each([
    ['BGN', '1999-01-04'],
    ['HRK', '2026-04-13'],
    ['ISK', '2010-04-20'],
  ])('skips N/A: no %s on %s', (currency, day) => {
    expect(rateOf(rates, currency, day)).toBeUndefined();
  });

  it('serves as a lookup: weekends use Friday, history keeps the last published rate', () => {
    const lookup = rateLookupFrom(rates);
    expect(lookup('USD', '2026-04-11')).toBe('1.1711'); // Saturday → Friday 2026-04-10
    expect(lookup('USD', '2030-01-01')).toBe('1.1684');
    expect(lookup('HRK', '2026-04-13')).toBe('7.5365'); // last quoted 2022-12-30
    expect(lookup('USD', '1999-01-03')).toBeUndefined();
    expect(lookup('AED', '2026-04-13')).toBeUndefined();
  });
});

describe('parseEcbCsv', () => {
  const excerpt = text(EXCERPT_CSV);

  it('reads the history CSV excerpt, keeping values as written', () => {
    const rates = parseEcbCsv(excerpt);
    expect(rates.length).toBe(160); // 5 days × 32 quoted currencies
    expect(rates[0]).toEqual({ currency: 'USD', day: '2014-08-25', perEur: '1.32' });
    expect(rateOf(rates, 'ILS', '2014-08-19')).toBe('4.7027');
    expect(rateOf(rates, 'CYP', '2014-08-25')).toBeUndefined();
    expect(parseEcbFile(fixture(EXCERPT_CSV))).toEqual(rates);
  });

  it('tolerates CRLF line ends and a UTF-8 BOM', () => {
    const expected = parseEcbCsv(excerpt);
    const windows = '\uFEFF' + excerpt.replace(/\n/g, '\r\n');
    expect(parseEcbCsv(windows)).toEqual(expected);
    expect(parseEcbFile(new TextEncoder().encode(windows))).toEqual(expected);
  });

  it('reads the daily eurofxref.csv layout (spaces, long dates)', () => {
    const daily = 'Date, USD, JPY, GBP, \n28 June 2024, 1.0705, 171.94, 0.84638, \n';
    expect(parseEcbCsv(daily)).toEqual([
      { currency: 'USD', day: '2024-06-28', perEur: '1.0705' },
      { currency: 'JPY', day: '2024-06-28', perEur: '171.94' },
      { currency: 'GBP', day: '2024-06-28', perEur: '0.84638' },
    ]);
  });

  const good = 'Date,USD,JPY,\n2014-08-25,1.32,137.13,\n';
  it.each([
    ['no Date header', 'USD,JPY,\n1.32,137.13,\n'],
    ['an empty file', ''],
    ['a header only', 'Date,USD,JPY,\n'],
    ['a bad number', good.replace('1.32', '1.3x')],
    ['a negative rate', good.replace('1.32', '-1.32')],
    ['a zero rate', good.replace('1.32', '0.000')],
    ['an exponent', good.replace('137.13', '1.3713e2')],
    ['an impossible date', good.replace('2014-08-25', '2014-02-30')],
    ['a non-date', good.replace('2014-08-25', 'yesterday')],
    ['a short row', 'Date,USD,JPY,\n2014-08-25,1.32\n'],
    ['an extra value', 'Date,USD,JPY,\n2014-08-25,1.32,137.13,5\n'],
    ['a bad currency column', 'Date,USD,Yen,\n2014-08-25,1.32,137.13,\n'],
    ['a duplicated currency', 'Date,USD,USD,\n2014-08-25,1.32,1.33,\n'],
    ['a duplicated day', good + '2014-08-25,1.32,137.13,\n'],
  ])('rejects %s', (_, csv) => {
    expect(() => parseEcbCsv(csv)).toThrow(FxFileError);
  });
});

describe('parseEcbXml', () => {
  it.each([
    [
      DAILY_2010,
      '2010-04-20',
      34,
      [
        ['USD', '1.3486'],
        ['GBP', '0.87650'],
        ['HRK', '7.2542'],
        ['ZAR', '10.0235'],
      ],
    ],
    [
      DAILY_2024,
      '2024-06-28',
      30,
      [
        ['USD', '1.0705'],
        ['JPY', '171.94'],
        ['HUF', '395.10'],
        ['ISK', '148.90'],
      ],
    ],
  ] as const)('reads %s', (name, day, count, samples) => {
    const rates = parseEcbXml(text(name));
    expect(rates.length).toBe(count);
    expect(new Set(rates.map((r) => r.currency)).size).toBe(count);
    expect(rates.every((r) => r.day === day)).toBe(true);
    for (const [currency, perEur] of samples) expect(rateOf(rates, currency, day)).toBe(perEur);
    expect(parseEcbFile(fixture(name))).toEqual(rates);
  });

  it('reads several days, double quotes and no indentation (90-day/hist files)', () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" ' +
      'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><gesmes:subject>Reference rates</gesmes:subject>' +
      '<Cube><Cube time="2024-06-28"><Cube currency="USD" rate="1.0705"/><Cube currency="JPY" rate="171.94"/></Cube>' +
      '<Cube time="2024-06-27"><Cube currency="USD" rate="1.0696"/></Cube></Cube></gesmes:Envelope>';
    expect(parseEcbXml(xml)).toEqual([
      { currency: 'USD', day: '2024-06-28', perEur: '1.0705' },
      { currency: 'JPY', day: '2024-06-28', perEur: '171.94' },
      { currency: 'USD', day: '2024-06-27', perEur: '1.0696' },
    ]);
  });

  const envelope = (inner: string) =>
    `<gesmes:Envelope xmlns:gesmes="g"><Cube><Cube time='2024-06-28'>${inner}</Cube></Cube></gesmes:Envelope>`;
  it.each([
    ['not well-formed', '<gesmes:Envelope><Cube>'],
    ['no envelope', '<rates><Cube time="2024-06-28"><Cube currency="USD" rate="1.07"/></Cube></rates>'],
    ['no rates', envelope('')],
    ['a bad rate', envelope(`<Cube currency='USD' rate='1,07'/>`)],
    ['a missing rate', envelope(`<Cube currency='USD'/>`)],
    ['a bad currency', envelope(`<Cube currency='usd' rate='1.07'/>`)],
  ])('rejects %s', (_, xml) => {
    expect(() => parseEcbXml(xml)).toThrow(FxFileError);
  });
});

describe('parseEcbFile detection and errors', () => {
  it('unzips a single XML too (eurofxref-daily in a zip)', () => {
    const zip = zipSync({ 'eurofxref-daily.xml': fixture(DAILY_2024) });
    expect(parseEcbFile(zip).length).toBe(30);
  });

  const html = '<!DOCTYPE html>\n<html><head><title>Euro foreign exchange reference rates</title></head><body><p>Moved</p></body></html>';
  it.each([
    ['garbage bytes', new Uint8Array([0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81, 0x0a])],
    ['an HTML page', strToU8(html)],
    ['sloppy HTML', strToU8('<html><body>Rates<br>unavailable</body></html>')],
    ['a JSON document', strToU8('{"rates":{"USD":1.07}}')],
    ['a CSV with a bad number', strToU8('Date,USD,JPY,\n2014-08-25,1.32,abc,\n')],
    ['a truncated zip', fixture(HIST_ZIP).slice(0, 4000)],
    ['just "PK"', strToU8('PK')],
    ['a zip without rates files', zipSync({ 'readme.txt': strToU8('hello') })],
    ['a zip with two rates files', zipSync({ 'a.csv': fixture(EXCERPT_CSV), 'b.xml': fixture(DAILY_2010) })],
    ['an empty file', new Uint8Array()],
  ])('rejects %s with FxFileError', (_, bytes) => {
    expect(() => parseEcbFile(bytes)).toThrow(FxFileError);
  });
});

describe('rateLookupFrom', () => {
  const lookup = rateLookupFrom([
    { currency: 'USD', day: '2024-06-28', perEur: '1.0705' },
    { currency: 'USD', day: '2024-06-26', perEur: '1.0700' },
    { currency: 'USD', day: '2024-06-27', perEur: '1.0696' },
    { currency: 'USD', day: '2024-06-27', perEur: '1.0699' }, // later entry overrides
    { currency: 'EUR', day: '2024-06-27', perEur: '2' }, // ignored: EUR is 1 by definition
  ]);
  it.each([
    ['USD', '2024-06-25', undefined],
    ['USD', '2024-06-26', '1.0700'],
    ['USD', '2024-06-27', '1.0699'],
    ['USD', '2024-06-28', '1.0705'],
    ['USD', '2024-06-30', '1.0705'],
    ['EUR', '1900-01-01', '1'],
    ['EUR', '2024-06-27', '1'],
    ['GBP', '2024-06-28', undefined],
  ])('%s on %s → %s', (currency, day, expected) => {
    expect(lookup(currency, day)).toBe(expected);
  });

  it.each([
    ['a bad day', { currency: 'USD', day: '2024-6-28', perEur: '1.07' }],
    ['a zero rate', { currency: 'USD', day: '2024-06-28', perEur: '0' }],
    ['a non-decimal rate', { currency: 'USD', day: '2024-06-28', perEur: '1e2' }],
  ])('rejects %s', (_, rate) => {
    expect(() => rateLookupFrom([rate])).toThrow();
  });
});

describe('convertMinor', () => {
  // ECB 2014-08-18 … 2014-08-22 (a Friday); 2014-08-23/24 is a weekend.
  const ecb = rateLookupFrom(parseEcbCsv(text(EXCERPT_CSV)));
  const withKwd = rateLookupFrom([
    ...parseEcbCsv(text(EXCERPT_CSV)),
    { currency: 'KWD', day: '2014-08-22', perEur: '0.3765' }, // an admin-added rate
  ]);

  it.each([
    ['EUR → JPY', 10000n, 'EUR', 'JPY', '2014-08-22', ecb, 13770n],
    ['USD → EUR', 10000n, 'USD', 'EUR', '2014-08-22', ecb, 7537n], // 7537.4990…
    ['USD → EUR on Saturday uses Friday', 10000n, 'USD', 'EUR', '2014-08-23', ecb, 7537n],
    ['USD → EUR on Sunday uses Friday', 10000n, 'USD', 'EUR', '2014-08-24', ecb, 7537n],
    ['USD → EUR on Monday uses Monday', 10000n, 'USD', 'EUR', '2014-08-25', ecb, 7576n],
    ['negative USD → EUR', -10000n, 'USD', 'EUR', '2014-08-22', ecb, -7537n],
    ['USD → JPY across EUR', 10000n, 'USD', 'JPY', '2014-08-22', ecb, 10379n], // 10379.136…
    ['JPY → USD across EUR', 10000n, 'JPY', 'USD', '2014-08-22', ecb, 9635n], // 9634.713…
    ['GBP → JPY across EUR', 1999n, 'GBP', 'JPY', '2014-08-22', ecb, 3439n], // 3439.488…
    ['JPY → EUR', 123456n, 'JPY', 'EUR', '2014-08-22', ecb, 89656n], // 89655.773…
    ['EUR → KWD', 10000n, 'EUR', 'KWD', '2014-08-22', withKwd, 37650n],
    ['USD → KWD', 1234n, 'USD', 'KWD', '2014-08-22', withKwd, 3502n], // 3501.929…
    ['KWD → EUR', 1000n, 'KWD', 'EUR', '2014-08-22', withKwd, 266n], // 265.604…
    ['KWD → JPY', 12345n, 'KWD', 'JPY', '2014-08-22', withKwd, 4515n], // 4515.023…
    ['same currency, no rate needed', 4242n, 'AED', 'AED', '2014-08-22', ecb, 4242n],
  ] as const)('%s', (_, amountMinor, from, to, day, rates, minor) => {
    expect(convertMinor({ amountMinor, from, to, day, rates })).toEqual({ ok: true, minor });
  });

  // perEur 1.5 USD and 150 JPY make every odd cent of EUR land exactly on a half.
  const ties = rateLookupFrom([
    { currency: 'USD', day: '2024-01-01', perEur: '1.5' },
    { currency: 'JPY', day: '2024-01-01', perEur: '150' },
  ]);
  it.each([
    [1n, 'USD', 2n], // 1.5 → 2
    [3n, 'USD', 4n], // 4.5 → 4
    [5n, 'USD', 8n], // 7.5 → 8
    [-3n, 'USD', -4n], // -4.5 → -4
    [1n, 'JPY', 2n], // 0.01 EUR = 1.5 JPY → 2
    [3n, 'JPY', 4n], // 4.5 JPY → 4
    [-1n, 'JPY', -2n],
  ] as const)('a converted tie rounds half to even: %s EUR cents → %s', (amountMinor, to, minor) => {
    expect(convertMinor({ amountMinor, from: 'EUR', to, day: '2024-01-02', rates: ties })).toEqual({ ok: true, minor });
  });

  it.each([
    ['a currency the ECB never published', 'AED', 'EUR', 'AED'],
    ['a target the ECB never published', 'EUR', 'AED', 'AED'],
    ['a day before the first rate', 'USD', 'EUR', 'USD'],
    ['both missing: the sale currency is reported', 'AED', 'SAR', 'AED'],
  ])('%s is missing, never passed through', (_, from, to, missing) => {
    const day = missing === 'USD' ? '2014-08-18' : '2014-08-22';
    expect(convertMinor({ amountMinor: 100n, from, to, day, rates: ecb })).toEqual({ ok: false, missing });
  });

  it('needs no EUR rate from a caller-supplied lookup', () => {
    const onlyUsd: RateLookup = (c) => (c === 'USD' ? '1.5' : undefined);
    expect(convertMinor({ amountMinor: 100n, from: 'EUR', to: 'USD', day: '2024-01-01', rates: onlyUsd })).toEqual({
      ok: true,
      minor: 150n,
    });
    expect(convertMinor({ amountMinor: 150n, from: 'USD', to: 'EUR', day: '2024-01-01', rates: onlyUsd })).toEqual({
      ok: true,
      minor: 100n,
    });
  });

  it('throws for a code that is not an ISO currency with minor units', () => {
    expect(() => convertMinor({ amountMinor: 1n, from: 'HRK', to: 'EUR', day: '2014-08-22', rates: ecb })).toThrow(MoneyError);
  });
});

describe('dayOfUtc', () => {
  it.each([
    ['2024-06-28T23:30:00-02:00', '2024-06-29'],
    ['2024-06-29T00:30:00+02:00', '2024-06-28'],
    ['2024-06-28T00:00:00Z', '2024-06-28'],
    ['2024-06-28T23:59:59.999Z', '2024-06-28'],
  ])('%s → %s', (iso, day) => {
    expect(dayOfUtc(new Date(iso))).toBe(day);
  });

  it('throws on an invalid date', () => {
    expect(() => dayOfUtc(new Date('nope'))).toThrow(RangeError);
  });
});
