import { z } from 'zod';
import { extractRef } from '../../core/attribution.ts';
import { amountProblem, instantProblem, storeIdProblem, textProblem } from '../../core/limits.ts';
import { isCurrencyCode, MoneyError, parseMoney } from '../../core/money.ts';
import type { StoreOrder } from '../../core/order.ts';
import type { RefundFact } from '../../core/sale-value.ts';
import { type BaseStatus, StatusError, wooBaseStatus } from '../../core/status.ts';
import { hugeAmountProblem, shown } from '../read-body.ts';

// A WooCommerce order webhook body (order.created / order.updated: the REST v3 order object),
// reduced to the fields the rules read. The order payload carries refund totals only, which
// include any shipping refunded (SPEC §3 takes them as they are). Every value kept is one the
// ledger can hold (src/core/limits.ts), or the order is refused naming the field.

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
// Refund totals are written with a minus sign (allowNegative): their size is what is checked.
function minor(value: string | number, currency: string, where: string, allowNegative = false): Parsed<{ minor: bigint }> {
  const text = String(value);
  const huge = hugeAmountProblem(where, text, currency);
  if (huge !== null) return fail(huge);
  try {
    const read = parseMoney(text, currency, { allowNegative });
    const size = read < 0n ? -read : read;
    const problem = amountProblem(where, size, currency);
    return problem === null ? { ok: true, minor: read } : fail(problem);
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
  const when = instantProblem('date_created_gmt', createdAt) ?? instantProblem('date_modified_gmt', updatedAt);
  if (when !== null) return fail(when);

  const id = String(o.id);
  const number = String(o.number);
  const idProblem = storeIdProblem('id', id) ?? textProblem('number', number);
  if (idProblem !== null) return fail(idProblem);

  const currency = o.currency;
  const currencyProblem = textProblem('currency', currency);
  if (currencyProblem !== null) return fail(currencyProblem);
  if (!isCurrencyCode(currency)) return fail(`"${shown(currency)}" is not an ISO 4217 currency code`);

  // Each line within the limit, and their sum: many lines can add up to beyond it.
  let grossMinor = 0n;
  for (const [i, line] of o.line_items.entries()) {
    const total = minor(line.total, currency, `line_items.${i}.total`);
    if (!total.ok) return total;
    grossMinor += total.minor;
  }
  const gross = amountProblem('line_items (their totals together)', grossMinor, currency);
  if (gross !== null) return fail(gross);

  const refunds: RefundFact[] = [];
  let refunded = 0n;
  for (const [i, refund] of (o.refunds ?? []).entries()) {
    const id = String(refund.id);
    if (!/^[0-9]+$/.test(id)) return fail(`refunds.${i}.id: not a numeric id`);
    const idProblem = storeIdProblem(`refunds.${i}.id`, id);
    if (idProblem !== null) return fail(idProblem);
    // WooCommerce writes refund totals as negative numbers on the order.
    const total = minor(refund.total, currency, `refunds.${i}.total`, true);
    if (!total.ok) return total;
    const amountMinor = total.minor < 0n ? -total.minor : total.minor;
    refunds.push({ id, amountMinor });
    refunded += amountMinor;
  }
  const allRefunds = amountProblem('refunds (their totals together)', refunded, currency);
  if (allRefunds !== null) return fail(allRefunds);

  let base: BaseStatus;
  try {
    base = wooBaseStatus(o.status);
  } catch (error) {
    if (error instanceof StatusError) return fail(error.message);
    throw error;
  }

  const codes = (o.coupon_lines ?? []).map((c) => c.code);
  for (const [i, code] of codes.entries()) {
    const problem = textProblem(`coupon_lines.${i}.code`, code);
    if (problem !== null) return fail(problem);
  }
  const meta = (o.meta_data ?? []).flatMap((m) => (typeof m.key === 'string' ? [{ key: m.key, value: m.value }] : []));
  const ref = extractRef({ meta });
  const refProblem = ref === null ? null : textProblem('meta_data (the ref)', ref);
  if (refProblem !== null) return fail(refProblem);
  const billing = o.billing?.country || null;
  const country = billing ?? (o.shipping?.country || null);
  const countryProblem = country === null ? null : textProblem(billing !== null ? 'billing.country' : 'shipping.country', country);
  if (countryProblem !== null) return fail(countryProblem);

  return {
    ok: true,
    order: {
      externalId: id,
      number,
      createdAt,
      updatedAt,
      currency,
      base,
      grossMinor,
      currentMinor: null,
      refunds,
      codes,
      ref,
      country,
    },
  };
}
