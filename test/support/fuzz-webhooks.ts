import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';

// Webhook bodies for fuzzing the store endpoints: the real Shopify and WooCommerce fixtures with
// fields changed (wrong types, huge and negative numbers, numeric strings beyond int8, NUL and
// control characters, lone surrogates, impossible dates, deep nesting, 1 MiB strings, missing
// fields) and whole bodies broken (cut short, nested a million deep, duplicate keys, bytes that
// are not UTF-8). Shared by the fuzz tests and benchmarks: every case says what it is.

export type WebhookPlatform = 'shopify' | 'woocommerce';

/** Every topic Tally reads, per platform (SPEC §8). */
export const WEBHOOK_TOPICS: Record<WebhookPlatform, readonly string[]> = {
  shopify: ['orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled', 'refunds/create'],
  woocommerce: ['order.created', 'order.updated', 'order.deleted'],
};

/** The largest body a store endpoint takes (larger ones are answered 413). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface WebhookCase {
  platform: WebhookPlatform;
  topic: string;
  body: Buffer;
  /** What the case is: its fixture and every change made to it. */
  label: string;
  [fc.toStringMethod](): string;
}

export const signWebhook = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('base64');

/** The headers of a correctly signed delivery, as the platform sends them. */
export function webhookHeaders(platform: WebhookPlatform, topic: string, deliveryId: string, signature: string): Record<string, string> {
  return platform === 'shopify'
    ? {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-webhook-id': deliveryId,
        'x-shopify-hmac-sha256': signature,
      }
    : {
        'content-type': 'application/json',
        'x-wc-webhook-topic': topic,
        'x-wc-webhook-delivery-id': deliveryId,
        'x-wc-webhook-signature': signature,
      };
}

/** An inject() request of the case, signed with the store's secret. */
export function webhookRequest(
  store: { id: string; secret: string },
  c: Pick<WebhookCase, 'platform' | 'topic' | 'body'>,
  deliveryId: string,
) {
  return {
    method: 'POST' as const,
    url: `/webhooks/${c.platform}/${store.id}`,
    headers: webhookHeaders(c.platform, c.topic, deliveryId, signWebhook(store.secret, c.body)),
    payload: c.body,
  };
}

// --- the fixtures, as lossless trees (numbers kept as their exact text) ---------------------

const fixtureText = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
type Tree = unknown;
const tree = (text: string): Tree => parse(text);
const inner = (path: string, key: string): Tree => (tree(fixtureText(path)) as Record<string, Tree>)[key];

interface Base {
  name: string;
  platform: WebhookPlatform;
  /** The topics the body is a delivery of. */
  topics: readonly string[];
  /** Paths (dot-separated) of the fields the parsers read, and their neighbours. */
  paths: readonly string[];
  tree: Tree;
}

