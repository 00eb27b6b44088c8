import { readdirSync, readFileSync } from 'node:fs';
import { isSafeNumber, parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { saleState } from '../../src/core/sale-value.ts';
import { JsonBodyError, parseJsonLossless } from '../../src/stores/parse-json.ts';
import { parseShopifyOrder } from '../../src/stores/shopify/parse-order.ts';
import { parseShopifyRefund } from '../../src/stores/shopify/parse-refund.ts';

const raw = (name: string) => readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url));
const body = (name: string) => parseJsonLossless(raw(name)) as Record<string, unknown>;
// REST fixtures wrap the webhook body in an envelope: {"order": …} / {"refund": …}.
const unwrap = (value: Record<string, unknown>, key: string) => value[key] as Record<string, unknown>;

const ORDER_2026 = 'orders-create-docs-sample-cancelled-voided-2026-04.json';
const ORDER_2023 = 'orders-create-docs-sample-2023-07.json';
const ORDER_TENOFF = 'order-rest-fixture-discount-code-TENOFF.json';
const REFUND_2026 = 'refunds-create-docs-sample-partial-with-transactions-2026-04.json';
const REFUND_2023 = 'refunds-create-docs-sample-no-transactions-2023-07.json';
const REFUND_REST = 'refund-rest-fixture-partial-2-of-3-items.json';

function parsedOrder(input: unknown) {
  const result = parseShopifyOrder(input);
  if (!result.ok) throw new Error(result.reason);
  return result.order;
}

