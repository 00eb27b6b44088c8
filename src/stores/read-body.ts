import { amountProblem, instantProblem, MAX_TEXT_LENGTH, storeIdProblem, textProblem } from '../core/limits.ts';
import { isCurrencyCode } from '../core/money.ts';
import type { DeliveryFacts, TopicHandler, TopicResult } from './facts.ts';
import { JsonBodyError, parseJsonLossless } from './parse-json.ts';

// Reading a signed body at the edge: its JSON, the texts and ids the ledger would keep, and a
// last look at what a topic made of it. Whatever a signed body holds, its handler answers
// facts the ledger can hold or a reason that can be kept (SPEC §8): never an exception, never
// a value the database would refuse halfway through a write.

/** The JSON of a signed body, or the reason it is not JSON. */
export function readBody(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parseJsonLossless(body) };
  } catch (error) {
    if (error instanceof JsonBodyError) return { ok: false, reason: error.message };
    throw error;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A value as a reason shows it: its control characters escaped (a reason is kept in a text
 * column, which cannot hold NUL), cut short when long. Anything else is shown as it is.
 */
export function shown(value: string, maxLength = 40): string {
  const cut = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return cut.replace(CONTROL, escapeControl);
}

const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A reason as it is kept: no control characters, at most MAX_TEXT_LENGTH characters. */
export function keptReason(reason: string): string {
  const clean = reason.replace(CONTROL, escapeControl);
  return clean.length > MAX_TEXT_LENGTH ? `${clean.slice(0, MAX_TEXT_LENGTH - 1)}…` : clean;
}

/** A decimal with more than 20 digits before its point: beyond any currency's limit. */
const HUGE_AMOUNT = /^-?0*[1-9][0-9]{20,}(?:\.[0-9]+)?$/;

/**
 * The problem of an amount's decimal text too long to be read into a bigint cheaply (a 1 MiB
 * run of digits takes a tenth of a second): such an amount is beyond the limit whatever its
 * digits, so it is refused before it is read. Null for every other text.
 */
export function hugeAmountProblem(field: string, text: string, currency: string): string | null {
  if (!HUGE_AMOUNT.test(text)) return null;
  // A stand-in beyond every currency's limit, so the reason is limits.ts's own words.
  return amountProblem(field, 10n ** 24n, currency);
}

/**
 * The first value of the facts the ledger cannot hold, naming the fact; null when all can be
 * kept (a refund's amount is in the store's currency). The parsers refuse these first, naming
 * the payload's own fields; this is the last look, so that no handler can hand the ledger
 * what it would refuse.
 */
export function factsProblem(facts: DeliveryFacts, store: { currency: string }): string | null {
  if (facts.kind === 'order_deleted') return storeIdProblem('externalId', facts.externalId);
  if (facts.kind === 'refund') {
    return (
      storeIdProblem('orderExternalId', facts.orderExternalId) ??
      storeIdProblem('refund.id', facts.refund.id) ??
      amountProblem('refund.amountMinor', facts.refund.amountMinor, store.currency)
    );
  }
  const o = facts.order;
  if (!isCurrencyCode(o.currency)) return `currency "${shown(o.currency)}" is not an ISO 4217 currency code`;
  let refunded = 0n;
  for (const [i, r] of o.refunds.entries()) {
    const problem = storeIdProblem(`refunds.${i}.id`, r.id) ?? amountProblem(`refunds.${i}.amountMinor`, r.amountMinor, o.currency);
    if (problem !== null) return problem;
    refunded += r.amountMinor;
  }
  const texts: Array<[string, string | null]> = [
    ['number', o.number],
    ['ref', o.ref],
    ['country', o.country],
    ...o.codes.map((code, i): [string, string] => [`codes.${i}`, code]),
  ];
  for (const [field, text] of texts) {
    const problem = text === null ? null : textProblem(field, text);
    if (problem !== null) return problem;
  }
  return (
    storeIdProblem('externalId', o.externalId) ??
    textProblem('externalId', o.externalId) ??
    instantProblem('createdAt', o.createdAt) ??
    instantProblem('updatedAt', o.updatedAt) ??
    amountProblem('grossMinor', o.grossMinor, o.currency) ??
    (o.currentMinor === null ? null : amountProblem('currentMinor', o.currentMinor, o.currency)) ??
    amountProblem('refunds (together)', refunded, o.currency)
  );
}

/**
 * A topic handler that answers facts the ledger can hold or a reason that can be kept,
 * whatever the body: an exception becomes the reason, and facts the ledger cannot hold are
 * refused naming the fact.
 */
export function atTheEdge(handler: TopicHandler): TopicHandler {
  return (body, store) => {
    let result: TopicResult;
    try {
      result = handler(body, store);
    } catch (error) {
      return { ok: false, reason: keptReason(`the delivery could not be read: ${error instanceof Error ? error.message : String(error)}`) };
    }
    if (!result.ok) return { ok: false, reason: keptReason(result.reason) };
    if (result.facts === null) return result;
    const problem = factsProblem(result.facts, store);
    return problem === null ? result : { ok: false, reason: keptReason(`the facts read from the delivery: ${problem}`) };
  };
}