const SHOPIFY_ORDER_PATHS = [
  'id',
  'admin_graphql_api_id',
  'name',
  'created_at',
  'updated_at',
  'currency',
  'financial_status',
  'cancelled_at',
  'subtotal_price',
  'subtotal_price_set',
  'subtotal_price_set.shop_money',
  'subtotal_price_set.shop_money.amount',
  'subtotal_price_set.shop_money.currency_code',
  'current_subtotal_price',
  'current_subtotal_price_set',
  'current_subtotal_price_set.shop_money.amount',
  'current_subtotal_price_set.shop_money.currency_code',
  'discount_codes',
  'discount_codes.0',
  'discount_codes.0.code',
  'discount_codes.1.code',
  'landing_site',
  'note_attributes',
  'note_attributes.0.name',
  'note_attributes.0.value',
  'refunds',
  'refunds.0',
  'refunds.0.id',
  'refunds.0.admin_graphql_api_id',
  'refunds.0.refund_line_items',
  'refunds.0.refund_line_items.0.subtotal',
  'refunds.0.refund_line_items.0.subtotal_set.shop_money.amount',
  'refunds.0.refund_line_items.0.subtotal_set.shop_money.currency_code',
  'refunds.1.id',
  'refunds.1.refund_line_items.0.subtotal',
  'billing_address',
  'billing_address.country_code',
  'shipping_address.country_code',
  'line_items',
  'total_price',
  'note',
];
const SHOPIFY_REFUND_PATHS = [
  'id',
  'admin_graphql_api_id',
  'order_id',
  'created_at',
  'refund_line_items',
  'refund_line_items.0',
  'refund_line_items.0.subtotal',
  'refund_line_items.0.subtotal_set',
  'refund_line_items.0.subtotal_set.shop_money.amount',
  'refund_line_items.0.subtotal_set.shop_money.currency_code',
  'refund_line_items.1.subtotal_set.shop_money.amount',
  'refund_line_items.7.subtotal',
  'transactions',
  'note',
];
const WOO_ORDER_PATHS = [
  'id',
  'number',
  'status',
  'currency',
  'date_created_gmt',
  'date_modified_gmt',
  'date_created',
  'line_items',
  'line_items.0',
  'line_items.0.total',
  'line_items.1.total',
  'line_items.9.total',
  'refunds',
  'refunds.0',
  'refunds.0.id',
  'refunds.0.total',
  'refunds.1.total',
  'coupon_lines',
  'coupon_lines.0.code',
  'coupon_lines.1.code',
  'meta_data',
  'meta_data.0.key',
  'meta_data.0.value',
  'billing',
  'billing.country',
  'shipping.country',
  'total',
  'customer_note',
];

const orderTopics = WEBHOOK_TOPICS.shopify.filter((t) => t !== 'refunds/create');
const wooVersionTopics = ['order.created', 'order.updated'];

function loadBases(): Base[] {
  const woo = (name: string, t: Tree): Base => ({
    name,
    platform: 'woocommerce',
    topics: wooVersionTopics,
    paths: WOO_ORDER_PATHS,
    tree: t,
  });
  const list = tree(fixtureText('woocommerce/orders-docs-v3-list-processing-and-completed-with-refunds.json')) as Tree[];
  return [
    ...['orders-create-docs-sample-cancelled-voided-2026-04.json', 'orders-create-docs-sample-2023-07.json'].map(
      (name): Base => ({
        name,
        platform: 'shopify',
        topics: orderTopics,
        paths: SHOPIFY_ORDER_PATHS,
        tree: tree(fixtureText(`shopify/${name}`)),
      }),
    ),
    {
      name: 'order-rest-fixture-discount-code-TENOFF.json (order)',
      platform: 'shopify',
      topics: orderTopics,
      paths: SHOPIFY_ORDER_PATHS,
      tree: inner('shopify/order-rest-fixture-discount-code-TENOFF.json', 'order'),
    },
    ...['refunds-create-docs-sample-partial-with-transactions-2026-04.json', 'refunds-create-docs-sample-no-transactions-2023-07.json'].map(
      (name): Base => ({
        name,
        platform: 'shopify',
        topics: ['refunds/create'],
        paths: SHOPIFY_REFUND_PATHS,
        tree: tree(fixtureText(`shopify/${name}`)),
      }),
    ),
    woo('order-docs-v3-create-processing.json', tree(fixtureText('woocommerce/order-docs-v3-create-processing.json'))),
    woo('order-docs-v3-update-completed.json', tree(fixtureText('woocommerce/order-docs-v3-update-completed.json'))),
    woo('orders-docs-v3-list-…-with-refunds.json [1]', list[1]),
    woo(
      'order-ios-fixture-coupon-lines-processing.json (data)',
      inner('woocommerce/order-ios-fixture-coupon-lines-processing.json', 'data'),
    ),
    woo('order-ios-fixture-fully-refunded.json (data)', inner('woocommerce/order-ios-fixture-fully-refunded.json', 'data')),
    {
      name: 'order.deleted {"id":727}',
      platform: 'woocommerce',
      topics: ['order.deleted'],
      paths: ['id', 'id.0'],
      tree: tree('{"id":727}'),
    },
    { name: 'order.deleted {"id":963}', platform: 'woocommerce', topics: ['order.deleted'], paths: ['id'], tree: tree('{"id":"963"}') },
  ];
}

