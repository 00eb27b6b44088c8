// Spans of days (YYYY-MM-DD, inclusive) cut into whole years, quarters, months, weeks and days,
// so that a report reads each piece from the rollup of its grain (src/app/reports/rollups.ts).
// Pure arithmetic on day strings: no time zone, no clock.

// Calendar arithmetic on UTC midnights: no zone, no daylight saving, exact. A day the database
// gives may lie in the year 10000 (the last hours of 9999 east of UTC), which Date.parse and
// toISOString do not write as YYYY-MM-DD: days are read and written here by their parts.
const DAY_PARTS = /^(\d{4,5})-(\d{2})-(\d{2})$/;

/** The UTC midnight of a day `YYYY-MM-DD` (or `YYYYY-MM-DD`), in ms; other text as Date.parse reads it. */
function dayMs(day: string): number {
  const m = DAY_PARTS.exec(day);
  if (!m) return Date.parse(`${day}T00:00:00Z`);
  const t = new Date(0);
  t.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return t.getTime();
}

/** The day of a UTC midnight, `YYYY-MM-DD`. */
function msDay(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** How many calendar days `first` to `last` inclusive covers. */
export const dayCount = (first: string, last: string) => (dayMs(last) - dayMs(first)) / 86_400_000 + 1;

/** Every calendar day from `first` to `last` inclusive, both `YYYY-MM-DD`. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = dayMs(first), end = dayMs(last); t <= end; t += 86_400_000) days.push(msDay(t));
  return days;
}

/** The calendar day `n` days after `day` (before, when negative), both `YYYY-MM-DD`. */
export const addDays = (day: string, n: number) => msDay(dayMs(day) + n * 86_400_000);

/** Inclusive days; a null bound is open. */
export interface DaySpan {
  first: string | null;
  last: string | null;
}

type Unit = 'year' | 'quarter' | 'month' | 'week';
const MONTHS: Partial<Record<Unit, number>> = { year: 12, quarter: 3, month: 1 };
/** The first day of the year, quarter, month or week (from Monday, as ISO weeks) holding `day`. */
function unitStart(day: string, unit: Unit): string {
  if (unit === 'week') return addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const months = MONTHS[unit] as number;
  const month = Math.floor((Number(day.slice(5, 7)) - 1) / months) * months + 1;
  return `${day.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
}
function addUnits(start: string, unit: Unit, n: number): string {
  if (unit === 'week') return addDays(start, 7 * n);
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n * (MONTHS[unit] as number));
  return d.toISOString().slice(0, 10);
}

/** The whole months or years (by their first day) within the span, and the spans of days around them. */
export function splitBy(span: DaySpan, unit: 'month' | 'year'): { whole: DaySpan | null; rest: DaySpan[] } {
  const { first, last } = span;
  const firstUnit = first === null ? null : first === unitStart(first, unit) ? first : addUnits(unitStart(first, unit), unit, 1);
  const lastUnit =
    last === null
      ? null
      : addDays(last, 1) === unitStart(addDays(last, 1), unit)
        ? unitStart(last, unit)
        : addUnits(unitStart(last, unit), unit, -1);
  if (firstUnit !== null && lastUnit !== null && firstUnit > lastUnit) return { whole: null, rest: [span] };
  const rest: DaySpan[] = [];
  if (first !== null && firstUnit !== null && first < firstUnit) rest.push({ first, last: addDays(firstUnit, -1) });
  if (last !== null && lastUnit !== null) {
    const after = addUnits(lastUnit, unit, 1);
    if (last >= after) rest.push({ first: after, last });
  }
  return { whole: { first: firstUnit, last: lastUnit }, rest };
}

/** A span of days as whole years, whole months and days, each read from its own rollup. */
export function splitSpan(span: DaySpan, units: ReadonlyArray<'month' | 'year'>): { years: DaySpan[]; months: DaySpan[]; days: DaySpan[] } {
  const out = { years: [] as DaySpan[], months: [] as DaySpan[], days: [] as DaySpan[] };
  let rest = [span];
  for (const unit of units) {
    const next: DaySpan[] = [];
    for (const part of rest) {
      const { whole, rest: around } = splitBy(part, unit);
      if (whole) out[unit === 'year' ? 'years' : 'months'].push(whole);
      next.push(...around);
    }
    rest = next;
  }
  out.days = rest;
  return out;
}

export type Grain = Unit | 'day';
/** Whole days, weeks, months, quarters or years (a span of their first days) of one rollup grain, added or taken away. */
export interface Piece {
  grain: Grain;
  span: DaySpan;
  sign: 1 | -1;
}

/** The grains of the creator rollups (migrations 0007 and 0010), coarsest first. */
export const CREATOR_GRAINS: readonly Grain[] = ['year', 'quarter', 'month', 'week', 'day'];
/** The grains of the member rollups (migration 0005). */
export const MEMBER_GRAINS: readonly Grain[] = ['year', 'month', 'day'];

const unitEnd = (start: string, unit: Unit) => addDays(addUnits(start, unit, 1), -1);

/** A span cut into the partial unit at each end and the whole units between (spans of their first days). */
function cut(span: DaySpan, unit: Unit): { head: DaySpan | null; whole: DaySpan | null; tail: DaySpan | null } {
  const { first, last } = span;
  const firstWhole = first === null ? null : first === unitStart(first, unit) ? first : addUnits(unitStart(first, unit), unit, 1);
  const lastWhole =
    last === null
      ? null
      : addDays(last, 1) === unitStart(addDays(last, 1), unit)
        ? unitStart(last, unit)
        : addUnits(unitStart(last, unit), unit, -1);
  if (first !== null && last !== null && firstWhole !== null && lastWhole !== null && firstWhole > lastWhole) {
    // No whole unit: the span lies within one unit, or across the boundary of two.
    const lastUnit = unitStart(last, unit);
    if (unitStart(first, unit) === lastUnit) return { head: span, whole: null, tail: null };
    return { head: { first, last: addDays(lastUnit, -1) }, whole: null, tail: { first: lastUnit, last } };
  }
  return {
    head: first !== null && firstWhole !== null && first < firstWhole ? { first, last: addDays(firstWhole, -1) } : null,
    whole: { first: firstWhole, last: lastWhole },
    tail: last !== null && lastWhole !== null && last > unitEnd(lastWhole, unit) ? { first: addUnits(lastWhole, unit, 1), last } : null,
  };
}

// Rows read per creator: one per day, week, month, quarter or year of a piece (a piece cut
// from a span has both bounds).
function cost(pieces: readonly Piece[]): number {
  let n = 0;
  for (const { grain, span } of pieces) {
    const first = span.first as string;
    const last = span.last as string;
    if (grain === 'day') n += dayCount(first, last);
    else if (grain === 'week') n += (dayCount(first, last) - 1) / 7 + 1;
    else {
      const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7));
      n += months / (MONTHS[grain] as number) + 1;
    }
  }
  return n;
}

/**
 * A span of days as signed pieces of the given grains (coarsest first, ending with days) whose
 * sums add up to the span's: whole units as they are, and a partial unit either read at the
 * next grain or read whole with the rest of it taken away, whichever reads fewer rows. A week
 * may cross a month's edge: the pieces are sets of days, and only their signed sum matters.
 */
export function signedPieces(span: DaySpan, grains: readonly Grain[] = CREATOR_GRAINS, sign: 1 | -1 = 1): Piece[] {
  const grain = grains[0] as Grain;
  if (grain === 'day') return [{ grain, span, sign }];
  const finer = grains.slice(1);
  const { head, whole, tail } = cut(span, grain);
  const pieces: Piece[] = whole ? [{ grain, span: whole, sign }] : [];
  for (const part of [head, tail]) {
    if (part === null) continue;
    const first = part.first as string;
    const last = part.last as string;
    const direct = signedPieces(part, finer, sign);
    const start = unitStart(first, grain);
    const end = unitEnd(start, grain);
    const rest = [
      ...(first > start ? [{ first: start, last: addDays(first, -1) }] : []),
      ...(last < end ? [{ first: addDays(last, 1), last: end }] : []),
    ];
    const less: Piece[] = [
      { grain, span: { first: start, last: start }, sign },
      ...rest.flatMap((r) => signedPieces(r, finer, sign === 1 ? -1 : 1)),
    ];
    pieces.push(...(cost(less) < cost(direct) ? less : direct));
  }
  return pieces;
}
