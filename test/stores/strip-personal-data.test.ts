import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shopifyTopics } from '../../src/stores/shopify/topics/index.ts';
import { stripPersonalData } from '../../src/stores/strip-personal-data.ts';
import { wooTopics } from '../../src/stores/woocommerce/topics/index.ts';
import { webhookCaseArb } from '../support/fuzz-webhooks.ts';

// What a dead letter keeps of its body: the real payloads stripped hold none of their
// customer's data, and read exactly as before (the same facts, or the same reason), so a
// replay applies what the original would have.

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
const stripped = (body: Buffer | string) => {
  const out = stripPersonalData(Buffer.from(body));
  if (out === null) throw new Error('not JSON');
  return out;
};
/** The webhook body inside a REST envelope, with its text (and exact numbers) as it is. */
const inner = (path: string, key: string) => {
  const text = fixture(path).toString('utf8');
  const start = text.indexOf('{', text.indexOf(`"${key}"`));
  return Buffer.from(text.slice(start, text.lastIndexOf('}')).trimEnd());
};

const topics = { shopify: shopifyTopics, woocommerce: wooTopics };
const read = (platform: 'shopify' | 'woocommerce', topic: string, body: Buffer) => topics[platform][topic]!(body, { currency: 'USD' });

// The customer's data in each payload, as the fixture writes it.
const SHOPIFY_DOCS = [
  'jon@example.com',
  'john@example.com',
  'Steve',
  'Shipper',
  '123 Shipping Street',
  '555-555-SHIP',
  'Shippington',
  '40003',
  'Shipping Company',
  'John',
  'Smith',
  '123 Elm St.',
  'Ottawa',
  'K2H7A8',
  '123-123-1234',
  '123456abcd',
  'key=abcdefg',
  '115310627314723950',
];
const CASES: Array<{ name: string; platform: 'shopify' | 'woocommerce'; topic: string; body: Buffer; personal: string[]; refused?: true }> =
  [
    {
      name: 'Shopify order, 2026-04 docs',
      platform: 'shopify',
      topic: 'orders/create',
      body: fixture('shopify/orders-create-docs-sample-cancelled-voided-2026-04.json'),
      personal: SHOPIFY_DOCS,
    },
    {
      name: 'Shopify order, 2023-07 docs',
      platform: 'shopify',
      topic: 'orders/paid',
      body: fixture('shopify/orders-create-docs-sample-2023-07.json'),
      personal: SHOPIFY_DOCS,
    },
    {
      name: 'Shopify REST order TENOFF',
      platform: 'shopify',
      topic: 'orders/updated',
      body: inner('shopify/order-rest-fixture-discount-code-TENOFF.json', 'order'),
      personal: [
        'bob.norman@hostmail.com',
        'Bob',
        'Norman',
        'Chestnut Street 92',
        'Louisville',
        '40202',
        '555-625-1199',
        '45.41634',
        '-75.6868',
        'Test note',
        'Happy Birthday',
        'custom engraving',
        '68778783ad298f1c80c3bafcddeea02f',
        'b1946ac92492d2347c6235b4d2611184',
        'XXXX-XXXX-XXXX-4242',
        'otherexample',
        'browser_ip',
        'source=abc',
      ],
    },
    {
      name: 'Shopify refund, 2026-04 docs',
      platform: 'shopify',
      topic: 'refunds/create',
      body: fixture('shopify/refunds-create-docs-sample-partial-with-transactions-2026-04.json'),
      personal: ['Things were damaged'],
    },
    {
      name: 'Shopify refund, 2023-07 docs',
      platform: 'shopify',
      topic: 'refunds/create',
      body: fixture('shopify/refunds-create-docs-sample-no-transactions-2023-07.json'),
      personal: ['Things were damaged'],
    },
    {
      name: 'Shopify REST refund',
      platform: 'shopify',
      topic: 'refunds/create',
      body: inner('shopify/refund-rest-fixture-partial-2-of-3-items.json', 'refund'),
      personal: ['it broke during shipping', 'Happy Birthday'],
      refused: true,
    },
    ...['order-docs-v3-create-processing.json', 'order-docs-v3-update-completed.json'].map((name) => ({
      name: `WooCommerce ${name}`,
      platform: 'woocommerce' as const,
      topic: 'order.updated',
      body: fixture(`woocommerce/${name}`),
      personal: ['John', 'Doe', '969 Market', 'San Francisco', '94103', 'john.doe@example.com', '(555) 555-5555', 'wc_order_58d2d042d1d'],
    })),
    {
      name: 'WooCommerce iOS order with a coupon',
      platform: 'woocommerce',
      topic: 'order.created',
      body: inner('woocommerce/order-ios-fixture-coupon-lines-processing.json', 'data'),
      personal: [
        '24.52.34.206',
        'mozilla/5.0',
        'Johnny',
        'Appleseed',
        '234 70th Street',
        'Niagara Falls',
        '14304',
        'scrambled@scrambled.com',
        '333-333-3333',
        'wc_order_5ac408a83dba3',
        'wp-json/wc/v2/customers',
      ],
    },
    // Its e-mail address looks real (test/fixtures/SOURCES.md): the e-mail pattern below finds it.
    {
      name: 'WooCommerce iOS refunded order',
      platform: 'woocommerce',
      topic: 'order.updated',
      body: inner('woocommerce/order-ios-fixture-fully-refunded.json', 'data'),
      personal: [
        '108.30.4.3',
        'mozilla/5.0',
        'Sara',
        '123 Street',
        '01904',
        '500 Ground St',
        '90210',
        'South Estate',
        '333-333-3333',
        'wc_order_599f3d991a53e',
      ],
    },
  ];

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/i;
const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/;

