import type { BaseStatus } from './status.ts';

// An order as a store reported it, reduced to the fields the rules read. Every platform's
// parser produces this; the ingestion path takes nothing else.
export interface IncomingOrder {
  externalId: string;
  number: string;
  createdAt: Date;
  updatedAt: Date;
  currency: string;
  /** sale value before refunds, in minor units of `currency` */
  grossMinor: bigint;
  /** what was refunded of the sale value, >= 0 */
  refundedMinor: bigint;
  base: BaseStatus;
  codes: string[];
  ref: string | null;
  country: string | null;
}
