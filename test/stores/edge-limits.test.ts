import { describe, expect, it } from 'vitest';
import { textProblem } from '../../src/core/limits.ts';
import type { DeliveryFacts, TopicHandler, TopicResult } from '../../src/stores/facts.ts';
import { MAX_DEPTH, parseJsonLossless } from '../../src/stores/parse-json.ts';
import { atTheEdge, factsProblem, keptReason } from '../../src/stores/read-body.ts';
import { shopifyTopics } from '../../src/stores/shopify/topics/index.ts';
import { wooTopics } from '../../src/stores/woocommerce/topics/index.ts';
import { DELETE, fixtureWith, nested, num, WEBHOOK_TOPICS } from '../support/fuzz-webhooks.ts';

// What each signed body holding a value the ledger cannot hold gets (SPEC §8): a reason naming
// the field, by which the delivery becomes a dead letter. Every body is a real fixture with one
// field changed (test/fixtures, see SOURCES.md), read through the topic handlers exactly as a
// delivery is.

const SO = 'orders-create-docs-sample-cancelled-voided-2026-04.json';
const SO_OLD = 'order-rest-fixture-discount-code-TENOFF.json (order)';
const SR = 'refunds-create-docs-sample-partial-with-transactions-2026-04.json';
const SR_OLD = 'refunds-create-docs-sample-no-transactions-2023-07.json';
const WO = 'order-docs-v3-create-processing.json';
const WR = 'orders-docs-v3-list-…-with-refunds.json [1]';
const WD = 'order.deleted {"id":727}';
const PAID = { financial_status: 'paid', cancelled_at: null };
const USD = { currency: 'USD' };

const handle = (platform: 'shopify' | 'woocommerce', topic: string, body: string | Buffer): TopicResult =>
  (platform === 'shopify' ? shopifyTopics : wooTopics)[topic]!(Buffer.from(body), USD);

const shopifyOrder = (changes: Record<string, unknown>) => handle('shopify', 'orders/updated', fixtureWith(SO, { ...PAID, ...changes }));
const shopifyOld = (changes: Record<string, unknown>) => handle('shopify', 'orders/create', fixtureWith(SO_OLD, changes));
const shopifyRefund = (changes: Record<string, unknown>, base = SR) => handle('shopify', 'refunds/create', fixtureWith(base, changes));
const wooOrder = (changes: Record<string, unknown>, base = WO) => handle('woocommerce', 'order.updated', fixtureWith(base, changes));
const wooDeleted = (changes: Record<string, unknown>) => handle('woocommerce', 'order.deleted', fixtureWith(WD, changes));

const NUL = 'holds a control character (such as NUL), which cannot be kept';
const LONE = 'holds a lone surrogate (not valid Unicode), which cannot be kept';