describe('stripPersonalData', () => {
  it.each(CASES)('$name: every personal value was there, and none is left', ({ body, personal }) => {
    const before = body.toString('utf8');
    const after = stripped(body).toString('utf8');
    for (const value of personal) {
      expect(before, value).toContain(value);
      expect(after, value).not.toContain(value);
    }
    expect(after).not.toMatch(EMAIL);
    expect(after).not.toMatch(IPV4);
  });

  // The REST refund's lines have no subtotal: it is refused, stripped or not, for that reason.
  it.each(CASES)('$name: reads to the same facts as the original', ({ platform, topic, body, refused }) => {
    const original = read(platform, topic, body);
    expect(original.ok).toBe(!refused);
    expect(read(platform, topic, stripped(body))).toEqual(original);
  });

  it('keeps the country of each address, the ref, and ids beyond 2^53 to the last digit', () => {
    const body = JSON.stringify({
      id: 1,
      landing_site: '/summer?email=ann%40example.com&ref=%20mia+x%26y%25 &gclid=abc#top?ref=no',
      note_attributes: [
        { name: 'gift message', value: 'For Ann' },
        { name: 'ref', value: 'ignored-after-landing', extra: 'x' },
      ],
      billing_address: { name: 'Ann Lee', zip: 'N1', country: 'United Kingdom', country_code: 'GB' },
      shipping_address: 'Ann Lee, 1 High St',
      meta_data: [{ key: 'ref', value: { slug: 'x' } }, 'Ann', 7],
    }).replace('"id":1', '"id":5000000000000000123');
    expect(stripped(body).toString('utf8')).toBe(
      '{"id":5000000000000000123,"landing_site":"?ref=mia x%26y%25","note_attributes":[{"name":"","value":""},{"name":"ref","value":"ignored-after-landing"}],' +
        '"billing_address":{"country":"United Kingdom","country_code":"GB"},"shipping_address":"","meta_data":[{"key":"ref","value":{}},"",0]}',
    );
  });

  it('takes the names of Object.prototype as plain field names', () => {
    const body = '{"constructor":{"email":"ann@example.com","n":1},"toString":[{"phone":"555"}],"__proto__":{"note":"x","id":2}}';
    expect(stripped(body).toString('utf8')).toBe('{"constructor":{"n":1},"toString":[{}],"__proto__":{"id":2}}');
  });

  it('reads a body as the parsers do, a byte order mark before it included', () => {
    expect(stripped('\ufeff {"email": "ann@example.com", "id": 1}').toString('utf8')).toBe('{"id":1}');
  });

  it('keeps nothing of a body that is not JSON', () => {
    for (const body of ['{"email":"ann@example.com", ', '', 'webhook_id=1', '{"a":1,"a":2}', '['.repeat(200) + ']'.repeat(200)]) {
      expect(stripPersonalData(Buffer.from(body)), body.slice(0, 20)).toBeNull();
    }
    expect(stripPersonalData(Buffer.from([0x7b, 0xff, 0x7d]))).toBeNull();
  });

  // The fuzzed bodies of the webhook tests (fields changed, wrong types, lone surrogates, deep
  // nesting): each stripped one is read as its original is, refused for the same reason or not.
  it('reads every fuzzed body as its original is read', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(webhookCaseArb(), (c) => {
        const after = stripPersonalData(c.body);
        if (after === null) return;
        expect(read(c.platform, c.topic, after)).toEqual(read(c.platform, c.topic, c.body));
      }),
      { seed: 20260306, numRuns: 400 },
    );
  });
});
