import { z } from 'zod';
import { extractRef } from '../../core/attribution.ts';
import { amountProblem, instantProblem, textProblem } from '../../core/limits.ts';
import { isCurrencyCode } from '../../core/money.ts';
import type { StoreOrder } from '../../core/order.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import { type BaseStatus, StatusError, shopifyBaseStatus } from '../../core/status.ts';
import { shown } from '../read-body.ts';
import {
  amountMinor,
  issuesReason,
  type Parsed,
  readShopifyRefund,
  shopifyId,
  shopMoneyMinor,
  ZAmount,
  ZId,
  ZShopifyRefund,
  ZShopMoney,
} from './parse-refund.ts';

// A Shopify order webhook body (orders/create, paid, updated, cancelled), reduced to the fields
// the rules read. Money comes from shop_money (the store's currency), never presentment_money.
// No customer data is read: of the addresses, only the country code. Every value kept is one
// the ledger can hold (src/core/limits.ts), or the order is refused naming the field.

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
  const when = instantProblem('created_at', createdAt) ?? instantProblem('updated_at', updatedAt);
  if (when !== null) return fail(when);

  const id = shopifyId('Order', o.id, o.admin_graphql_api_id);
  if (!id.ok) return fail(id.reason);
  const name = textProblem('name', o.name);
  if (name !== null) return fail(name);

  // Payloads older than the *_set objects only have the top-level currency.
  const currency = o.subtotal_price_set?.shop_money.currency_code ?? o.currency ?? null;
  if (currency === null) return fail('no currency (subtotal_price_set or currency)');
  const currencyProblem = textProblem(o.subtotal_price_set ? 'subtotal_price_set.shop_money.currency_code' : 'currency', currency);
  if (currencyProblem !== null) return fail(currencyProblem);
  if (!isCurrencyCode(currency)) return fail(`"${shown(currency)}" is not an ISO 4217 currency code`);

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
  let refunded = 0n;
  for (const [i, raw] of (o.refunds ?? []).entries()) {
    const refund = readShopifyRefund(raw, currency, `refunds.${i}.`);
    if (!refund.ok) return fail(refund.reason);
    refunds.push(refund.refund);
    refunded += refund.refund.amountMinor;
  }
  const allRefunds = amountProblem('refunds (their refunded line subtotals together)', refunded, currency);
  if (allRefunds !== null) return fail(allRefunds);

  let base: BaseStatus;
  try {
    base = shopifyBaseStatus({ financialStatus: o.financial_status ?? null, cancelledAt: o.cancelled_at ?? null });
  } catch (error) {
    if (error instanceof StatusError) return fail(error.message);
    throw error;
  }

  const codes = (o.discount_codes ?? []).map((d) => d.code);
  for (const [i, code] of codes.entries()) {
    const problem = textProblem(`discount_codes.${i}.code`, code);
    if (problem !== null) return fail(problem);
  }

  const noteAttributes = (o.note_attributes ?? []).flatMap((a) => (typeof a.name === 'string' ? [{ name: a.name, value: a.value }] : []));
  // The ref of landing_site wins over a note attribute's (extractRef); the reason names its source.
  const landingRef = extractRef({ landingSite: o.landing_site ?? null });
  const ref = landingRef ?? extractRef({ noteAttributes });
  const refProblem = ref === null ? null : textProblem(landingRef !== null ? 'landing_site (its ref)' : 'note_attributes (the ref)', ref);
  if (refProblem !== null) return fail(refProblem);

  const billing = o.billing_address?.country_code || null;
  const country = billing ?? (o.shipping_address?.country_code || null);
  const countryProblem =
    country === null ? null : textProblem(billing !== null ? 'billing_address.country_code' : 'shipping_address.country_code', country);
  if (countryProblem !== null) return fail(countryProblem);

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
      codes,
      ref,
      country,
    },
  };
}