describe('a Shopify order holding what the ledger cannot hold is refused, naming the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['subtotal of 10^13 USD', { 'subtotal_price_set.shop_money.amount': '10000000000000.00' }, 'subtotal_price_set is beyond 10^12 USD'],
    [
      'subtotal one cent beyond 10^12',
      { 'subtotal_price_set.shop_money.amount': '1000000000000.01' },
      'subtotal_price_set is beyond 10^12 USD',
    ],
    [
      'subtotal beyond a bigint',
      { 'subtotal_price_set.shop_money.amount': '100000000000000000.00' },
      'subtotal_price_set is beyond 10^12 USD',
    ],
    ['subtotal of 5000 digits', { 'subtotal_price_set.shop_money.amount': '9'.repeat(5000) }, 'subtotal_price_set is beyond 10^12 USD'],
    [
      'subtotal as a JSON number beyond 10^12',
      { 'subtotal_price_set.shop_money.amount': num('1e13') },
      'subtotal_price_set is beyond 10^12 USD',
    ],
    [
      'subtotal below zero',
      { 'subtotal_price_set.shop_money.amount': '-1.00' },
      'subtotal_price_set: negative amount not allowed: "-1.00"',
    ],
    [
      'current subtotal beyond 10^12',
      { 'current_subtotal_price_set.shop_money.amount': '10000000000000.00' },
      'current_subtotal_price_set is beyond 10^12 USD',
    ],
    ['NUL in the name', { name: '#9999\u0000' }, `name ${NUL}`],
    ['a newline in the name', { name: '#99\n99' }, `name ${NUL}`],
    ['a C1 control in the name', { name: '#9999\u0085' }, `name ${NUL}`],
    ['a lone surrogate in the name', { name: '#\ud83d' }, `name ${LONE}`],
    ['a name of 1001 characters', { name: 'n'.repeat(1001) }, 'name is longer than 1000 characters'],
    [
      'NUL in the currency of the subtotal',
      { 'subtotal_price_set.shop_money.currency_code': 'USD\u0000' },
      `subtotal_price_set.shop_money.currency_code ${NUL}`,
    ],
    ['NUL in a discount code', { discount_codes: [{ code: 'TEN\u0000OFF' }] }, `discount_codes.0.code ${NUL}`],
    [
      'a lone surrogate in the second discount code',
      { discount_codes: [{ code: 'A' }, { code: '\udc00' }] },
      `discount_codes.1.code ${LONE}`,
    ],
    ['NUL in the ref of landing_site', { landing_site: '/p?ref=anna%00' }, `landing_site (its ref) ${NUL}`],
    ['NUL in the ref of a note attribute', { note_attributes: [{ name: 'ref', value: 'an\u0000na' }] }, `note_attributes (the ref) ${NUL}`],
    ['NUL in the billing country', { 'billing_address.country_code': 'U\u0000' }, `billing_address.country_code ${NUL}`],
    [
      'NUL in the shipping country when billing has none',
      { billing_address: null, 'shipping_address.country_code': '\u0000' },
      `shipping_address.country_code ${NUL}`,
    ],
    ['created before 1970', { created_at: '1969-12-31T23:59:59Z' }, 'created_at is before 1970 or after 9999'],
    ['created in year 0', { created_at: '0000-01-01T00:00:00Z' }, 'created_at is before 1970 or after 9999'],
    ['updated after 9999 once in UTC', { updated_at: '9999-12-31T23:59:59-05:00' }, 'updated_at is before 1970 or after 9999'],
    [
      'an order id of 21 digits (gid)',
      { admin_graphql_api_id: `gid://shopify/Order/${'1'.repeat(21)}` },
      'admin_graphql_api_id has more than 20 digits',
    ],
    ['an order id of 21 digits (id)', { admin_graphql_api_id: null, id: num('1'.repeat(21)) }, 'id has more than 20 digits'],
    ['a refund id of 21 digits', { refunds: [{ id: num('1'.repeat(21)), refund_line_items: [] }] }, 'refunds.0.id has more than 20 digits'],
    [
      'a refund line subtotal beyond 10^12',
      { refunds: [{ id: 1, refund_line_items: [{ subtotal: '10000000000000.00' }] }] },
      'refunds.0.refund_line_items.0.subtotal is beyond 10^12 USD',
    ],
    [
      'refund lines adding up beyond 10^12',
      { refunds: [{ id: 1, refund_line_items: [{ subtotal: '600000000000' }, { subtotal: '600000000000' }] }] },
      'refunds.0.refund_line_items (their subtotals together) is beyond 10^12 USD',
    ],
    [
      'refunds adding up beyond 10^12',
      {
        refunds: [
          { id: 1, refund_line_items: [{ subtotal: '600000000000' }] },
          { id: 2, refund_line_items: [{ subtotal: '600000000000' }] },
        ],
      },
      'refunds (their refunded line subtotals together) is beyond 10^12 USD',
    ],
  ])('%s', (_name, changes, reason) => {
    expect(shopifyOrder(changes)).toEqual({ ok: false, reason: `shopify order: ${reason}` });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['NUL as the currency', { currency: '\u0000' }, `currency ${NUL}`],
    ['a subtotal beyond 10^12 as a JSON number', { subtotal_price: num('10000000000000') }, 'subtotal_price is beyond 10^12 USD'],
    ['a subtotal of 10^20 as a JSON number', { subtotal_price: num('100000000000000000000') }, 'subtotal_price is beyond 10^12 USD'],
  ])('older payloads (no *_set): %s', (_name, changes, reason) => {
    expect(shopifyOld(changes)).toEqual({ ok: false, reason: `shopify order: ${reason}` });
  });

  it('shows a currency that is not ISO 4217 without its control characters', () => {
    expect(shopifyOld({ currency: 'US\u0085' })).toEqual({ ok: false, reason: `shopify order: currency ${NUL}` });
    expect(shopifyOld({ currency: 'USDX' })).toEqual({ ok: false, reason: 'shopify order: "USDX" is not an ISO 4217 currency code' });
    expect(shopifyOrder({ 'current_subtotal_price_set.shop_money.currency_code': 'E\u0000R' })).toEqual({
      ok: false,
      reason: 'shopify order: current_subtotal_price_set is in E\\u0000R, expected USD',
    });
  });
});

