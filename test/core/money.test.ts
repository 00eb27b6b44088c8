import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  currencyDigits,
  formatMoney,
  isCurrencyCode,
  MoneyError,
  parseDecimal,
  parseMoney,
  roundHalfEven,
  toMoney,
} from '../../src/core/money.ts';

function moneyErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof MoneyError) return e.code;
    throw e;
  }
  return undefined;
}

describe('currencyDigits', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['XAF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has %i digits', (code, digits) => {
    expect(currencyDigits(code)).toBe(digits);
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each([
    ['eur', 'lower case'],
    ['Eur', 'mixed case'],
    ['EURO', 'four letters'],
    ['', 'empty'],
    ['ZZZ', 'unknown'],
    ['HRK', 'withdrawn in 2023'],
    ['XAU', 'gold: minor units N.A.'],
    ['XDR', 'SDR: minor units N.A.'],
    ['XXX', 'no currency'],
    ['XTS', 'testing code'],
  ])('%s is not usable (%s)', (code) => {
    expect(currencyDigits(code)).toBeUndefined();
    expect(isCurrencyCode(code)).toBe(false);
  });

  it('agrees with ISO 4217 List One for every code', () => {
    const xml = readFileSync(new URL('../fixtures/fx/iso-4217-list-one-2024-06-25.xml', import.meta.url), 'utf8');
    const doc = new XMLParser({ parseTagValue: false }).parse(xml);
    const entries: Array<{ Ccy?: string; CcyMnrUnts?: string }> = doc.ISO_4217.CcyTbl.CcyNtry;
    const expected = new Map<string, number | undefined>();
    for (const e of entries) {
      if (!e.Ccy) continue; // territories without a currency (Antarctica)
      expected.set(e.Ccy, e.CcyMnrUnts === 'N.A.' ? undefined : Number(e.CcyMnrUnts));
    }
    expect(expected.size).toBeGreaterThan(170);
    for (const [code, digits] of expected) expect([code, currencyDigits(code)]).toEqual([code, digits]);
  });
});

describe('parseMoney', () => {
  it.each([
    ['12', 'EUR', 1200n],
    ['12.3', 'EUR', 1230n],
    ['12.30', 'EUR', 1230n],
    ['0.05', 'EUR', 5n],
    ['007.50', 'EUR', 750n],
    ['1.230000', 'EUR', 123n],
    ['1235', 'JPY', 1235n],
    ['1000.00', 'JPY', 1000n],
    ['12.345', 'KWD', 12345n],
    ['12.3', 'KWD', 12300n],
    ['1.2345', 'CLF', 12345n],
    ['0', 'EUR', 0n],
    ['92233720368547758.07', 'EUR', 9223372036854775807n],
    ['123456789012345678901234567890.99', 'USD', 12345678901234567890123456789099n],
  ])('%s %s → %s', (value, currency, minor) => {
    expect(parseMoney(value, currency)).toBe(minor);
  });

  it.each([
    ['-10.00', 'EUR', -1000n],
    ['-0.05', 'EUR', -5n],
    ['-3', 'JPY', -3n],
    ['-1.500', 'KWD', -1500n],
    ['10.00', 'EUR', 1000n],
  ])('%s %s with allowNegative → %s', (value, currency, minor) => {
    expect(parseMoney(value, currency, { allowNegative: true })).toBe(minor);
  });

  it.each([
    ['', 'EUR'],
    [' 12', 'EUR'],
    ['12 ', 'EUR'],
    ['1 000', 'EUR'],
    ['1,000.00', 'EUR'],
    ['1,5', 'EUR'],
    ['+1', 'EUR'],
    ['.5', 'EUR'],
    ['5.', 'EUR'],
    ['1e3', 'EUR'],
    ['0x10', 'EUR'],
    ['NaN', 'EUR'],
    ['Infinity', 'EUR'],
    ['--1', 'EUR'],
    ['12.3.4', 'EUR'],
    ['١٢', 'EUR'],
    ['-10.00', 'EUR'],
    ['-0', 'JPY'],
  ])('rejects %j (%s) as invalid_amount', (value, currency) => {
    expect(moneyErrorCode(() => parseMoney(value, currency))).toBe('invalid_amount');
  });

  it.each([
    ['1.234', 'EUR'],
    ['0.001', 'EUR'],
    ['1.5', 'JPY'],
    ['1000.01', 'JPY'],
    ['12.3456', 'KWD'],
    ['1.23456', 'CLF'],
  ])('rejects %s %s as too_many_decimals', (value, currency) => {
    expect(moneyErrorCode(() => parseMoney(value, currency))).toBe('too_many_decimals');
  });

  it.each([['ZZZ'], ['eur'], ['XAU'], ['EURO'], ['']])('rejects currency %j as unknown_currency', (currency) => {
    expect(moneyErrorCode(() => parseMoney('1', currency))).toBe('unknown_currency');
  });
});

describe('formatMoney', () => {
  it.each([
    [123450n, 'EUR', '1234.50'],
    [100n, 'EUR', '1.00'],
    [5n, 'EUR', '0.05'],
    [-5n, 'EUR', '-0.05'],
    [0n, 'EUR', '0.00'],
    [1235n, 'JPY', '1235'],
    [-1235n, 'JPY', '-1235'],
    [0n, 'JPY', '0'],
    [12345n, 'KWD', '12.345'],
    [5n, 'KWD', '0.005'],
    [-1000n, 'KWD', '-1.000'],
    [12345n, 'CLF', '1.2345'],
    [9223372036854775807n, 'EUR', '92233720368547758.07'],
  ])('%s %s → %s', (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
    expect(parseMoney(text, currency, { allowNegative: true })).toBe(minor);
  });

  it('throws unknown_currency for an unknown code', () => {
    expect(moneyErrorCode(() => formatMoney(1n, 'XAU'))).toBe('unknown_currency');
  });

  it('toMoney pairs the formatted value with its currency', () => {
    expect(toMoney(123450n, 'EUR')).toEqual({ value: '1234.50', currency: 'EUR' });
    expect(toMoney(1235n, 'JPY')).toEqual({ value: '1235', currency: 'JPY' });
    expect(toMoney(12345n, 'KWD')).toEqual({ value: '12.345', currency: 'KWD' });
  });
});

describe('roundHalfEven', () => {
  it.each([
    [1n, 2n, 0n, '0.5'],
    [3n, 2n, 2n, '1.5'],
    [5n, 2n, 2n, '2.5'],
    [7n, 2n, 4n, '3.5'],
    [-1n, 2n, 0n, '-0.5'],
    [-3n, 2n, -2n, '-1.5'],
    [-5n, 2n, -2n, '-2.5'],
    [-7n, 2n, -4n, '-3.5'],
    [5n, -2n, -2n, '5/-2'],
    [-5n, -2n, 2n, '-5/-2'],
    [3n, -2n, -2n, '3/-2'],
    [1n, 3n, 0n, '0.333'],
    [2n, 3n, 1n, '0.667'],
    [-2n, 3n, -1n, '-0.667'],
    [251n, 100n, 3n, '2.51'],
    [249n, 100n, 2n, '2.49'],
    [-251n, 100n, -3n, '-2.51'],
    [-249n, 100n, -2n, '-2.49'],
    [10n, 5n, 2n, 'exact'],
    [0n, 7n, 0n, 'zero'],
    [10n ** 30n + 5n, 10n, 10n ** 29n, 'large tie'],
  ])('%s / %s → %s (%s)', (n, d, expected) => {
    expect(roundHalfEven(n, d)).toBe(expected);
  });

  it('throws on a zero denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('parseDecimal', () => {
  it.each([
    ['1.0876', 10876n, 4],
    ['140.27', 14027n, 2],
    ['10', 10n, 0],
    ['12.5', 125n, 1],
    ['0.87650', 87650n, 5],
    ['-0.5', -5n, 1],
    ['-12', -12n, 0],
    ['0', 0n, 0],
  ])('%s → %s × 10^-%i', (value, mantissa, scale) => {
    expect(parseDecimal(value)).toEqual({ mantissa, scale });
  });

  it.each([[''], ['1e3'], ['+1'], ['.5'], ['1.'], [' 1'], ['1 '], ['abc'], ['1,5'], ['1.2.3']])('rejects %j', (value) => {
    expect(moneyErrorCode(() => parseDecimal(value))).toBe('invalid_amount');
  });
});
