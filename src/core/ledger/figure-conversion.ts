import type { Approval } from '../approval.ts';
import { computeFigures, type Terms } from '../commission.ts';
import { isCountable, isCounted } from '../counted.ts';
import { dayOfUtc, type RateLookup } from '../fx-convert.ts';
import type { StoreStatus } from '../status.ts';
import type { ConversionFigures } from './state.ts';

/**
 * A conversion's figures from its own facts: its amount converted at the rate of its order's
 * UTC day, its commission by its snapshotted terms, whether it counts, whether a rate is missing.
 */
export function figureConversion(
  row: { currency: string; orderDate: Date; approval: Approval; status: StoreStatus; amountMinor: bigint; terms: Terms },
  defaultCurrency: string,
  rates: RateLookup,
): ConversionFigures {
  const figures = computeFigures({
    amountMinor: row.amountMinor,
    currency: row.currency,
    defaultCurrency,
    day: dayOfUtc(row.orderDate),
    countable: isCountable({ approval: row.approval, status: row.status }),
    terms: row.terms,
    rates,
  });
  return {
    fxMissing: figures.fxMissing,
    convertedMinor: figures.convertedMinor,
    commissionMinor: figures.commissionMinor,
    counted: isCounted({ approval: row.approval, status: row.status, fxMissing: figures.fxMissing }),
  };
}
