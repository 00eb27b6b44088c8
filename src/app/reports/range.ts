import { type Expression, type RawBuilder, sql } from 'kysely';
import { dayProblem, instantTextProblem } from '../../schemas/common.ts';
import { AppError } from '../errors.ts';

// A report range (SPEC §10): each bound is a `YYYY-MM-DD` day in the account's time zone or an
// ISO timestamp with an offset; an absent bound is unbounded. Days are inclusive: `to` ends at
// the start of the next day. A timestamp `to` is inclusive too, so `from`/`to` read the same
// way whichever form they take. Instants are computed by the database, which owns the zone rules.

export interface RangeInput {
  from?: string | undefined;
  to?: string | undefined;
}

type Bound = { kind: 'day'; day: string } | { kind: 'instant'; at: string };

export interface Range {
  readonly timeZone: string;
  readonly from: Bound | null;
  readonly to: Bound | null;
}

// The route's schema has checked each bound already (ZDayOrInstant); checked again here for
// callers that do not come through a route, with the same rules: a calendar day or an instant
// from 1970 to 9999, never a value the database would refuse.
// A bound is also read as a day of the account's zone, and reports step from it by whole
// months and years: the last instants of 9999 are already in the year 10000 east of UTC, which
// no day can be, and a range starting within 9999 would step into 10000. So `to` ends in 9999
// at the latest (in the account's zone) and `from` starts in 9998 at the latest.
const LAST_YEAR = { from: 9998, to: 9999 } as const;

function parseBound(name: 'from' | 'to', value: string | undefined, timeZone: string): Bound | null {
  if (value === undefined) return null;
  const isInstant = value.includes('T');
  const problem = isInstant ? instantTextProblem(value) : dayProblem(value);
  if (problem) throw new AppError('invalid_input', `${name} ${problem}.`);
  const year = isInstant ? localYear(new Date(value), timeZone) : Number(value.slice(0, 4));
  if (year > LAST_YEAR[name]) {
    throw new AppError(
      'invalid_input',
      `${name} is after ${LAST_YEAR[name]}-12-31 in the account's time zone (${timeZone}); ` +
        `a range starts by 9998-12-31 and ends by 9999-12-31.`,
    );
  }
  return isInstant ? { kind: 'instant', at: value } : { kind: 'day', day: value };
}

function localYear(at: Date, timeZone: string): number {
  try {
    const year = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).formatToParts(at).find((p) => p.type === 'year');
    return Number(year?.value ?? at.getUTCFullYear());
  } catch {
    // A zone Intl does not know was refused when the account was saved; read it as UTC.
    return at.getUTCFullYear();
  }
}

export function parseRange(input: RangeInput, timeZone: string): Range {
  const from = parseBound('from', input.from, timeZone);
  const to = parseBound('to', input.to, timeZone);
  if (from && to && from.kind === to.kind) {
    const reversed =
      from.kind === 'day' && to.kind === 'day'
        ? from.day > to.day
        : from.kind === 'instant' && to.kind === 'instant'
          ? Date.parse(from.at) > Date.parse(to.at)
          : false;
    if (reversed) throw new AppError('invalid_input', 'from is after to.');
  }
  return { timeZone, from, to };
}

/** The first instant of a day in the zone. */
export const dayStart = (day: string, timeZone: string) => sql<Date>`((${day}::date)::timestamp at time zone ${timeZone})`;

/** The first instant of the day after `day` in the zone: the exclusive end of an inclusive day. */
const nextDayStart = (day: string, timeZone: string) => sql<Date>`((${day}::date + 1)::timestamp at time zone ${timeZone})`;

/** A SQL predicate keeping the instants of `column` that fall in the range. */
export function inRange(column: Expression<Date> | RawBuilder<Date>, range: Range): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [];
  const { from, to, timeZone } = range;
  if (from?.kind === 'day') parts.push(sql<boolean>`${column} >= ${dayStart(from.day, timeZone)}`);
  if (from?.kind === 'instant') parts.push(sql<boolean>`${column} >= ${from.at}::timestamptz`);
  if (to?.kind === 'day') parts.push(sql<boolean>`${column} < ${nextDayStart(to.day, timeZone)}`);
  if (to?.kind === 'instant') parts.push(sql<boolean>`${column} <= ${to.at}::timestamptz`);
  if (parts.length === 0) return sql<boolean>`true`;
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

/** The calendar day (in the range's zone) of an instant column, as SQL. */
export const localDay = (column: Expression<Date> | RawBuilder<Date>, timeZone: string) =>
  sql<string>`((${column} at time zone ${timeZone})::date)`;

/** The day of a bound in the range's zone, as SQL (null when unbounded). */
export function boundDay(bound: Bound | null, timeZone: string): RawBuilder<string | null> {
  if (!bound) return sql<null>`null::date`;
  if (bound.kind === 'day') return sql<string>`${bound.day}::date`;
  return localDay(sql<Date>`${bound.at}::timestamptz`, timeZone);
}
