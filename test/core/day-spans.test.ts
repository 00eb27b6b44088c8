import { describe, expect, it } from 'vitest';
import { addDays, CREATOR_GRAINS, type DaySpan, type Grain, MEMBER_GRAINS, signedPieces, splitSpan } from '../../src/core/day-spans.ts';

// A report's whole days are read as whole years, whole months and single days (or signed
// pieces of years, quarters, months, weeks and days); every day of the span must be read
// exactly once, whatever the bounds.

const LO = '2023-01-01';
const HI = '2025-12-31';

function daysRead(span: DaySpan): string[] {
  const { years, months, days } = splitSpan(span, ['year', 'month']);
  const out: string[] = [];
  const each = (s: DaySpan, take: (d: string) => boolean, width: (d: string) => string) => {
    for (let d = s.first ?? LO; d <= (s.last ?? HI); d = addDays(d, 1)) {
      if (!take(d)) continue;
      for (let x = d; width(x) === width(d); x = addDays(x, 1)) out.push(x);
    }
  };
  for (const s of years)
    each(
      s,
      (d) => d.endsWith('-01-01'),
      (d) => d.slice(0, 4),
    );
  for (const s of months)
    each(
      s,
      (d) => d.endsWith('-01'),
      (d) => d.slice(0, 7),
    );
  for (const s of days)
    each(
      s,
      () => true,
      (d) => d,
    );
  return out.sort();
}

function expected(span: DaySpan): string[] {
  const out: string[] = [];
  for (let d = span.first ?? LO; d <= (span.last ?? HI); d = addDays(d, 1)) out.push(d);
  return out;
}

describe('splitSpan', () => {
  it('reads 15 Nov 2023 to 10 Feb 2025 as days, a month, a year, a month and days', () => {
    expect(splitSpan({ first: '2023-11-15', last: '2025-02-10' }, ['year', 'month'])).toEqual({
      years: [{ first: '2024-01-01', last: '2024-01-01' }],
      months: [
        { first: '2023-12-01', last: '2023-12-01' },
        { first: '2025-01-01', last: '2025-01-01' },
      ],
      days: [
        { first: '2023-11-15', last: '2023-11-30' },
        { first: '2025-02-01', last: '2025-02-10' },
      ],
    });
    expect(splitSpan({ first: '2024-02-01', last: '2025-03-31' }, ['year', 'month'])).toEqual({
      years: [],
      months: [{ first: '2024-02-01', last: '2025-03-01' }],
      days: [],
    });
    expect(splitSpan({ first: '2023-12-30', last: '2025-01-02' }, ['year', 'month'])).toEqual({
      years: [{ first: '2024-01-01', last: '2024-01-01' }],
      months: [],
      days: [
        { first: '2023-12-30', last: '2023-12-31' },
        { first: '2025-01-01', last: '2025-01-02' },
      ],
    });
    expect(splitSpan({ first: null, last: null }, ['year', 'month'])).toEqual({
      years: [{ first: null, last: null }],
      months: [],
      days: [],
    });
  });

  it('reads every day of a span exactly once, across month, year and leap-day edges and open bounds', () => {
    const starts = ['2023-01-01', '2023-02-27', '2023-12-31', '2024-02-28', '2024-02-29', '2024-03-01', '2024-06-15'];
    const lengths = [1, 2, 28, 29, 31, 59, 365, 366, 400, 700];
    for (const first of starts) {
      for (const n of lengths) {
        const last = addDays(first, n - 1);
        if (last > HI) continue;
        for (const span of [
          { first, last },
          { first: null, last },
          { first, last: null },
        ]) {
          expect(daysRead(span), JSON.stringify(span)).toEqual(expected(span));
        }
      }
    }
  });
});

// Signed pieces may read a whole year, quarter, month or week and take away the rest of it:
// every day of the span must count once in all, every other day not at all.
const mondayOf = (d: string) => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
const quarterOf = (d: string) => `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3)}`;
const BUCKET: Record<Grain, (d: string) => string> = {
  year: (d) => d.slice(0, 4),
  quarter: quarterOf,
  month: (d) => d.slice(0, 7),
  week: mondayOf,
  day: (d) => d,
};
const isStart = (grain: Grain, d: string) => BUCKET[grain](addDays(d, -1)) !== BUCKET[grain](d);

