import { z } from 'zod';
import { isCurrencyCode, MoneyError, parseMoney } from '../../core/money.ts';
import type { RefundFact } from '../../core/sale-value.ts';

// Shopify refunds, as a refunds/create body and as the entries of an order's refunds[].
// A refund takes off the sale value what its refunded line subtotals say (after discounts,
// before tax); shipping refunds and transactions are not read. Bodies must come through
// parseJsonLossless: Shopify ids exceed 2^53.

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
  refund_line_items: z
    .array(z.looseObject({ subtotal: ZAmount.nullish(), subtotal_set: ZShopMoney.nullish() }))
    .nullish(),
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

/**
 * The store's id for a Shopify object: the digits of its `gid://shopify/<Kind>/…` when present,
 * which no JS number ever held, else its lossless `id`. A number beyond 2^53 here means the
 * body went through JSON.parse and lost digits, so it is refused rather than stored wrong.
 */
export function shopifyId(
  kind: 'Order' | 'Refund',
  id: string | number | null | undefined,
  gid: string | null | undefined,
): Parsed<{ id: string }> {
  const fromGid = gid ? new RegExp(`^gid://shopify/${kind}/([0-9]+)$`).exec(gid)?.[1] : undefined;
  if (fromGid !== undefined) return { ok: true, id: fromGid };
  if (typeof id === 'string' && /^[0-9]+$/.test(id)) return { ok: true, id };
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return { ok: true, id: String(id) };
  if (typeof id === 'number') return { ok: false, reason: `${kind.toLowerCase()} id ${id} is not an exact integer (lost precision?)` };
  return { ok: false, reason: `${kind.toLowerCase()} id is missing or not numeric` };
}

/**
 * Decimal text of an amount to minor units. A JSON number only reaches here when it survived
 * the lossless parse unchanged, so String() gives back its digits; it is then parsed as text.
 */
export function amountMinor(
  value: string | number,
  currency: string,
  where: string,
): Parsed<{ minor: bigint }> {
  const text = typeof value === 'number' ? String(value) : value;
  try {
    return { ok: true, minor: parseMoney(text, currency) };
  } catch (error) {
    if (error instanceof MoneyError) return { ok: false, reason: `${where}: ${error.message}` };
    throw error;
  }
}

/** `{shop_money: {amount, currency_code}}` in the expected currency, to minor units. */
export function shopMoneyMinor(
  set: z.infer<typeof ZShopMoney>,
  currency: string,
  where: string,
): Parsed<{ minor: bigint }> {
  const code = set.shop_money.currency_code;
  if (code !== currency) return { ok: false, reason: `${where} is in ${code}, expected ${currency}` };
  return amountMinor(set.shop_money.amount, currency, where);
}

/** One refund object (validated by ZShopifyRefund) in the shop's currency. */
export function readShopifyRefund(
  refund: ShopifyRefundInput,
  currency: string,
  where = 'refund',
): Parsed<{ refund: RefundFact }> {
  const id = shopifyId('Refund', refund.id, refund.admin_graphql_api_id);
  if (!id.ok) return { ok: false, reason: `${where}: ${id.reason}` };
  let total = 0n;
  for (const [i, line] of (refund.refund_line_items ?? []).entries()) {
    const at = `${where}.refund_line_items.${i}`;
    let minor: Parsed<{ minor: bigint }>;
    if (line.subtotal_set) minor = shopMoneyMinor(line.subtotal_set, currency, `${at}.subtotal_set`);
    else if (line.subtotal !== null && line.subtotal !== undefined) minor = amountMinor(line.subtotal, currency, `${at}.subtotal`);
    else return { ok: false, reason: `${at} has neither subtotal_set nor subtotal` };
    if (!minor.ok) return minor;
    total += minor.minor;
  }
  return { ok: true, refund: { id: id.id, amountMinor: total } };
}

/**
 * A refunds/create body. `currency` is the shop's currency (shop_money is always in it), needed
 * because a refund carries no currency of its own outside its money sets.
 */
export function parseShopifyRefund(
  body: unknown,
  currency: string,
): Parsed<{ orderExternalId: string; refund: RefundFact; createdAt: Date }> {
  if (!isCurrencyCode(currency)) return { ok: false, reason: `shopify refund: "${currency}" is not an ISO 4217 currency code` };
  const parsed = ZRefundsCreate.safeParse(body);
  if (!parsed.success) return { ok: false, reason: issuesReason('shopify refund', parsed.error) };
  const input = parsed.data;
  const orderId = shopifyId('Order', input.order_id, null);
  if (!orderId.ok) return { ok: false, reason: `shopify refund: ${orderId.reason}` };
  const refund = readShopifyRefund(input, currency, 'shopify refund');
  if (!refund.ok) return refund;
  const createdAt = new Date(input.created_at);
  if (Number.isNaN(createdAt.getTime())) return { ok: false, reason: 'shopify refund: created_at is not a real time' };
  return { ok: true, orderExternalId: orderId.id, refund: refund.refund, createdAt };
}
