import { amountProblem, instantProblem, storeIdProblem, textProblem } from '../../core/limits.ts';
import { isCurrencyCode, MoneyError, parseMoney } from '../../core/money.ts';
import type { IncomingOrder } from '../../core/order.ts';
import { customBaseStatus } from '../../core/status.ts';

// The custom-store orders API: the store sends its order as Tally's own JSON shape, already
// validated by the route's schema; this turns it into the core's order.
export interface CustomOrderInput {
  number: string;
  createdAt: string;
  updatedAt: string;
  currency: string;
  subtotal: string;
  refunded?: string;
  status: 'pending' | 'paid' | 'canceled' | 'refunded';
  codes?: string[];
  ref?: string;
  country?: string;
}

export type CustomOrderProblem =
  | { code: 'invalid_input'; message: string }
  | { code: 'unsupported_currency'; message: string }
  | { code: 'currency_mismatch'; message: string }
  | { code: 'invalid_amount'; message: string };

export function parseCustomOrder(
  externalId: string,
  input: CustomOrderInput,
  storeCurrency: string,
): { ok: true; order: IncomingOrder } | { ok: false; problem: CustomOrderProblem } {
  if (!isCurrencyCode(input.currency)) {
    return { ok: false, problem: { code: 'unsupported_currency', message: `"${input.currency}" is not an ISO 4217 currency code.` } };
  }
  if (input.currency !== storeCurrency) {
    return {
      ok: false,
      problem: { code: 'currency_mismatch', message: `The order is in ${input.currency} but the store sells in ${storeCurrency}.` },
    };
  }
  // What the ledger cannot hold (SPEC §8). The route's schema refuses all of it first; these
  // are checked again so that no other caller can bring such a value to the database.
  const createdAt = new Date(input.createdAt);
  const updatedAt = new Date(input.updatedAt);
  const held =
    storeIdProblem('externalId', externalId) ??
    textProblem('number', input.number, 100) ??
    (input.codes ?? []).map((code) => textProblem('codes', code, 255)).find((p) => p !== null) ??
    textProblem('ref', input.ref ?? '', 255) ??
    instantProblem('createdAt', createdAt) ??
    instantProblem('updatedAt', updatedAt);
  if (held) return { ok: false, problem: { code: 'invalid_input', message: `${held}.` } };
  let grossMinor: bigint;
  let refundedMinor: bigint;
  try {
    grossMinor = parseMoney(input.subtotal, input.currency);
    refundedMinor = parseMoney(input.refunded ?? '0', input.currency);
  } catch (error) {
    if (error instanceof MoneyError) {
      return { ok: false, problem: { code: 'invalid_amount', message: `subtotal and refunded: ${error.message}` } };
    }
    throw error;
  }
  const beyond = amountProblem('subtotal', grossMinor, input.currency) ?? amountProblem('refunded', refundedMinor, input.currency);
  if (beyond) return { ok: false, problem: { code: 'invalid_input', message: `${beyond}.` } };
  return {
    ok: true,
    order: {
      externalId,
      number: input.number,
      createdAt,
      updatedAt,
      currency: input.currency,
      grossMinor,
      refundedMinor,
      base: customBaseStatus(input.status),
      codes: input.codes ?? [],
      ref: input.ref && input.ref !== '' ? input.ref : null,
      country: input.country ?? null,
    },
  };
}