function netDays(span: DaySpan, grains: readonly Grain[] = CREATOR_GRAINS): Map<string, number> {
  const net = new Map<string, number>();
  for (const { grain, span: s, sign } of signedPieces(span, grains)) {
    expect(grains).toContain(grain);
    const width = BUCKET[grain];
    for (let d = s.first ?? LO; d <= (s.last ?? HI); d = addDays(d, 1)) {
      if (!isStart(grain, d)) continue;
      for (let x = d; x <= HI && width(x) === width(d); x = addDays(x, 1)) net.set(x, (net.get(x) ?? 0) + sign);
    }
  }
  for (const [d, n] of net) if (n === 0) net.delete(d);
  return net;
}

describe('signedPieces', () => {
  it('reads 2 to 31 March as March less 1 March, and April to March as a year less and plus a quarter', () => {
    expect(signedPieces({ first: '2026-03-02', last: '2026-03-31' })).toEqual([
      { grain: 'month', span: { first: '2026-03-01', last: '2026-03-01' }, sign: 1 },
      { grain: 'day', span: { first: '2026-03-01', last: '2026-03-01' }, sign: -1 },
    ]);
    expect(signedPieces({ first: '2025-04-01', last: '2026-03-31' })).toEqual([
      { grain: 'year', span: { first: '2025-01-01', last: '2025-01-01' }, sign: 1 },
      { grain: 'quarter', span: { first: '2025-01-01', last: '2025-01-01' }, sign: -1 },
      { grain: 'quarter', span: { first: '2026-01-01', last: '2026-01-01' }, sign: 1 },
    ]);
    // 5 to 20 March 2025, Wednesday to Thursday: the week from 10 March, the week from 3 March
    // less its Monday and Tuesday, and 17 to 20 March.
    expect(signedPieces({ first: '2025-03-05', last: '2025-03-20' })).toEqual([
      { grain: 'week', span: { first: '2025-03-10', last: '2025-03-10' }, sign: 1 },
      { grain: 'week', span: { first: '2025-03-03', last: '2025-03-03' }, sign: 1 },
      { grain: 'day', span: { first: '2025-03-03', last: '2025-03-04' }, sign: -1 },
      { grain: 'day', span: { first: '2025-03-17', last: '2025-03-20' }, sign: 1 },
    ]);
    expect(signedPieces({ first: null, last: null })).toEqual([{ grain: 'year', span: { first: null, last: null }, sign: 1 }]);
  });

  it('reads the member rollups, which have no quarters or weeks, as years, months and days', () => {
    expect(signedPieces({ first: '2025-04-01', last: '2026-03-31' }, MEMBER_GRAINS)).toEqual([
      { grain: 'year', span: { first: '2025-01-01', last: '2025-01-01' }, sign: 1 },
      { grain: 'month', span: { first: '2025-01-01', last: '2025-03-01' }, sign: -1 },
      { grain: 'month', span: { first: '2026-01-01', last: '2026-03-01' }, sign: 1 },
    ]);
    expect(signedPieces({ first: '2025-03-05', last: '2025-03-20' }, MEMBER_GRAINS)).toEqual([
      { grain: 'day', span: { first: '2025-03-05', last: '2025-03-20' }, sign: 1 },
    ]);
  });

  it('counts every day of a span once and no other day, across week, month, quarter, year and leap-day edges and open bounds', {
    timeout: 30_000,
  }, () => {
    const starts = [
      '2023-01-01',
      '2023-01-02',
      '2023-02-27',
      '2023-03-20',
      '2023-12-31',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-05-18',
      '2024-06-15',
    ];
    const lengths = [1, 2, 6, 8, 13, 17, 29, 31, 45, 92, 262, 366, 700];
    for (const grains of [CREATOR_GRAINS, MEMBER_GRAINS]) {
      for (const first of starts) {
        for (const n of lengths) {
          const last = addDays(first, n - 1);
          if (last > HI) continue;
          for (const span of [
            { first, last },
            { first: null, last },
            { first, last: null },
          ]) {
            expect([...netDays(span, grains)].sort(), JSON.stringify(span)).toEqual(expected(span).map((d) => [d, 1]));
          }
        }
      }
    }
  });
});
