import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { saleState } from '../../src/core/sale-value.ts';
import { parseJsonLossless } from '../../src/stores/parse-json.ts';
import { parseWooOrder } from '../../src/stores/woocommerce/parse-order.ts';

const body = (name: string) => parseJsonLossless(readFileSync(new URL(`../fixtures/woocommerce/${name}`, import.meta.url)));
// The iOS fixtures come through a Jetpack tunnel: the webhook body is the inner {"data": …}.
const data = (name: string) => (body(name) as { data: Record<string, unknown> }).data;

function parsed(input: unknown) {
  const result = parseWooOrder(input);
  if (!result.ok) throw new Error(result.reason);
  return result.order;
}

const CREATED_727 = {
  externalId: '727',
  number: '727',
  createdAt: new Date('2017-03-22T19:28:02.000Z'),
  currency: 'USD',
  grossMinor: 1800n, // line totals 6.00 + 12.00; shipping 10.00 and tax 1.35 left out
  currentMinor: null,
  refunds: [],
  codes: [],
  ref: null,
  country: 'US',
};

describe('parseWooOrder on the fixtures', () => {
  it('order 727 created, processing', () => {
    const order = parsed(body('order-docs-v3-create-processing.json'));
    expect(order).toEqual({ ...CREATED_727, updatedAt: new Date('2017-03-22T19:28:08.000Z'), base: 'paid' });
    expect(saleState(order)).toEqual({ status: 'paid', amountMinor: 1800n, refundedMinor: 0n });
  });

  it('order 727 updated to completed', () => {
    const order = parsed(body('order-docs-v3-update-completed.json'));
    expect(order).toEqual({ ...CREATED_727, updatedAt: new Date('2017-03-22T19:30:35.000Z'), base: 'paid' });
  });

  it('list: 727 processing and 723 completed with two refunds (negative totals)', () => {
    const [first, second] = body('orders-docs-v3-list-processing-and-completed-with-refunds.json') as unknown[];
    expect(parsed(first)).toEqual({ ...CREATED_727, updatedAt: new Date('2017-03-22T19:28:08.000Z'), base: 'paid' });
    const order = parsed(second);
    expect(order).toEqual({
      externalId: '723',
      number: '723',
      createdAt: new Date('2017-03-21T19:16:00.000Z'),
      updatedAt: new Date('2017-03-21T19:54:51.000Z'),
      currency: 'USD',
      base: 'paid',
      grossMinor: 2900n, // 9.00 + 20.00
      currentMinor: null,
      refunds: [
        { id: '726', amountMinor: 1000n },
        { id: '724', amountMinor: 900n },
      ],
      codes: [],
      ref: null,
      country: 'BR',
    });
    expect(saleState(order)).toEqual({ status: 'partially_refunded', amountMinor: 1000n, refundedMinor: 1900n });
  });

  it('iOS fixture: coupon "30$off", line totals after the discount', () => {
    const order = parsed(data('order-ios-fixture-coupon-lines-processing.json'));
    expect(order).toEqual({
      externalId: '963',
      number: '963',
      createdAt: new Date('2018-04-03T23:05:12.000Z'),
      updatedAt: new Date('2018-04-03T23:05:14.000Z'),
      currency: 'USD',
      base: 'paid',
      grossMinor: 3000n, // 30.00 + 0.00 (subtotals 50.00 + 10.00 less the 30.00 coupon)
      currentMinor: null,
      refunds: [],
      codes: ['30$off'],
      ref: null,
      country: 'US',
    });
  });

  it('iOS fixture: fully refunded, the refund total includes shipping', () => {
    const order = parsed(data('order-ios-fixture-fully-refunded.json'));
    expect(order).toEqual({
      externalId: '609',
      number: '609',
      createdAt: new Date('2017-08-24T20:56:57.000Z'),
      updatedAt: new Date('2017-09-20T20:27:11.000Z'),
      currency: 'USD',
      base: 'refunded',
      grossMinor: 18000n,
      currentMinor: null,
      refunds: [{ id: '622', amountMinor: 22371n }],
      codes: [],
      ref: null,
      country: 'US',
    });
    expect(saleState(order)).toEqual({ status: 'refunded', amountMinor: 0n, refundedMinor: 22371n });
  });
});

describe('parseWooOrder: attribution and country', () => {
  const order = () => body('order-docs-v3-create-processing.json') as Record<string, unknown>;

  it('reads ref from meta_data', () => {
    const meta = [
      { id: 1, key: '_other', value: 'x' },
      { id: 2, key: 'ref', value: ' anna ' },
    ];
    expect(parsed({ ...order(), meta_data: meta }).ref).toBe('anna');
  });

  it('keeps every coupon in the order given', () => {
    const coupons = [
      { id: 1, code: 'SUMMER10' },
      { id: 2, code: 'anna' },
    ];
    expect(parsed({ ...order(), coupon_lines: coupons }).codes).toEqual(['SUMMER10', 'anna']);
  });

  it('billing country, else shipping, else null', () => {
    expect(parsed({ ...order(), billing: { country: '' }, shipping: { country: 'DE' } }).country).toBe('DE');
    expect(parsed({ ...order(), billing: { country: '' }, shipping: { country: '' } }).country).toBeNull();
  });

  it('JPY line totals are whole yen', () => {
    const jpy = { ...order(), currency: 'JPY', line_items: [{ total: '1200' }, { total: '800.00' }], refunds: [{ id: 9, total: '-300' }] };
    const parsedOrder = parsed(jpy);
    expect([parsedOrder.grossMinor, parsedOrder.refunds]).toEqual([2000n, [{ id: '9', amountMinor: 300n }]]);
    expect(saleState(parsedOrder)).toEqual({ status: 'partially_refunded', amountMinor: 1700n, refundedMinor: 300n });
  });
});

describe('parseWooOrder refuses bad input with a reason, never a partial order', () => {
  const order = () => body('order-docs-v3-create-processing.json') as Record<string, unknown>;

  it.each<[string, (o: Record<string, unknown>) => unknown, RegExp]>([
    ['a form-encoded ping', () => 'webhook_id=12', /woocommerce order: \(body\): /],
    ['missing id', (o) => ({ ...o, id: undefined }), /id: /],
    ['missing number', (o) => ({ ...o, number: undefined }), /number: /],
    ['missing currency', (o) => ({ ...o, currency: undefined }), /currency: /],
    ['non-ISO currency', (o) => ({ ...o, currency: 'BTC' }), /"BTC" is not an ISO 4217 currency code/],
    ['date with an offset already', (o) => ({ ...o, date_created_gmt: '2017-03-22T19:28:02+02:00' }), /date_created_gmt: /],
    ['impossible date', (o) => ({ ...o, date_modified_gmt: '2017-02-30T19:28:02' }), /not a real time/],
    ['missing line_items', (o) => ({ ...o, line_items: undefined }), /line_items: /],
    ['bad line total', (o) => ({ ...o, line_items: [{ total: '6,00' }] }), /line_items\.0\.total: not a decimal amount/],
    ['too many decimals', (o) => ({ ...o, line_items: [{ total: '6.001' }] }), /more than 2 decimal/],
    ['negative line total', (o) => ({ ...o, line_items: [{ total: '-6.00' }] }), /negative amount/],
    ['bad refund total', (o) => ({ ...o, refunds: [{ id: 1, total: 'ten' }] }), /refunds\.0\.total: /],
    ['unknown status', (o) => ({ ...o, status: 'shipped' }), /unknown woocommerce order status: "shipped"/],
  ])('%s', (_name, change, reason) => {
    const result = parseWooOrder(change(order()));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('order');
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
