import { type Expression, type RawBuilder, sql } from 'kysely';
import { dayProblem, instantTextProblem } from '../schemas/common.ts';
import { AppError } from './errors.ts';

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
function parseBound(name: 'from' | 'to', value: string | undefined): Bound | null {
  if (value === undefined) return null;
  const isInstant = value.includes('T');
  const problem = isInstant ? instantTextProblem(value) : dayProblem(value);
  if (problem) throw new AppError('invalid_input', `${name} ${problem}.`);
  return isInstant ? { kind: 'instant', at: value } : { kind: 'day', day: value };
}

export function parseRange(input: RangeInput, timeZone: string): Range {
  const from = parseBound('from', input.from);
  const to = parseBound('to', input.to);
  if (from && to && from.kind === to.kind) {
    const reversed =
      from.kind === 'day' && to.kind === 'day' ? from.day > to.day
      : from.kind === 'instant' && to.kind === 'instant' ? Date.parse(from.at) > Date.parse(to.at)
      : false;
    if (reversed) throw new AppError('invalid_input', 'from is after to.');
  }
  return { timeZone, from, to };
}

/** The first instant of a day in the zone. */
export const dayStart = (day: string, timeZone: string) =>
  sql<Date>`((${day}::date)::timestamp at time zone ${timeZone})`;

/** The first instant of the day after `day` in the zone: the exclusive end of an inclusive day. */
const nextDayStart = (day: string, timeZone: string) =>
  sql<Date>`((${day}::date + 1)::timestamp at time zone ${timeZone})`;

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