describe('a Shopify refunds/create holding what the ledger cannot hold is refused, naming the field', () => {
  it.each<[string, Record<string, unknown>, string, string?]>([
    [
      'a line subtotal beyond 10^12',
      { 'refund_line_items.0.subtotal_set.shop_money.amount': '1000000000000.01' },
      'refund_line_items.0.subtotal_set is beyond 10^12 USD',
    ],
    [
      'a line subtotal below zero',
      { 'refund_line_items.0.subtotal_set.shop_money.amount': '-89.99' },
      'refund_line_items.0.subtotal_set: negative amount not allowed: "-89.99"',
    ],
    [
      'lines adding up beyond 10^12',
      {
        'refund_line_items.0.subtotal_set.shop_money.amount': '999999999999.00',
        'refund_line_items.1.subtotal_set.shop_money.amount': '999999999999.00',
      },
      'refund_line_items (their subtotals together) is beyond 10^12 USD',
    ],
    [
      'an old-shape line subtotal beyond 10^12',
      { 'refund_line_items.0.subtotal_set': null, 'refund_line_items.0.subtotal': num('10000000000000') },
      'refund_line_items.0.subtotal is beyond 10^12 USD',
      SR_OLD,
    ],
    ['an order id of 21 digits', { order_id: num('1'.repeat(21)) }, 'order_id has more than 20 digits'],
    [
      'a refund id of 21 digits',
      { admin_graphql_api_id: `gid://shopify/Refund/${'2'.repeat(21)}` },
      'admin_graphql_api_id has more than 20 digits',
    ],
    ['created before 1970', { created_at: '1969-12-31T18:59:59-05:00' }, 'created_at is before 1970 or after 9999'],
    [
      'NUL in the currency of a line',
      { 'refund_line_items.0.subtotal_set.shop_money.currency_code': '\u0000' },
      'refund_line_items.0.subtotal_set is in \\u0000, expected USD',
    ],
  ])('%s', (_name, changes, reason, base) => {
    expect(shopifyRefund(changes, base)).toEqual({ ok: false, reason: `shopify refund: ${reason}` });
  });
});

describe('a WooCommerce order holding what the ledger cannot hold is refused, naming the field', () => {
  it.each<[string, Record<string, unknown>, string, string?]>([
    ['a line total beyond 10^12', { 'line_items.0.total': '1000000000000.01' }, 'line_items.0.total is beyond 10^12 USD'],
    [
      'a line total of 30 digits as a JSON number',
      { 'line_items.1.total': num('123456789012345678901234567890') },
      'line_items.1.total is beyond 10^12 USD',
    ],
    [
      'line totals adding up beyond 10^12',
      { 'line_items.0.total': '999999999999.00', 'line_items.1.total': '1.01' },
      'line_items (their totals together) is beyond 10^12 USD',
    ],
    ['a line total below zero', { 'line_items.0.total': '-6.00' }, 'line_items.0.total: negative amount not allowed: "-6.00"'],
    [
      'a refund total beyond 10^12, minus sign and all',
      { 'refunds.0.total': '-1000000000000.01' },
      'refunds.0.total is beyond 10^12 USD',
      WR,
    ],
    [
      'refund totals adding up beyond 10^12',
      { 'refunds.0.total': '-999999999999.00', 'refunds.1.total': '-999999999999.00' },
      'refunds (their totals together) is beyond 10^12 USD',
      WR,
    ],
    ['a refund id of 21 digits', { 'refunds.0.id': num('1'.repeat(21)) }, 'refunds.0.id has more than 20 digits', WR],
    ['an order id of 21 digits', { id: num('1'.repeat(21)) }, 'id has more than 20 digits'],
    ['NUL in the number', { number: '727\u0000' }, `number ${NUL}`],
    ['a lone surrogate in the number', { number: '\ud800' }, `number ${LONE}`],
    ['NUL in the currency', { currency: 'US\u0000' }, `currency ${NUL}`],
    ['DEL in a coupon code', { coupon_lines: [{ code: '30$off\u007f' }] }, `coupon_lines.0.code ${NUL}`],
    ['NUL in the ref', { meta_data: [{ key: 'ref', value: 'an\u0000na' }] }, `meta_data (the ref) ${NUL}`],
    ['NUL in the billing country', { 'billing.country': 'U\u0000' }, `billing.country ${NUL}`],
    [
      'NUL in the shipping country when billing has none',
      { 'billing.country': '', 'shipping.country': '\u0000' },
      `shipping.country ${NUL}`,
    ],
    ['created before 1970', { date_created_gmt: '1969-12-31T23:59:59' }, 'date_created_gmt is before 1970 or after 9999'],
    ['modified in year 0', { date_modified_gmt: '0000-01-01T00:00:00' }, 'date_modified_gmt is before 1970 or after 9999'],
  ])('%s', (_name, changes, reason, base) => {
    expect(wooOrder(changes, base)).toEqual({ ok: false, reason: `woocommerce order: ${reason}` });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an id of 21 digits', { id: num('9'.repeat(21)) }, 'woocommerce order.deleted: id has more than 20 digits'],
    ['an id of 21 digits as text', { id: '1'.repeat(21) }, 'woocommerce order.deleted: id has more than 20 digits'],
    ['an id of 10^20 written as a JSON number', { id: 1e20 }, 'woocommerce order.deleted: id has more than 20 digits'],
    ['an id that is not an integer', { id: 1.5 }, 'woocommerce order.deleted: the body has no order id'],
    ['a negative id', { id: -1 }, 'woocommerce order.deleted: the body has no order id'],
    ['NUL in the id', { id: '727\u0000' }, 'woocommerce order.deleted: the body has no order id'],
    ['no id', { id: DELETE }, 'woocommerce order.deleted: the body has no order id'],
  ])('order.deleted: %s', (_name, changes, reason) => {
    expect(wooDeleted(changes)).toEqual({ ok: false, reason });
  });
});