let bases: Base[] | undefined;
/** The fixtures the cases start from, read once. */
export function webhookBases(platform?: WebhookPlatform): readonly Base[] {
  bases ??= loadBases();
  return platform ? bases.filter((b) => b.platform === platform) : bases;
}

// --- values to put in a field ---------------------------------------------------------------

/** Text spliced into the body as it is (not a JSON value of its own: deep nesting, raw numbers). */
export class Raw {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
}
type Value = unknown;
/** A field value meaning: take the field out. */
export const DELETE = Symbol('delete');
/** A JSON number written exactly as `text`. */
export const num = (text: string) => new LosslessNumber(text);
/** Arrays nested `depth` deep, as raw JSON text. */
export const nested = (depth: number, closed = true) =>
  new Raw('['.repeat(depth) + (closed ? ']'.repeat(depth) : ''), `[…${depth} deep${closed ? '' : ', unclosed'}]`);

const wrongTypes: Value[] = [null, true, false, 0, 1, -1, '', 'x', [], {}, [1], { a: 1 }, [null], { shop_money: null }];
const hugeNumbers: Value[] = [
  num('10000000000000'),
  num('1000000000000'),
  num('1e13'),
  num('100000000000000000000'),
  num('9223372036854775807'),
  num('9223372036854775808'),
  num('-9223372036854775809'),
  num('123456789012345678901234567890'),
  num('1e400'),
  num('-1'),
  num('-0.01'),
  num('0.001'),
  num('1.5'),
  num('-0'),
  num('4.2e1'),
  num('9007199254740993'),
];
const numericStrings: Value[] = [
  '10000000000000.00',
  '1000000000000.00',
  '1000000000000.01',
  '999999999999.99',
  '99999999999999999999',
  '9223372036854775807',
  '9223372036854775808',
  '100000000000000000.00',
  '-5.00',
  '-0.00',
  '-10000000000000',
  '1e5',
  '0x10',
  ' 1.00',
  '1,00',
  '+1.00',
  '.5',
  '1.',
  '0.001',
  '9'.repeat(25),
  '9'.repeat(5000),
  `1.${'0'.repeat(3000)}`,
  `${'0'.repeat(30)}1.00`,
  '-99999999999999999999.00',
];
const controlStrings: Value[] = [
  '\u0000',
  'a\u0000b',
  '#1001\u0000',
  'USD\u0000',
  '\u0000USD',
  '\u0001',
  'x\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  'ok\n',
  '\t',
  '\ud800',
  'x\udc00',
  '#\ud83d',
  '\ud83d\ude00',
  'US\u0000',
  'TENOFF\u0000',
  '\u202e',
  '\ufeff',
  '\uffff',
];
const dates: Value[] = [
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-05:00',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '2021-02-30T10:00:00Z',
  '2024-13-01T00:00:00Z',
  'not a date',
  '2026-03-06',
  '2026-03-06T10:00:00',
  '2026-03-06T10:00:00+25:00',
  '1969-12-31T23:59:59',
  '1970-01-01T00:00:00',
  '9999-12-31T23:59:59',
  '0000-01-01T00:00:00',
  '2017-02-29T10:00:00',
  '2017-03-22T19:28:02.999999999',
];
const ids: Value[] = [
  '1'.repeat(20),
  '1'.repeat(21),
  num('1'.repeat(20)),
  num('1'.repeat(21)),
  num('9'.repeat(40)),
  'gid://shopify/Order/' + '9'.repeat(25),
  'gid://shopify/Order/1',
  'gid://shopify/Refund/' + '1'.repeat(21),
  'gid://shopify/Refund/42',
  '0',
  num('0'),
  '007',
  '-1',
  num('-5'),
  '12a',
  '1\u0000',
  num('1e21'),
  num('1.0'),
  '9223372036854775808',
];
const currencies: Value[] = ['USD', 'EUR', 'JPY', 'KWD', 'usd', 'XAU', 'XXX', 'US', 'USDD', '', '\u0000\u0000\u0000', 'U\u0000D'];

const bigString = (n: number) => 'x'.repeat(n);

