import { z } from 'zod';
import { extractRef } from '../../core/attribution.ts';
import { isCurrencyCode, MoneyError, parseMoney } from '../../core/money.ts';
import type { StoreOrder } from '../../core/order.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import { StatusError, wooBaseStatus, type BaseStatus } from '../../core/status.ts';

// A WooCommerce order webhook body (order.created / order.updated: the REST v3 order object),
// reduced to the fields the rules read. The order payload carries refund totals only, which
// include any shipping refunded (SPEC §3 takes them as they are).

type Parsed<T> = ({ ok: true } & T) | { ok: false; reason: string };

const ZAmount = z.union([z.string(), z.number()]);
// WooCommerce writes GMT times without an offset; 'Z' is appended before reading them.
const ZGmt = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$/, 'expected YYYY-MM-DDTHH:MM:SS (GMT)');
const ZCountry = z.looseObject({ country: z.string().nullish() }).nullish();

const ZWooOrder = z.looseObject({
  id: z.union([z.string().regex(/^[0-9]+$/), z.number().int().nonnegative().refine(Number.isSafeInteger)]),
  number: z.union([z.string().min(1), z.number()]),
  status: z.string(),
  currency: z.string(),
  date_created_gmt: ZGmt,
  date_modified_gmt: ZGmt,
  line_items: z.array(z.looseObject({ total: ZAmount })),
  refunds: z.array(z.looseObject({ id: z.union([z.string(), z.number()]), total: ZAmount })).nullish(),
  coupon_lines: z.array(z.looseObject({ code: z.string() })).nullish(),
  meta_data: z.array(z.looseObject({ key: z.unknown(), value: z.unknown() })).nullish(),
  billing: ZCountry,
  shipping: ZCountry,
});

const fail = (reason: string) => ({ ok: false, reason: `woocommerce order: ${reason}` }) as const;

// A JSON number only reaches here when the lossless parse kept it exact, so String() is its text.
function minor(value: string | number, currency: string, where: string, allowNegative = false): Parsed<{ minor: bigint }> {
  try {
    return { ok: true, minor: parseMoney(String(value), currency, { allowNegative }) };
  } catch (error) {
    if (error instanceof MoneyError) return fail(`${where}: ${error.message}`);
    throw error;
  }
}

export function parseWooOrder(body: unknown): Parsed<{ order: StoreOrder }> {
  const parsed = ZWooOrder.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
    return fail(issues.join('; '));
  }
  const o = parsed.data;
  const createdAt = new Date(`${o.date_created_gmt}Z`);
  const updatedAt = new Date(`${o.date_modified_gmt}Z`);
  // Date rolls impossible days over (Feb 30 → Mar 2); reading the day back catches them.
  const real = (d: Date, text: string) => !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === text.slice(0, 19);
  if (!real(createdAt, o.date_created_gmt) || !real(updatedAt, o.date_modified_gmt)) {
    return fail('date_created_gmt or date_modified_gmt is not a real time');
  }
  const currency = o.currency;
  if (!isCurrencyCode(currency)) return fail(`"${currency}" is not an ISO 4217 currency code`);

  let grossMinor = 0n;
  for (const [i, line] of o.line_items.entries()) {
    const total = minor(line.total, currency, `line_items.${i}.total`);
    if (!total.ok) return total;
    grossMinor += total.minor;
  }

  const refunds: RefundFact[] = [];
  for (const [i, refund] of (o.refunds ?? []).entries()) {
    const id = String(refund.id);
    if (!/^[0-9]+$/.test(id)) return fail(`refunds.${i}.id: not a numeric id`);
    // WooCommerce writes refund totals as negative numbers on the order.
    const total = minor(refund.total, currency, `refunds.${i}.total`, true);
    if (!total.ok) return total;
    refunds.push({ id, amountMinor: total.minor < 0n ? -total.minor : total.minor });
  }

  let base: BaseStatus;
  try {
    base = wooBaseStatus(o.status);
  } catch (error) {
    if (error instanceof StatusError) return fail(error.message);
    throw error;
  }

  const meta = (o.meta_data ?? []).flatMap((m) => (typeof m.key === 'string' ? [{ key: m.key, value: m.value }] : []));

  return {
    ok: true,
    order: {
      externalId: String(o.id),
      number: String(o.number),
      createdAt,
      updatedAt,
      currency,
      base,
      grossMinor,
      currentMinor: null,
      refunds,
      codes: (o.coupon_lines ?? []).map((c) => c.code),
      ref: extractRef({ meta }),
      country: o.billing?.country || o.shipping?.country || null,
    },
  };
}