describe('what the ledger can hold is kept', () => {
  it('amounts of exactly 10^12, ids of 20 digits, the first and last instants', () => {
    const shopify = shopifyOrder({
      'subtotal_price_set.shop_money.amount': '1000000000000.00',
      'current_subtotal_price_set.shop_money.amount': '1000000000000',
      admin_graphql_api_id: `gid://shopify/Order/${'9'.repeat(20)}`,
      created_at: '1970-01-01T00:00:00Z',
      updated_at: '9999-12-31T23:59:59Z',
      name: '#１００１ 😀',
    });
    expect(shopify).toMatchObject({
      ok: true,
      facts: {
        kind: 'order',
        order: { externalId: '9'.repeat(20), number: '#１００１ 😀', grossMinor: 100000000000000n, currentMinor: 100000000000000n },
      },
    });
    const woo = wooOrder({
      'line_items.0.total': '999999999988.00',
      date_created_gmt: '1970-01-01T00:00:00',
      date_modified_gmt: '9999-12-31T23:59:59',
    });
    expect(woo).toMatchObject({
      ok: true,
      facts: { order: { grossMinor: 100000000000000n, updatedAt: new Date('9999-12-31T23:59:59Z') } },
    });
    expect(wooDeleted({ id: '1'.repeat(20) })).toEqual({ ok: true, facts: { kind: 'order_deleted', externalId: '1'.repeat(20) } });
  });

  it('WooCommerce refund totals written with a minus sign, as WooCommerce writes them', () => {
    // Together exactly 10^12.
    expect(wooOrder({ 'refunds.0.total': '-999999999991.00' }, WR)).toMatchObject({
      ok: true,
      facts: {
        order: {
          refunds: [
            { id: '726', amountMinor: 99999999999100n },
            { id: '724', amountMinor: 900n },
          ],
        },
      },
    });
  });

  it('every fixture under every topic it is sent with', () => {
    for (const [platform, topics] of Object.entries(WEBHOOK_TOPICS) as Array<['shopify' | 'woocommerce', string[]]>) {
      for (const topic of topics) {
        const base = topic === 'refunds/create' ? SR : topic === 'order.deleted' ? WD : platform === 'shopify' ? SO : WO;
        expect(handle(platform, topic, fixtureWith(base)), `${platform} ${topic}`).toMatchObject({ ok: true, facts: expect.any(Object) });
      }
    }
  });
});

