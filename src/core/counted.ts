// Which conversions count towards totals (SPEC §3, §4). Kept tiny and separate so the SQL
// filters and these functions can be tested against each other row by row.

import type { Approval } from './approval.ts';
import { STORE_STATUSES, type StoreStatus } from './status.ts';

/** Whether commission would apply once a rate exists; FX is deliberately ignored here. */
export function isCountable(args: { approval: Approval; status: StoreStatus }): boolean {
  return args.approval === 'approved' && (args.status === 'paid' || args.status === 'partially_refunded');
}

const APPROVALS: readonly Approval[] = ['approved', 'rejected'];

/**
 * isCountable as a SQL predicate over the row alias `alias`: the (approval, status) pairs it
 * accepts, listed, so that SQL filters restate no rule of their own.
 */
export function countableSql(alias: string): string {
  const pairs = APPROVALS.flatMap((approval) =>
    STORE_STATUSES.filter((status) => isCountable({ approval, status })).map((status) => `('${approval}', '${status}')`),
  );
  return `(${alias}.approval, ${alias}.status) in (${pairs.join(', ')})`;
}

/** Whether the conversion is in the totals now: countable, and its amount can be converted. */
export function isCounted(args: { approval: Approval; status: StoreStatus; fxMissing: boolean }): boolean {
  return !args.fxMissing && isCountable(args);
}

export type TotalsRow = {
  counted: boolean;
  convertedMinor: bigint | null;
  commissionMinor: bigint | null;
};

export type Totals = { orders: number; salesMinor: bigint; commissionMinor: bigint };

/**
 * The reference definition of a total: the sum of the counted rows' rounded figures, so an
 * export's rows add up to the dashboard exactly. Uncounted rows contribute nothing, whatever
 * figures they carry.
 */
export function sumTotals(rows: readonly TotalsRow[]): Totals {
  let orders = 0;
  let salesMinor = 0n;
  let commissionMinor = 0n;
  for (const row of rows) {
    if (!row.counted) continue;
    // A counted row always has both figures (fxMissing rows are never counted); a null here
    // is an upstream bug, and summing it as 0 would hide it inside a plausible total.
    if (row.convertedMinor === null || row.commissionMinor === null) {
      throw new TypeError('a counted row must have convertedMinor and commissionMinor');
    }
    orders += 1;
    salesMinor += row.convertedMinor;
    commissionMinor += row.commissionMinor;
  }
  return { orders, salesMinor, commissionMinor };
}
