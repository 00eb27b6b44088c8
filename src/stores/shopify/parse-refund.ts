import { z } from 'zod';
import { amountProblem, instantProblem, storeIdProblem } from '../../core/limits.ts';
import { isCurrencyCode, MoneyError, parseMoney } from '../../core/money.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import { hugeAmountProblem, shown } from '../read-body.ts';

// Shopify refunds, as a refunds/create body and as the entries of an order's refunds[].
// A refund takes off the sale value what its refunded line subtotals say (after discounts,
// before tax); shipping refunds and transactions are not read. Bodies must come through
// parseJsonLossless: Shopify ids exceed 2^53. Every id, amount and time read is one the
// ledger can hold (src/core/limits.ts), or the reason names the field that is not.

export type Parsed<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** An amount as Shopify writes it: a decimal string, or a JSON number in a few legacy fields. */
export const ZAmount = z.union([z.string(), z.number()]);

/** A numeric id: a string of digits from the lossless parser, or a safe integer. */
export const ZId = z.union([z.string(), z.number()]);

export const ZShopMoney = z.looseObject({
  shop_money: z.looseObject({ amount: ZAmount, currency_code: z.string() }),
});

export const ZShopifyRefund = z.looseObject({
  id: ZId.nullish(),
  admin_graphql_api_id: z.string().nullish(),
  refund_line_items: z.array(z.looseObject({ subtotal: ZAmount.nullish(), subtotal_set: ZShopMoney.nullish() })).nullish(),
});
export type ShopifyRefundInput = z.infer<typeof ZShopifyRefund>;

const ZRefundsCreate = ZShopifyRefund.extend({
  order_id: ZId,
  created_at: z.iso.datetime({ offset: true }),
});

export function issuesReason(what: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  return `${what}: ${issues.join('; ')}`;
}

const GID = { Order: /^gid:\/\/shopify\/Order\/([0-9]+)$/, Refund: /^gid:\/\/shopify\/Refund\/([0-9]+)$/ };

/**
 * The store's id for a Shopify object: the digits of its `gid://shopify/<Kind>/…` when present,
 * which no JS number ever held, else its lossless `id`. A number beyond 2^53 here means the
 * body went through JSON.parse and lost digits, so it is refused rather than stored wrong; an
 * id longer than the ledger keeps is refused naming its field (`fields`: where the id and the
 * gid were read).
 */
export function shopifyId(
  kind: 'Order' | 'Refund',
  id: string | number | null | undefined,
  gid: string | null | undefined,
  fields: { id: string; gid?: string } = { id: 'id', gid: 'admin_graphql_api_id' },
): Parsed<{ id: string }> {
  const kept = (field: string, text: string): Parsed<{ id: string }> => {
    const problem = storeIdProblem(field, text);
    return problem === null ? { ok: true, id: text } : { ok: false, reason: problem };
  };
  const fromGid = gid ? GID[kind].exec(gid)?.[1] : undefined;
  if (fromGid !== undefined) return kept(fields.gid ?? 'admin_graphql_api_id', fromGid);
  if (typeof id === 'string' && /^[0-9]+$/.test(id)) return kept(fields.id, id);
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return { ok: true, id: String(id) };
  if (typeof id === 'number') return { ok: false, reason: `${fields.id} ${id} is not an exact integer (lost precision?)` };
  return { ok: false, reason: `${fields.id} is missing or not numeric` };
}

/**
 * Decimal text of an amount to minor units, within what the ledger holds (0 … 10^12 major
 * units). A JSON number only reaches here when it survived the lossless parse unchanged, so
 * String() gives back its digits; it is then parsed as text.
 */
export function amountMinor(value: string | number, currency: string, where: string): Parsed<{ minor: bigint }> {
  const text = typeof value === 'number' ? String(value) : value;
  const huge = hugeAmountProblem(where, text, currency);
  if (huge !== null) return { ok: false, reason: huge };
  try {
    const minor = parseMoney(text, currency);
    const problem = amountProblem(where, minor, currency);
    return problem === null ? { ok: true, minor } : { ok: false, reason: problem };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, reason: `${where}: ${error.message}` };
    throw error;
  }
}

/** `{shop_money: {amount, currency_code}}` in the expected currency, to minor units. */
export function shopMoneyMinor(set: z.infer<typeof ZShopMoney>, currency: string, where: string): Parsed<{ minor: bigint }> {
  const code = set.shop_money.currency_code;
  if (code !== currency) return { ok: false, reason: `${where} is in ${shown(code)}, expected ${currency}` };
  return amountMinor(set.shop_money.amount, currency, where);
}

/**
 * One refund object (validated by ZShopifyRefund) in the shop's currency: its refunded line
 * subtotals, each and together within what the ledger holds. `at` is the refund's path in the
 * body ('' for a refunds/create body, 'refunds.0.' in an order), so reasons name the field.
 */
export function readShopifyRefund(refund: ShopifyRefundInput, currency: string, at = ''): Parsed<{ refund: RefundFact }> {
  const id = shopifyId('Refund', refund.id, refund.admin_graphql_api_id, { id: `${at}id`, gid: `${at}admin_graphql_api_id` });
  if (!id.ok) return id;
  let total = 0n;
  for (const [i, line] of (refund.refund_line_items ?? []).entries()) {
    const where = `${at}refund_line_items.${i}`;
    let minor: Parsed<{ minor: bigint }>;
    if (line.subtotal_set) minor = shopMoneyMinor(line.subtotal_set, currency, `${where}.subtotal_set`);
    else if (line.subtotal !== null && line.subtotal !== undefined) minor = amountMinor(line.subtotal, currency, `${where}.subtotal`);
    else return { ok: false, reason: `${where} has neither subtotal_set nor subtotal` };
    if (!minor.ok) return minor;
    total += minor.minor;
  }
  const problem = amountProblem(`${at}refund_line_items (their subtotals together)`, total, currency);
  if (problem !== null) return { ok: false, reason: problem };
  return { ok: true, refund: { id: id.id, amountMinor: total } };
}

const fail = (reason: string) => ({ ok: false, reason: `shopify refund: ${reason}` }) as const;

/**
 * A refunds/create body. `currency` is the shop's currency (shop_money is always in it), needed
 * because a refund carries no currency of its own outside its money sets.
 */
export function parseShopifyRefund(
  body: unknown,
  currency: string,
): Parsed<{ orderExternalId: string; refund: RefundFact; createdAt: Date }> {
  if (!isCurrencyCode(currency)) return fail(`"${shown(currency)}" is not an ISO 4217 currency code`);
  const parsed = ZRefundsCreate.safeParse(body);
  if (!parsed.success) return { ok: false, reason: issuesReason('shopify refund', parsed.error) };
  const input = parsed.data;
  const orderId = shopifyId('Order', input.order_id, null, { id: 'order_id' });
  if (!orderId.ok) return fail(orderId.reason);
  const refund = readShopifyRefund(input, currency);
  if (!refund.ok) return fail(refund.reason);
  const createdAt = new Date(input.created_at);
  const when = instantProblem('created_at', createdAt);
  if (when !== null) return fail(when);
  return { ok: true, orderExternalId: orderId.id, refund: refund.refund, createdAt };
}
