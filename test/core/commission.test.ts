import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFigures, resolveTerms, type Terms, TermsError } from '../../src/core/commission.ts';
import { parseEcbCsv, rateLookupFrom } from '../../src/core/fx.ts';
import { roundHalfEven } from '../../src/core/money.ts';

// ECB rates 2014-08-19 … 2014-08-25; on Friday 2014-08-22 USD 1.3267, JPY 137.7 per EUR.
const ecbRates = parseEcbCsv(
  readFileSync(new URL('../fixtures/fx/ecb-eurofxref-hist-excerpt-2014-08-19_to_2014-08-25.csv', import.meta.url), 'utf8'),
);
const rates = rateLookupFrom([...ecbRates, { currency: 'KWD', day: '2014-08-22', perEur: '0.3765' }]);

const terms = (percent: string | null, fixedMinor: bigint | null = null, fixedCurrency: string | null = null): Terms => ({
  percent,
  fixedMinor,
  fixedCurrency,
});

const base = { defaultCurrency: 'EUR', day: '2014-08-22', countable: true, rates };

describe('computeFigures', () => {
  it.each([
    // 10.01 USD → 754.50366 cents → 755; 10% of 755 = 75.5 → 76 (of the unrounded 754.5 it would be 75)
    ['percent of the rounded converted figure, tie to even up', 1001n, 'USD', terms('10'), 755n, 76n],
    // 10.03 USD → 756.011 → 756; 12.5% of 756 = 94.5 → 94 (of the unrounded figure it would be 95)
    ['percent of the rounded converted figure, tie to even down', 1003n, 'USD', terms('12.5'), 756n, 94n],
    ['JPY sale, percent tie', 12345n, 'JPY', terms('10'), 8965n, 896n], // 8965.14 → 8965; 896.5 → 896
    ['EUR sale needs no rate', 10000n, 'EUR', terms('7.5'), 10000n, 750n],
    // fixed 5.00 USD → 376.87 EUR cents → 377, added to the percent part
    ['fixed commission in another currency', 12345n, 'JPY', terms('10', 500n, 'USD'), 8965n, 896n + 377n],
    ['fixed only', 10000n, 'EUR', terms(null, 500n, 'USD'), 10000n, 377n],
    ['fixed in JPY', 10000n, 'EUR', terms(null, 1000n, 'JPY'), 10000n, 726n], // 726.216…
    ['no terms at all', 10000n, 'USD', terms(null), 7537n, 0n],
    ['zero amount still earns the fixed part', 0n, 'USD', terms('10', 200n, 'EUR'), 0n, 200n],
  ] as const)('%s', (_, amountMinor, currency, t, convertedMinor, commissionMinor) => {
    expect(computeFigures({ ...base, amountMinor, currency, terms: t })).toEqual({
      fxMissing: false,
      convertedMinor,
      commissionMinor,
    });
  });

  it('a Saturday order uses Friday’s rate for the sale and the fixed part', () => {
    const t = terms('10', 500n, 'USD');
    const saturday = computeFigures({ ...base, day: '2014-08-23', amountMinor: 12345n, currency: 'JPY', terms: t });
    expect(saturday).toEqual(computeFigures({ ...base, amountMinor: 12345n, currency: 'JPY', terms: t }));
    expect(saturday).toEqual({ fxMissing: false, convertedMinor: 8965n, commissionMinor: 1273n });
  });

  it('KWD as the default currency keeps three decimals', () => {
    // 100.00 EUR → 37.650 KWD; 12.5% = 4.70625 → 4.706; fixed 1.00 EUR → 0.3765 → 0.376 (tie to even)
    expect(
      computeFigures({ ...base, defaultCurrency: 'KWD', amountMinor: 10000n, currency: 'EUR', terms: terms('12.5', 100n, 'EUR') }),
    ).toEqual({ fxMissing: false, convertedMinor: 37650n, commissionMinor: 4706n + 376n });
  });

  it('uncounted conversions earn 0 but keep their converted amount', () => {
    expect(computeFigures({ ...base, countable: false, amountMinor: 12345n, currency: 'JPY', terms: terms('10', 500n, 'USD') })).toEqual({
      fxMissing: false,
      convertedMinor: 8965n,
      commissionMinor: 0n,
    });
  });

  it.each([
    ['the sale currency has no rate', 'AED', '2014-08-22', terms('10'), true],
    ['the sale currency has no rate, uncounted', 'AED', '2014-08-22', terms('10'), false],
    ['no rate on or before the day', 'USD', '2014-08-18', terms('10'), true],
    ['the fixed currency has no rate', 'USD', '2014-08-22', terms('10', 500n, 'AED'), true],
    ['the fixed currency has no rate, uncounted', 'USD', '2014-08-22', terms('10', 500n, 'AED'), false],
  ] as const)('fxMissing when %s: converted and commission are null', (_, currency, day, t, countable) => {
    expect(computeFigures({ ...base, day, countable, amountMinor: 1000n, currency, terms: t })).toEqual({
      fxMissing: true,
      convertedMinor: null,
      commissionMinor: null,
    });
  });

  it('the snapshotted terms count, not the campaign’s later ones', () => {
    const atCreation = terms('10');
    const order = { ...base, amountMinor: 20000n, currency: 'USD' }; // 200.00 USD → 150.75 EUR
    const snapshot = { ...atCreation };
    const campaignNow = { ...atCreation, percent: '20' }; // edited after the conversion was made
    expect(computeFigures({ ...order, terms: snapshot })).toEqual({
      fxMissing: false,
      convertedMinor: 15075n,
      commissionMinor: 1508n, // 10% of 15075 = 1507.5 → 1508
    });
    expect(computeFigures({ ...order, terms: campaignNow }).commissionMinor).toBe(3015n);
  });

  it('commission is recomputable from the rounded converted figure of the row', () => {
    for (let amountMinor = 900n; amountMinor < 1100n; amountMinor++) {
      const f = computeFigures({ ...base, amountMinor, currency: 'USD', terms: terms('12.5') });
      expect(f.commissionMinor).toBe(roundHalfEven((f.convertedMinor ?? 0n) * 125n, 1000n));
    }
  });

  it('rejects a fixed amount without its currency', () => {
    expect(() => computeFigures({ ...base, amountMinor: 1n, currency: 'EUR', terms: terms('10', 500n, null) })).toThrow(TermsError);
  });
});

describe('resolveTerms', () => {
  const campaign = terms('10', 500n, 'USD');
  it.each([
    ['no override', null, campaign],
    ['an empty override', {}, campaign],
    ['percent only', { percent: '15' }, terms('15', 500n, 'USD')],
    ['percent removed', { percent: null }, terms(null, 500n, 'USD')],
    ['fixed only', { fixedMinor: 300n, fixedCurrency: 'EUR' }, terms('10', 300n, 'EUR')],
    ['fixed removed', { fixedMinor: null, fixedCurrency: null }, terms('10')],
    ['both', { percent: '12.5', fixedMinor: 1000n, fixedCurrency: 'JPY' }, terms('12.5', 1000n, 'JPY')],
  ] as const)('%s', (_, override, expected) => {
    expect(resolveTerms(campaign, override)).toEqual(expected);
  });

  it.each([
    ['an amount without a currency', { fixedMinor: 300n }],
    ['a currency without an amount', { fixedCurrency: 'EUR' }],
  ])('rejects %s: fixed parts are replaced together', (_, override) => {
    expect(() => resolveTerms(campaign, override)).toThrow(TermsError);
  });
});