describe('the JSON of a body', () => {
  it(`refuses nesting deeper than ${MAX_DEPTH}, whatever the size, without exhausting the stack`, () => {
    const reason = `malformed JSON: arrays and objects nested more than ${MAX_DEPTH} deep`;
    expect(handle('woocommerce', 'order.created', '['.repeat(1024 * 1024))).toEqual({ ok: false, reason });
    expect(handle('shopify', 'orders/create', '{"a":'.repeat(300_000) + '1' + '}'.repeat(300_000))).toEqual({ ok: false, reason });
    expect(handle('shopify', 'orders/create', fixtureWith(SO, { note: nested(MAX_DEPTH) }))).toEqual({ ok: false, reason });
    // A bad number first does not make the scan stop counting.
    expect(handle('shopify', 'refunds/create', `[-,${'['.repeat(100_000)}`)).toEqual({ ok: false, reason });
    expect(parseJsonLossless(`{"a":${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}}`)).toEqual({ a: expect.any(Array) });
  });

  it("keeps no control character of the parser's message in the reason", () => {
    expect(handle('shopify', 'orders/create', '{"name":"#1\u0000"}')).toEqual({
      ok: false,
      reason: "malformed JSON: Invalid character '\\u0000' at position 11",
    });
    expect(handle('woocommerce', 'order.created', '{"\\u0000":1,"\\u0000":2}')).toEqual({
      ok: false,
      reason: "malformed JSON: Duplicate key '\\u0000' encountered at position 13",
    });
  });

  it('refuses a duplicate key with another value, and reads a lone surrogate it does not keep', () => {
    const body = fixtureWith(WO);
    expect(handle('woocommerce', 'order.created', `{"number":"1",${body.slice(1)}`)).toEqual({
      ok: false,
      reason: "malformed JSON: Duplicate key 'number' encountered at position 38",
    });
    expect(handle('woocommerce', 'order.created', `{"\\ud800":1,${body.slice(1)}`)).toMatchObject({ ok: true });
  });
});

describe('the last look at the edge (atTheEdge)', () => {
  const order = (o: Record<string, unknown>): DeliveryFacts =>
    ({
      kind: 'order',
      order: {
        externalId: '1',
        number: '#1',
        createdAt: new Date(0),
        updatedAt: new Date(0),
        currency: 'USD',
        base: 'paid',
        grossMinor: 1n,
        currentMinor: null,
        refunds: [],
        codes: [],
        ref: null,
        country: null,
        ...o,
      },
    }) as DeliveryFacts;

  it.each<[string, DeliveryFacts, string | null]>([
    ['a kept order', order({}), null],
    ['NUL in the number', order({ number: '\u0000' }), `number ${NUL}`],
    ['a lone surrogate in a code', order({ codes: ['a', '\ud800'] }), `codes.1 ${LONE}`],
    ['an id of 21 digits', order({ externalId: '1'.repeat(21) }), 'externalId has more than 20 digits'],
    ['an invalid date', order({ updatedAt: new Date(Number.NaN) }), 'updatedAt is not a valid date'],
    ['gross beyond 10^12', order({ grossMinor: 10n ** 14n + 1n }), 'grossMinor is beyond 10^12 USD'],
    ['current below zero', order({ currentMinor: -1n }), 'currentMinor is below zero'],
    [
      'refunds adding up beyond 10^12',
      order({
        refunds: [
          { id: '1', amountMinor: 10n ** 14n },
          { id: '2', amountMinor: 1n },
        ],
      }),
      'refunds (together) is beyond 10^12 USD',
    ],
    ['not ISO 4217', order({ currency: 'U\u0000D' }), 'currency "U\\u0000D" is not an ISO 4217 currency code'],
    [
      'a refund beyond 10^12',
      { kind: 'refund', orderExternalId: '1', refund: { id: '2', amountMinor: 10n ** 14n + 1n } },
      'refund.amountMinor is beyond 10^12 USD',
    ],
    ['a deleted order id of 21 digits', { kind: 'order_deleted', externalId: '1'.repeat(21) }, 'externalId has more than 20 digits'],
  ])('%s', (_name, facts, problem) => {
    expect(factsProblem(facts, USD)).toBe(problem);
    const handler: TopicHandler = () => ({ ok: true, facts });
    expect(atTheEdge(handler)(Buffer.alloc(0), USD)).toEqual(
      problem === null ? { ok: true, facts } : { ok: false, reason: `the facts read from the delivery: ${problem}` },
    );
  });

  it('turns an exception into a reason, and keeps reasons short and without control characters', () => {
    const throwing: TopicHandler = () => {
      throw new RangeError('boom\u0000');
    };
    expect(atTheEdge(throwing)(Buffer.alloc(0), USD)).toEqual({ ok: false, reason: 'the delivery could not be read: boom\\u0000' });
    const long = atTheEdge(() => ({ ok: false, reason: 'x'.repeat(5000) }))(Buffer.alloc(0), USD);
    expect(long).toEqual({ ok: false, reason: `${'x'.repeat(999)}…` });
    expect(keptReason('a\tb\u009f')).toBe('a\\u0009b\\u009f');
    expect(textProblem('name', '😀')).toBeNull();
  });
});