// One value for a field; the rare heavy ones (1 MiB strings, a million brackets) weigh little.
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...wrongTypes) },
  { weight: 4, arbitrary: fc.constantFrom(...hugeNumbers) },
  { weight: 4, arbitrary: fc.constantFrom(...numericStrings) },
  { weight: 4, arbitrary: fc.constantFrom(...controlStrings) },
  { weight: 3, arbitrary: fc.constantFrom(...dates) },
  { weight: 3, arbitrary: fc.constantFrom(...ids) },
  { weight: 2, arbitrary: fc.constantFrom(...currencies) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', 'a', '\u0085', '"', '\\'), maxLength: 6 }) },
  { weight: 2, arbitrary: fc.integer().map((n) => n) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => num(n.toString())) },
  { weight: 1, arbitrary: fc.constantFrom(129, 1000, 100_000).map((d) => nested(d)) },
  { weight: 1, arbitrary: fc.constantFrom(bigString(2000), bigString(200_000)) },
  { weight: 1, arbitrary: fc.constant(DELETE) },
  // Rare: a field too big for the body limit, or just under it.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('huge', 'under')
      .map((k) => (k === 'huge' ? bigString(WEBHOOK_BODY_LIMIT + 10) : bigString(WEBHOOK_BODY_LIMIT - 40_000))),
  },
  // Many line items or codes: each within bounds, the sum or the count beyond.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(3_000, 20_000)
      .map((n) => Array.from({ length: n }, () => ({ total: '999999999.99', code: 'c', subtotal: '999999999.99' }))),
  },
);

// --- applying changes ------------------------------------------------------------------------

function clone(t: Tree): Tree {
  if (Array.isArray(t)) return t.map(clone);
  if (t !== null && typeof t === 'object' && !isLosslessNumber(t))
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, clone(v)]));
  return t;
}

/** Sets (or deletes) the value at the path, making the objects and arrays on the way. */
function setPath(root: Tree, path: string, value: Value): Tree {
  const keys = path.split('.');
  const top: Record<string, unknown> = { root };
  let at: Record<string, unknown> = top;
  let key = 'root';
  for (const next of keys) {
    let child = at[key];
    if (child === null || typeof child !== 'object' || isLosslessNumber(child)) {
      child = /^[0-9]+$/.test(next) ? [] : {};
      at[key] = child;
    }
    at = child as Record<string, unknown>;
    key = next;
  }
  if (value === DELETE) {
    if (Array.isArray(at)) at.splice(Number(key), 1);
    else delete at[key];
  } else at[key] = value;
  return top.root;
}

function describeValue(v: Value): string {
  if (v === DELETE) return '(deleted)';
  if (v instanceof Raw) return v.label;
  if (isLosslessNumber(v)) return `number ${short(v.toString())}`;
  if (typeof v === 'string') return short(JSON.stringify(v));
  if (Array.isArray(v) && v.length > 20) return `[${v.length} items]`;
  return short(JSON.stringify(v) ?? String(v));
}
const short = (s: string) => (s.length > 60 ? `${s.slice(0, 40)}…(${s.length} chars)` : s);

/** The body's text with every Raw value spliced in. */
function bodyText(t: Tree): string {
  const raws: Raw[] = [];
  const marked = (function mark(v: Tree): Tree {
    if (v instanceof Raw) return `\u0001RAW${raws.push(v) - 1}\u0001`;
    if (Array.isArray(v)) return v.map(mark);
    if (v !== null && typeof v === 'object' && !isLosslessNumber(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(x)]));
    return v;
  })(t);
  const text = stringify(marked) ?? 'null';
  return raws.length === 0 ? text : text.replace(/"\\u0001RAW([0-9]+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!.text);
}