describe('parseJsonLossless', () => {
  it('keeps integers beyond 2^53 as their exact text', () => {
    expect(parseJsonLossless('{"id":820982911946154508,"n":42,"p":89.99}')).toEqual({
      id: '820982911946154508',
      n: 42,
      p: 89.99,
    });
    // JSON.parse would have rounded it:
    expect(String(JSON.parse('820982911946154508'))).toBe('820982911946154500');
  });

  it('reads a Buffer as UTF-8', () => {
    expect(parseJsonLossless(Buffer.from('{"name":"#１００１"}'))).toEqual({ name: '#１００１' });
  });

  it.each([
    ['truncated', '{"id":'],
    ['empty', ''],
    ['not JSON', 'webhook_id=123'],
    ['duplicate keys', '{"id":1,"id":2}'],
  ])('%s → JsonBodyError', (_name, text) => {
    expect(() => parseJsonLossless(text)).toThrow(JsonBodyError);
    try {
      parseJsonLossless(text);
    } catch (error) {
      expect((error as JsonBodyError).code).toBe('malformed_json');
      expect((error as JsonBodyError).message).toMatch(/^malformed JSON: /);
    }
  });

  // The JSON.parse fast path must give exactly what lossless-json gives, or the same refusal.
  const reference = (text: string) => {
    try {
      return { value: losslessParse(text, null, (t: string) => (isSafeNumber(t) ? Number(t) : t)) };
    } catch {
      return { error: true };
    }
  };
  const mine = (text: string) => {
    try {
      return { value: parseJsonLossless(text) };
    } catch (error) {
      expect(error).toBeInstanceOf(JsonBodyError);
      return { error: true };
    }
  };
  it.each([
    ['equal duplicate keys are accepted', '{"a":{"b":1},"a":{"b":1}}', { a: { b: 1 } }],
    ['a duplicate key in a nested object is refused', '{"x":[{"a":1,"b":2,"a":3}],"y":1}', undefined],
    ['an exponent goes the exact way', '{"v":1.5e3,"w":1e400}', { v: 1500, w: '1e400' }],
    [
      '20 significant digits stay text, 16 that round-trip are a number',
      '[0.12345678901234567891, 1234567890.123456]',
      ['0.12345678901234567891', 1234567890.123456],
    ],
    ['15 digits are a number', '[123456789012345, -0.00012345678901234]', [123456789012345, -0.00012345678901234]],
    ['a quote-colon inside a string is not a key', '{"a":"\\": x","b":"\\":"}', { a: '": x', b: '":' }],
    ['an escaped quote before a colon stays in its string', '{"a":"x\\":1","a":2}', undefined],
    ['a number after a colon-less key is refused', '{12345678901234567890:1}', undefined],
    ['a lone minus is refused', '[-]', undefined],
    [
      'big ids in a nested body stay text',
      '{"id":5000000000000000001,"line_items":[{"id":-9007199254740993,"p":"1.00"}],"n":7}',
      { id: '5000000000000000001', line_items: [{ id: '-9007199254740993', p: '1.00' }], n: 7 },
    ],
    ['a number after a colon-less key is refused', '{12345678901234567890:1}', undefined],
    ['a lone minus is refused', '[-]', undefined],
    [
      'big ids in a nested body stay text',
      '{"id":5000000000000000001,"line_items":[{"id":-9007199254740993,"p":"1.00"}],"n":7}',
      { id: '5000000000000000001', line_items: [{ id: '-9007199254740993', p: '1.00' }], n: 7 },
    ],
    ['__proto__ is an own key', '{"__proto__":{"x":1}}', JSON.parse('{"__proto__":{"x":1}}')],
  ])('fast path: %s', (_name, text, expected) => {
    const got = mine(text);
    expect(got).toEqual(reference(text));
    if (expected === undefined) expect(got).toEqual({ error: true });
    else expect(got).toEqual({ value: expected });
  });

  it('fast path: every store fixture parses exactly as lossless-json parses it', () => {
    let checked = 0;
    for (const dir of ['shopify', 'woocommerce']) {
      const url = new URL(`../fixtures/${dir}/`, import.meta.url);
      for (const name of readdirSync(url).filter((n) => n.endsWith('.json'))) {
        const text = readFileSync(new URL(name, url), 'utf8');
        expect(mine(text), name).toEqual(reference(text));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('invalid UTF-8 → JsonBodyError', () => {
    expect(() => parseJsonLossless(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
  });
});

describe('parseShopifyOrder on the fixtures', () => {
  it('2026-04 docs sample: voided and cancelled, real id from admin_graphql_api_id', () => {
    const input = body(ORDER_2026);
    // The fixture's own `id` text already lost digits when it was scraped; the gid did not.
    expect(input.id).toBe('820982911946154500');
    const order = parsedOrder(input);
    expect(order).toEqual({
      externalId: '820982911946154508',
      number: '#9999',
      createdAt: new Date('2022-01-01T00:00:00.000Z'),
      updatedAt: new Date('2022-01-01T00:00:00.000Z'),
      currency: 'USD',
      base: 'canceled',
      grossMinor: 40495n,
      currentMinor: 41495n,
      refunds: [],
      codes: [],
      ref: null,
      country: 'US',
    });
    expect(saleState(order)).toEqual({ status: 'canceled', amountMinor: 0n, refundedMinor: 0n });
  });

  it('2023-07 docs sample: the older version of the same order', () => {
    const order = parsedOrder(body(ORDER_2023));
    expect(order).toEqual({
      externalId: '820982911946154508',
      number: '#9999',
      createdAt: new Date('2022-01-01T00:00:00.000Z'),
      updatedAt: new Date('2022-01-01T00:00:00.000Z'),
      currency: 'USD',
      base: 'canceled',
      grossMinor: 38800n,
      currentMinor: 39800n,
      refunds: [],
      codes: [],
      ref: null,
      country: 'US',
    });
  });

  it('REST order with TENOFF: no *_set objects, currency and subtotal from the old fields', () => {
    const order = parsedOrder(unwrap(body(ORDER_TENOFF), 'order'));
    expect(order).toEqual({
      externalId: '450789469',
      number: '#1001',
      createdAt: new Date('2008-01-10T16:00:00.000Z'),
      updatedAt: new Date('2008-01-10T16:00:00.000Z'),
      currency: 'USD',
      base: 'pending', // financial_status "authorized"
      grossMinor: 39800n,
      currentMinor: null,
      refunds: [],
      codes: ['TENOFF'],
      ref: null, // landing_site "http://www.example.com?source=abc" carries no ref
      country: 'US',
    });
    expect(saleState(order)).toEqual({ status: 'pending', amountMinor: 39800n, refundedMinor: 0n });
  });

  it('reads ref from landing_site, then from note_attributes', () => {
    const order = unwrap(body(ORDER_TENOFF), 'order');
    expect(parsedOrder({ ...order, landing_site: '/products/x?utm=1&ref=anna' }).ref).toBe('anna');
    expect(parsedOrder({ ...order, note_attributes: [{ name: 'ref', value: 'ben' }] }).ref).toBe('ben');
  });

  it('falls back to the shipping country and reads no other address field', () => {
    const order = unwrap(body(ORDER_TENOFF), 'order');
    expect(parsedOrder({ ...order, billing_address: null, shipping_address: { country_code: 'JP' } }).country).toBe('JP');
    expect(parsedOrder({ ...order, billing_address: null, shipping_address: null }).country).toBeNull();
  });

  it('maps financial_status "expired" to canceled', () => {
    const order = unwrap(body(ORDER_TENOFF), 'order');
    expect(parsedOrder({ ...order, financial_status: 'expired' }).base).toBe('canceled');
  });

  it('uses the lossless id when there is no admin_graphql_api_id', () => {
    const input = parseJsonLossless(
      '{"id":9007199254740993,"name":"#1","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z","currency":"JPY","financial_status":"paid","subtotal_price":"1000"}',
    );
    const order = parsedOrder(input);
    expect(order.externalId).toBe('9007199254740993');
    expect(order.grossMinor).toBe(1000n);
  });
});

describe('parseShopifyRefund on the fixtures', () => {
  it('2026-04 refunds/create: Σ refunded line subtotals, transactions and shipping not read', () => {
    expect(parseShopifyRefund(body(REFUND_2026), 'USD')).toEqual({
      ok: true,
      // order_id as the fixture's text has it (its digits were lost upstream; see SOURCES.md).
      orderExternalId: '820982911946154500',
      // 89.99 + 19.99 + 24.99 + 159.99 + 119.99
      refund: { id: '890088186047892319', amountMinor: 41495n },
      createdAt: new Date('2022-01-01T00:00:00.000Z'),
    });
  });

  it('2023-07 refunds/create: two lines of 199.00', () => {
    expect(parseShopifyRefund(body(REFUND_2023), 'USD')).toEqual({
      ok: true,
      orderExternalId: '820982911946154500',
      refund: { id: '890088186047892319', amountMinor: 39800n },
      createdAt: new Date('2022-01-01T00:00:00.000Z'),
    });
  });

  it('REST refund without line subtotals is refused, not guessed', () => {
    const result = parseShopifyRefund(unwrap(body(REFUND_REST), 'refund'), 'USD');
    expect(result).toEqual({
      ok: false,
      reason: 'shopify refund: refund_line_items.0 has neither subtotal_set nor subtotal',
    });
  });

  it('a refund whose shop_money is in another currency is refused', () => {
    const result = parseShopifyRefund(body(REFUND_2026), 'EUR');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/is in USD, expected EUR/);
  });

  it('a shipping-only refund (no line items) takes nothing off the sale value', () => {
    const refund = { ...body(REFUND_2026), refund_line_items: [] };
    const result = parseShopifyRefund(refund, 'USD');
    expect(result.ok && result.refund.amountMinor).toBe(0n);
  });
});

describe('orders and refunds together (saleState)', () => {
  const paid = { ...body(ORDER_2026), financial_status: 'paid', cancelled_at: null };

  it('a paid order is worth its subtotal, capped below its current subtotal', () => {
    expect(saleState(parsedOrder(paid))).toEqual({ status: 'paid', amountMinor: 40495n, refundedMinor: 0n });
  });

  it('refunds/create arriving before the order update already counts', () => {
    const order = parsedOrder(paid);
    const refund = parseShopifyRefund(body(REFUND_2023), 'USD');
    if (!refund.ok) throw new Error(refund.reason);
    // 404.95 − 398.00
    expect(saleState({ ...order, refunds: [refund.refund] })).toEqual({
      status: 'partially_refunded',
      amountMinor: 695n,
      refundedMinor: 39800n,
    });
  });

  it('a refund in the order payload and from refunds/create counts once', () => {
    const refundBody = body(REFUND_2026);
    const order = parsedOrder({
      ...paid,
      financial_status: 'refunded',
      current_subtotal_price_set: { shop_money: { amount: '0.00', currency_code: 'USD' } },
      refunds: [refundBody],
    });
    expect(order.refunds).toEqual([{ id: '890088186047892319', amountMinor: 41495n }]);
    const alone = parseShopifyRefund(refundBody, 'USD');
    if (!alone.ok) throw new Error(alone.reason);
    expect(saleState({ ...order, refunds: [...order.refunds, alone.refund] })).toEqual({
      status: 'refunded',
      amountMinor: 0n,
      refundedMinor: 41495n,
    });
  });
});

describe('parseShopifyOrder refuses bad input with a reason, never a partial order', () => {
  const base = () => body(ORDER_2026);
  const set = (amount: string, currency_code = 'USD') => ({ shop_money: { amount, currency_code } });

  it.each<[string, (o: Record<string, unknown>) => unknown, RegExp]>([
    ['not an object', () => 'hello', /shopify order: \(body\): /],
    ['missing name', (o) => ({ ...o, name: undefined }), /name: /],
    ['missing created_at', (o) => ({ ...o, created_at: undefined }), /created_at: /],
    ['impossible date', (o) => ({ ...o, updated_at: '2021-02-30T10:00:00Z' }), /updated_at: /],
    ['non-ISO currency', (o) => ({ ...o, subtotal_price_set: set('404.95', 'XYZ') }), /"XYZ" is not an ISO 4217 currency code/],
    ['lower-case currency', (o) => ({ ...o, subtotal_price_set: set('404.95', 'usd') }), /"usd" is not an ISO 4217/],
    ['too many decimals', (o) => ({ ...o, subtotal_price_set: set('404.955') }), /subtotal_price_set: .*more than 2 decimal/],
    ['negative subtotal', (o) => ({ ...o, subtotal_price_set: set('-1.00') }), /negative amount/],
    ['amount in exponent form', (o) => ({ ...o, subtotal_price_set: set('4e2') }), /not a decimal amount/],
    ['no subtotal at all', (o) => ({ ...o, subtotal_price_set: null, subtotal_price: null }), /no subtotal/],
    [
      'current in another currency',
      (o) => ({ ...o, current_subtotal_price_set: set('1.00', 'EUR') }),
      /current_subtotal_price_set is in EUR, expected USD/,
    ],
    [
      'unknown financial status',
      (o) => ({ ...o, cancelled_at: null, financial_status: 'on_fire' }),
      /unknown shopify order status: "on_fire"/,
    ],
    ['no id at all', (o) => ({ ...o, id: undefined, admin_graphql_api_id: undefined }), /^shopify order: id is missing or not numeric$/],
    ['id that lost precision (JSON.parse)', (o) => ({ ...o, id: 820982911946154500, admin_graphql_api_id: null }), /not an exact integer/],
    [
      'refund line without subtotal',
      (o) => ({ ...o, refunds: [{ id: '1', refund_line_items: [{ quantity: 1 }] }] }),
      /refunds\.0\.refund_line_items\.0 has neither/,
    ],
    ['discount code not a string', (o) => ({ ...o, discount_codes: [{ code: 5 }] }), /discount_codes\.0\.code: /],
  ])('%s', (_name, change, reason) => {
    const result = parseShopifyOrder(change(base()));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('order');
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('a JPY order with decimals that are not zero is refused', () => {
    const jpy = { ...base(), subtotal_price_set: set('1000.50', 'JPY'), current_subtotal_price_set: null };
    const result = parseShopifyOrder(jpy);
    expect(result.ok).toBe(false);
  });

  it('a JPY order reads whole yen', () => {
    const jpy = { ...base(), subtotal_price_set: set('12345', 'JPY'), current_subtotal_price_set: set('12000.00', 'JPY') };
    const order = parsedOrder(jpy);
    expect([order.currency, order.grossMinor, order.currentMinor]).toEqual(['JPY', 12345n, 12000n]);
  });
});
