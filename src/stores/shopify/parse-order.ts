import { z } from 'zod';
import { extractRef } from '../../core/attribution.ts';
import { isCurrencyCode } from '../../core/money.ts';
import type { StoreOrder } from '../../core/order.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import { shopifyBaseStatus, StatusError, type BaseStatus } from '../../core/status.ts';
import {
  amountMinor,
  issuesReason,
  readShopifyRefund,
  shopifyId,
  shopMoneyMinor,
  type Parsed,
  ZAmount,
  ZId,
  ZShopifyRefund,
  ZShopMoney,
} from './parse-refund.ts';

// A Shopify order webhook body (orders/create, paid, updated, cancelled), reduced to the fields
// the rules read. Money comes from shop_money (the store's currency), never presentment_money.
// No customer data is read: of the addresses, only the country code.

// Plain (stripping) objects: the result holds the fields read and nothing else of the body.
const ZCountry = z.object({ country_code: z.string().nullish() }).nullish();

const ZShopifyOrder = z.object({
  id: ZId.nullish(),
  admin_graphql_api_id: z.string().nullish(),
  name: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
  currency: z.string().nullish(),
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  subtotal_price: ZAmount.nullish(),
  subtotal_price_set: ZShopMoney.nullish(),
  current_subtotal_price: ZAmount.nullish(),
  current_subtotal_price_set: ZShopMoney.nullish(),
  discount_codes: z.array(z.looseObject({ code: z.string() })).nullish(),
  landing_site: z.string().nullish(),
  note_attributes: z.array(z.looseObject({ name: z.unknown(), value: z.unknown() })).nullish(),
  refunds: z.array(ZShopifyRefund).nullish(),
  billing_address: ZCountry,
  shipping_address: ZCountry,
});

const fail = (reason: string) => ({ ok: false, reason: `shopify order: ${reason}` }) as const;

export function parseShopifyOrder(body: unknown): Parsed<{ order: StoreOrder }> {
  const parsed = ZShopifyOrder.safeParse(body);
  if (!parsed.success) return { ok: false, reason: issuesReason('shopify order', parsed.error) };
  const o = parsed.data;

  const createdAt = new Date(o.created_at);
  const updatedAt = new Date(o.updated_at);
  if (Number.isNaN(createdAt.getTime()) || Number.isNaN(updatedAt.getTime())) return fail('created_at or updated_at is not a real time');

  const id = shopifyId('Order', o.id, o.admin_graphql_api_id);
  if (!id.ok) return fail(id.reason);

  // Payloads older than the *_set objects only have the top-level currency.
  const currency = o.subtotal_price_set?.shop_money.currency_code ?? o.currency ?? null;
  if (currency === null) return fail('no currency (subtotal_price_set or currency)');
  if (!isCurrencyCode(currency)) return fail(`"${currency}" is not an ISO 4217 currency code`);

  let gross: Parsed<{ minor: bigint }>;
  if (o.subtotal_price_set) gross = shopMoneyMinor(o.subtotal_price_set, currency, 'subtotal_price_set');
  else if (o.subtotal_price !== null && o.subtotal_price !== undefined) gross = amountMinor(o.subtotal_price, currency, 'subtotal_price');
  else return fail('no subtotal (subtotal_price_set or subtotal_price)');
  if (!gross.ok) return fail(gross.reason);

  let currentMinor: bigint | null = null;
  if (o.current_subtotal_price_set || (o.current_subtotal_price !== null && o.current_subtotal_price !== undefined)) {
    const current = o.current_subtotal_price_set
      ? shopMoneyMinor(o.current_subtotal_price_set, currency, 'current_subtotal_price_set')
      : amountMinor(o.current_subtotal_price!, currency, 'current_subtotal_price');
    if (!current.ok) return fail(current.reason);
    currentMinor = current.minor;
  }

  const refunds: RefundFact[] = [];
  for (const [i, raw] of (o.refunds ?? []).entries()) {
    const refund = readShopifyRefund(raw, currency, `refunds.${i}`);
    if (!refund.ok) return fail(refund.reason);
    refunds.push(refund.refund);
  }

  let base: BaseStatus;
  try {
    base = shopifyBaseStatus({ financialStatus: o.financial_status ?? null, cancelledAt: o.cancelled_at ?? null });
  } catch (error) {
    if (error instanceof StatusError) return fail(error.message);
    throw error;
  }

  const noteAttributes = (o.note_attributes ?? []).flatMap((a) =>
    typeof a.name === 'string' ? [{ name: a.name, value: a.value }] : [],
  );
  const country = o.billing_address?.country_code || o.shipping_address?.country_code || null;

  return {
    ok: true,
    order: {
      externalId: id.id,
      number: o.name,
      createdAt,
      updatedAt,
      currency,
      base,
      grossMinor: gross.minor,
      currentMinor,
      refunds,
      codes: (o.discount_codes ?? []).map((d) => d.code),
      ref: extractRef({ landingSite: o.landing_site ?? null, noteAttributes }),
      country,
    },
  };
}