// Changes to a whole body: what a broken proxy, a truncated resend or a hostile sender makes.
type BodyChange = { label: string; apply: (text: string) => Buffer };
const bodyChanges: fc.Arbitrary<BodyChange> = fc.oneof(
  fc.integer({ min: 0, max: 2000 }).map((n): BodyChange => ({ label: `cut to ${n} characters`, apply: (t) => Buffer.from(t.slice(0, n)) })),
  fc.constantFrom<BodyChange>(
    { label: '1 MiB of [', apply: () => Buffer.from('['.repeat(WEBHOOK_BODY_LIMIT)) },
    { label: '1 MiB of [ plus one byte', apply: () => Buffer.from('['.repeat(WEBHOOK_BODY_LIMIT + 1)) },
    { label: '300000 nested objects', apply: () => Buffer.from('{"a":'.repeat(300_000) + '1' + '}'.repeat(300_000)) },
    { label: 'wrapped 200 arrays deep', apply: (t) => Buffer.from('['.repeat(200) + t + ']'.repeat(200)) },
    { label: 'a duplicate "id" key first', apply: (t) => Buffer.from(t.startsWith('{') ? `{"id":1,${t.slice(1)}` : t) },
    {
      label: 'a duplicate "name" key first',
      apply: (t) => Buffer.from(t.startsWith('{') ? `{"name":"#dup","number":"dup",${t.slice(1)}` : t),
    },
    { label: 'bytes that are not UTF-8 first', apply: (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t)]) },
    { label: 'a BOM first', apply: (t) => Buffer.from(`\ufeff${t}`) },
    { label: 'a raw NUL inside', apply: (t) => Buffer.from(t.replace('"', '"\u0000')) },
    { label: 'empty', apply: () => Buffer.alloc(0) },
    { label: 'null', apply: () => Buffer.from('null') },
    { label: 'an array of the body', apply: (t) => Buffer.from(`[${t}]`) },
    { label: 'a form post', apply: () => Buffer.from('webhook_id=15') },
    { label: 'a lone surrogate key', apply: (t) => Buffer.from(t.startsWith('{') ? `{"\\ud800":1,${t.slice(1)}` : t) },
    { label: 'a NUL key twice', apply: (t) => Buffer.from(t.startsWith('{') ? `{"\\u0000":1,"\\u0000":2,${t.slice(1)}` : t) },
  ),
);

function makeCase(platform: WebhookPlatform, topic: string, body: Buffer, label: string): WebhookCase {
  return { platform, topic, body, label, [fc.toStringMethod]: () => `${platform} ${topic} (${body.length} bytes): ${label}` };
}

/**
 * A signed-delivery case of the platform (both when not given): a fixture under one of its
 * topics (now and then another topic of the platform), with one to three fields changed, and
 * now and then the whole body broken.
 */
export function webhookCaseArb(platform?: WebhookPlatform): fc.Arbitrary<WebhookCase> {
  const list = webhookBases(platform);
  return fc
    .record({
      base: fc.constantFrom(...list),
      topicPick: fc.nat(),
      otherTopic: fc.boolean(),
      changes: fc.array(fc.tuple(fc.nat(), valueArb), { minLength: 0, maxLength: 3 }),
      whole: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: bodyChanges }),
    })
    .map(({ base, topicPick, otherTopic, changes, whole }) => {
      const topics = otherTopic && topicPick % 7 === 0 ? WEBHOOK_TOPICS[base.platform] : base.topics;
      const topic = topics[topicPick % topics.length]!;
      let t = clone(base.tree);
      const labels: string[] = [];
      for (const [pick, value] of changes) {
        const path = base.paths[pick % base.paths.length]!;
        t = setPath(t, path, value);
        labels.push(`${path} = ${describeValue(value)}`);
      }
      const text = bodyText(t);
      let body: Buffer = Buffer.from(text);
      if (whole) {
        body = whole.apply(text);
        labels.push(whole.label);
      }
      return makeCase(base.platform, topic, body, `${base.name}${labels.length ? `; ${labels.join('; ')}` : ' unchanged'}`);
    });
}

/** A fixture body with fields set, for table tests: `changes` maps dot paths to values. */
export function fixtureWith(baseName: string, changes: Record<string, Value> = {}): string {
  const base = webhookBases().find((b) => b.name === baseName);
  if (!base) throw new Error(`no fixture base ${baseName}`);
  let t = clone(base.tree);
  for (const [path, value] of Object.entries(changes)) t = setPath(t, path, value);
  return bodyText(t);
}
