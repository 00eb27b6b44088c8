// Requests for fuzzing the HTTP API: every route the server describes in its OpenAPI document,
// with path ids, query strings, bodies and headers that are wrong in every way a client (or an
// attacker) can be wrong: wrong types, huge and negative numbers, numeric strings beyond int8,
// NUL and other control characters, impossible dates, deep nesting, 1 MiB strings, unknown
// fields, bodies that are not JSON, and shapes that look right because they are derived from
// the route's own schema with one or two fields spoiled. Shared by the fuzz test (through
// app.inject) and the fuzz benchmark (over HTTP, against `tally serve`).
import fc from 'fast-check';
import { sql } from 'kysely';
import { isLosslessNumber, LosslessNumber, stringify } from 'lossless-json';
import type { Db } from '../../src/db/connect.ts';

// --- talking to a server -------------------------------------------------------------------------

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface FuzzReply {
  status: number;
  contentType: string;
  text: string;
  setCookie: string[];
}

/** Sends one request and reads the whole answer (an event stream: only its head). */
export type Send = (request: FuzzRequest) => Promise<FuzzReply>;

interface Injector {
  inject(options: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string | Buffer;
    payloadAsStream: true;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; stream(): NodeJS.ReadableStream & { destroy(): void } }>;
}

const headerList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

/** A Send through fastify's inject(): no socket, no HTTP parser. */
export function injectSender(app: Injector): Send {
  return async (request) => {
    const res = await app.inject({ ...request, payload: request.body, payloadAsStream: true });
    const contentType = String(res.headers['content-type'] ?? '');
    const stream = res.stream();
    if (contentType.startsWith('text/event-stream')) {
      stream.destroy();
      return { status: res.statusCode, contentType, text: '', setCookie: headerList(res.headers['set-cookie']) };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return {
      status: res.statusCode,
      contentType,
      text: Buffer.concat(chunks).toString('utf8'),
      setCookie: headerList(res.headers['set-cookie']),
    };
  };
}

/**
 * A Send over HTTP to `base`. A request the HTTP client itself refuses to send (a header value
 * no HTTP message may carry) answers status 0: it never reached the server.
 */
export function httpSender(base: string): Send {
  return async (request) => {
    const controller = new AbortController();
    let res: Response;
    try {
      res = await fetch(`${base}${request.url}`, {
        method: request.method,
        headers: request.headers,
        body: request.body === undefined || request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
    } catch (error) {
      if (error instanceof TypeError && !/fetch failed/.test(error.message))
        return { status: 0, contentType: '', text: error.message, setCookie: [] };
      throw error;
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      return { status: res.status, contentType, text: '', setCookie: res.headers.getSetCookie() };
    }
    return { status: res.status, contentType, text: await res.text(), setCookie: res.headers.getSetCookie() };
  };
}

// --- the routes ----------------------------------------------------------------------------------

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  additionalProperties?: unknown;
  description?: string;
};

export interface ApiParam {
  name: string;
  schema: JsonSchema;
}

export interface ApiRoute {
  method: string;
  /** The OpenAPI path, with `{name}` for each path parameter. */
  path: string;
  pathParams: ApiParam[];
  query: ApiParam[];
  /** The JSON body's schema, refs resolved; null when the route takes no JSON body. */
  body: JsonSchema | null;
}

/** Routes that are not in the OpenAPI document on purpose, with how to fuzz them. */
export const HIDDEN_ROUTES: ApiRoute[] = [
  { method: 'GET', path: '/r/{slug}', pathParams: [{ name: 'slug', schema: { type: 'string' } }], query: [], body: null },
  { method: 'GET', path: '/healthz', pathParams: [], query: [], body: null },
  { method: 'GET', path: '/readyz', pathParams: [], query: [], body: null },
  { method: 'GET', path: '/metrics', pathParams: [], query: [], body: null },
  { method: 'GET', path: '/api/openapi.json', pathParams: [], query: [], body: null },
];

/** Every operation of an OpenAPI document, with its schemas' `$ref`s resolved. */
export function routesOf(doc: {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, JsonSchema> };
}): ApiRoute[] {
  const components = doc.components?.schemas ?? {};
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema => {
    if (!schema || depth > 20) return {};
    if (schema.$ref) return resolve(components[schema.$ref.split('/').pop() ?? ''], depth + 1);
    const out: JsonSchema = { ...schema };
    if (schema.properties)
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)]));
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => resolve(s, depth + 1));
    return out;
  };
  const routes: ApiRoute[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = (op.parameters ?? []) as Array<{ in: string; name: string; schema?: JsonSchema }>;
      const json = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        body: json ? resolve(json) : null,
      });
    }
  }
  return routes;
}

/**
 * The routes fastify has, from its printRoutes() tree, as `METHOD /path/{param}` (HEAD left
 * out: fastify adds it to every GET). The test compares them with the OpenAPI document, so a
 * route left out of both is noticed.
 */
export function fastifyRoutes(tree: string): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    if (!m[3]) continue;
    const path = stack.join('').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of m[3].split(',').map((s) => s.trim())) if (method !== 'HEAD') found.push(`${method} ${path}`);
  }
  return found.sort();
}

// --- the account the requests are made in ----------------------------------------------------------

/** The real rows of the fuzzed account (and of another account), for ids that exist. */
export interface FuzzWorld {
  accountId: string;
  /** The admin API key every authorised request carries. */
  key: string;
  /** A session of the account's admin, kept out of the requests, to mend the key if a request revokes it. */
  session: { cookie: string; csrf: string };
  /** The admin's user id, kept out of /api/users/{id}: removing them or resetting their password would end the key and the session. */
  adminUserId: string;
  ids: string[];
  otherAccountIds: string[];
  externalIds: string[];
  codes: string[];
  slugs: string[];
  emails: string[];
}

const json = (r: FuzzReply) => JSON.parse(r.text) as any;

/**
 * Signs up an account with a bit of everything (creators, a removed one, campaigns, members with
 * codes and a link, a custom and a Shopify store, orders and their conversions, one rejected, a
 * rate, a user, a spare API key), and another account with a few rows of its own.
 */
export async function seedWorld(send: Send, tag: string): Promise<FuzzWorld> {
  const call = async (method: string, url: string, auth: Record<string, string>, body?: unknown, expected = [200, 201, 204]) => {
    const res = await send({
      method,
      url,
      headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!expected.includes(res.status)) throw new Error(`seeding: ${method} ${url} answered ${res.status} ${res.text.slice(0, 300)}`);
    return res;
  };
  const signup = async (name: string, email: string) => {
    const res = await call(
      'POST',
      '/api/signup',
      {},
      { accountName: name, email, password: 'correct horse battery', defaultCurrency: 'EUR', timeZone: 'Europe/Paris' },
    );
    const cookie = (res.setCookie.find((c) => c.startsWith('tally_session=')) ?? '').split(';')[0] ?? '';
    const csrf = json(res).csrfToken as string;
    const keyRes = await call('POST', '/api/api-keys', { cookie, 'x-csrf-token': csrf }, { name: 'fuzz', role: 'admin' });
    return {
      accountId: json(res).account.id as string,
      userId: json(res).user.id as string,
      cookie,
      csrf,
      auth: { authorization: `Bearer ${json(keyRes).key}` },
      key: json(keyRes).key as string,
    };
  };
  const me = await signup('Fuzz Brand', `fuzz-${tag}@example.com`);
  const other = await signup('Other Brand', `other-${tag}@example.com`);
  const a = me.auth;
  const id = (r: FuzzReply) => String(json(r).id);

  const ann = id(await call('POST', '/api/creators', a, { name: 'Ann', handle: '@ann', email: 'ann@example.com' }));
  const bob = id(await call('POST', '/api/creators', a, { name: 'Bob' }));
  const gone = id(await call('POST', '/api/creators', a, { name: 'Gone' }));
  await call('DELETE', `/api/creators/${gone}`, a);
  const summer = id(
    await call('POST', '/api/campaigns', a, { name: 'Summer', commission: { percent: '10', fixed: { value: '1.00', currency: 'EUR' } } }),
  );
  const winter = id(await call('POST', '/api/campaigns', a, { name: 'Winter' }));
  await call('POST', `/api/campaigns/${summer}/members`, a, { creatorId: ann, codes: ['ANN10', 'ANNA'] });
  await call('POST', `/api/campaigns/${winter}/members`, a, { creatorId: bob, codes: ['BOB5'], commission: { percent: '5' } });
  const custom = id(
    await call('POST', '/api/stores', a, { platform: 'custom', name: 'Own shop', currency: 'EUR', domain: 'shop.example.com' }),
  );
  const link = json(
    await call('POST', `/api/campaigns/${summer}/members/${ann}/links`, a, { destination: 'https://shop.example.com/tee?x=1' }),
  );
  const shopify = id(
    await call('POST', '/api/stores', a, { platform: 'shopify', name: 'Shopify', currency: 'USD', domain: 'x.myshopify.com' }),
  );
  const order = (externalId: string, codes: string[], subtotal: string) =>
    call('PUT', `/api/stores/${custom}/orders/${externalId}`, a, {
      number: `#${externalId}`,
      createdAt: '2026-03-01T10:00:00Z',
      updatedAt: '2026-03-01T10:00:00Z',
      currency: 'EUR',
      subtotal,
      status: 'paid',
      codes,
    });
  const c1 = String(json(await order('1001', ['ANN10'], '100.00')).conversionId);
  const c2 = String(json(await order('1002', ['BOB5'], '250.00')).conversionId);
  await order('1003', [], '12.00');
  await call('POST', `/api/conversions/${c2}/reject`, a, { reason: 'test order' });
  await call('POST', '/api/fx-rates', a, { currency: 'USD', date: '2026-03-01', perEur: '1.0876' });
  const user = id(
    await call('POST', '/api/users', a, { email: `viewer-${tag}@example.com`, password: 'correct horse battery', role: 'viewer' }),
  );
  const spareKey = id(await call('POST', '/api/api-keys', a, { name: 'spare', role: 'viewer' }));

  const o = other.auth;
  const theirCreator = id(await call('POST', '/api/creators', o, { name: 'Theirs' }));
  const theirCampaign = id(await call('POST', '/api/campaigns', o, { name: 'Theirs' }));
  const theirStore = id(await call('POST', '/api/stores', o, { platform: 'custom', name: 'Theirs', currency: 'EUR' }));

  return {
    accountId: me.accountId,
    key: me.key,
    session: { cookie: me.cookie, csrf: me.csrf },
    adminUserId: me.userId,
    ids: [...new Set([ann, bob, gone, summer, winter, custom, shopify, c1, c2, user, spareKey])],
    otherAccountIds: [theirCreator, theirCampaign, theirStore],
    externalIds: ['1001', '1002', '1003'],
    codes: ['ANN10', 'ANNA', 'BOB5'],
    slugs: [String(link.slug)],
    emails: [`fuzz-${tag}@example.com`, `other-${tag}@example.com`],
  };
}

/** Makes sure the world's key still works (a fuzzed DELETE /api/api-keys/{id} may have revoked it). */
export async function mendKey(send: Send, world: FuzzWorld): Promise<void> {
  const probe = await send({ method: 'GET', url: '/api/account', headers: { authorization: `Bearer ${world.key}` } });
  if (probe.status === 200) return;
  const res = await send({
    method: 'POST',
    url: '/api/api-keys',
    headers: { cookie: world.session.cookie, 'x-csrf-token': world.session.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz', role: 'admin' }),
  });
  if (res.status !== 201) throw new Error(`the fuzzing key was revoked and could not be replaced: ${res.status} ${res.text}`);
  world.key = json(res).key;
}

// --- what the account holds ------------------------------------------------------------------------

/** The account's tables the API writes (rollups are derived from them and left out). */
const DIGEST_TABLES = [
  'users',
  'sessions',
  'api_keys',
  'stores',
  'account_fx_rates',
  'creators',
  'campaigns',
  'members',
  'codes',
  'orders',
  'conversions',
  'approval_events',
  'links',
  'link_domains',
  'link_clicks',
  'link_click_events',
  'deliveries',
  'refunds',
  'conversion_events',
] as const;

/**
 * A digest of every row the account has in the tables the API writes: per table, the row count
 * and an md5 of the rows as text. One statement; cheap for an account of a few dozen rows.
 */
export async function accountDigest(db: Db, accountId: string): Promise<Record<string, string>> {
  const parts = [
    sql`select 'accounts' as t, count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') as d from accounts r where id = ${accountId}`,
    ...DIGEST_TABLES.map(
      (table) =>
        sql`select ${table} as t, count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' order by r::text)), '') as d from ${sql.table(table)} r where account_id = ${accountId}`,
    ),
  ];
  const rows = await sql<{ t: string; d: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.t, r.d]));
}

/**
 * Where the database's transaction ids stand: the first one not yet given out. A transaction
 * gets one when it first writes, so while this stands still nothing was written anywhere and no
 * digest need be read. (On a shared PostgreSQL server other databases move it too; then the
 * digests are compared.)
 */
export async function writeMark(db: Db): Promise<string> {
  const row = await sql<{ mark: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as mark`.execute(db);
  return row.rows[0]?.mark ?? '';
}

/** What runCase needs to tell whether a request changed the account. */
export interface Ledger {
  digest(): Promise<Record<string, string>>;
  mark(): Promise<string>;
}

export const ledgerOf = (db: Db, accountId: string): Ledger => ({ digest: () => accountDigest(db, accountId), mark: () => writeMark(db) });

/** The tables whose digest differs, for a failure message. */
export function digestChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

// --- values ---------------------------------------------------------------------------------------------

/** Text spliced into a JSON body as it is: numbers no JSON.parse keeps, nesting, duplicate keys. */
class Raw {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
}
const num = (text: string) => new LosslessNumber(text);
const nestedArrays = (depth: number) => new Raw('['.repeat(depth) + ']'.repeat(depth), `[…${depth} deep]`);
const nestedObjects = (depth: number) => new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `{"a":…${depth} deep}`);

const MIB = 1024 * 1024;
const big = (n: number) => 'x'.repeat(n);
const BIG_NEAR_LIMIT = big(MIB - 4096);
const BIG_OVER_LIMIT = big(MIB + 16);

const CONTROL_STRINGS = [
  '\u0000',
  'a\u0000b',
  'Ann\u0000',
  '\u0000EUR',
  '\u0001',
  'x\u0007y',
  '\u001b[31m',
  'x\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
  '\t',
  'a\nb',
  '\r',
  '\ud800',
  'x\udc00',
  '\ud83d\ude00',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\u2028',
];
const NUMERIC_STRINGS = [
  '0',
  '-0',
  '1',
  '-1',
  '12.50',
  '0.001',
  '1.',
  '.5',
  ' 1',
  '+1',
  '1e5',
  '1e400',
  '0x10',
  'NaN',
  'Infinity',
  '1,00',
  '999999999999.99',
  '1000000000000',
  '1000000000000.00',
  '1000000000000.01',
  '10000000000000',
  '-10000000000000',
  '100000000000000000000',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '99999999999999999999',
  '9'.repeat(40),
  '9'.repeat(41),
  '9'.repeat(5000),
  `1.${'0'.repeat(3000)}`,
  `0.${'0'.repeat(40)}1`,
];
const DAYS = [
  '2026-03-01',
  '1970-01-01',
  '9999-12-31',
  '1969-12-31',
  '0000-01-01',
  '0001-01-01',
  '1900-01-01',
  '2026-02-29',
  '2024-02-29',
  '2026-02-30',
  '2026-04-31',
  '2026-13-01',
  '2026-00-10',
  '10000-01-01',
  '+10000-01-01',
  '2026-3-1',
  '20260301',
  '2026-03-01 ',
];
const INSTANTS = [
  '2026-03-01T10:00:00Z',
  '2026-03-01T10:00:00.123456+02:00',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:30:00+01:00',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-05:00',
  '9999-12-31T23:59:59.999999Z',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T23:60:00Z',
  '2026-01-01T10:00:00',
  '2026-01-01T10:00:00+25:00',
  '2026-01-01t10:00:00z',
  '2026-01-01T10:00:00.1234567891Z',
];
const ID_STRINGS = [
  '0',
  '00',
  '01',
  '-1',
  '1.5',
  '1e3',
  'abc',
  ' 1',
  '1 ',
  '9223372036854775807',
  '9223372036854775808',
  '9999999999999999999',
  '99999999999999999999',
  '1'.repeat(21),
  '1'.repeat(400),
  '18446744073709551616',
  '1\u0000',
  '%00',
  '..',
  '%2F',
  'null',
  '',
];
const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD', 'CLF', 'XAU', 'XXX', 'XYZ', 'eur', 'EU', 'EURO', '', 'E\u0000R'];
const ZONES = [
  'Europe/Paris',
  'UTC',
  'Pacific/Kiritimati',
  'Etc/GMT+12',
  'US/Pacific-New',
  'Mars/Olympus',
  'europe/paris',
  'EST5EDT',
  '+05:00',
  '',
];
const EMAILS = [
  'a@example.com',
  'x@example.com',
  'A@EXAMPLE.COM',
  'not-an-email',
  'a@b',
  `${'a'.repeat(250)}@example.com`,
  'a\u0000@example.com',
];
const URLS = [
  'https://shop.example.com/p?ref=x#top',
  'http://localhost',
  'javascript:alert(1)',
  'ftp://x',
  'https://',
  '//x',
  `https://x.com/${'a'.repeat(3000)}`,
];

const WRONG_TYPES: unknown[] = [null, true, false, 0, 1, -1, 1.5, '', 'x', [], {}, [1], ['x'], { a: 1 }, [null], { value: null }];
const HUGE_NUMBERS: unknown[] = [
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  0.1 + 0.2,
  num('9223372036854775807'),
  num('9223372036854775808'),
  num('-9223372036854775809'),
  num('123456789012345678901234567890'),
  num('1e400'),
  num('-1e400'),
  num('1e-400'),
  num('-0'),
  num('100000000000000000000'),
  num('9007199254740993'),
];

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

// Characters a text may be made of: mostly plain, some that no name or code can hold.
const TEXT_UNITS = [
  'a',
  'B',
  '7',
  ' ',
  '-',
  'é',
  '名',
  '😀',
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u2028',
  '\ud800',
];

/** Any value a field might get: wrong in type, size, characters or meaning. Heavy ones are rare. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: pick(WRONG_TYPES) },
  { weight: 4, arbitrary: pick(HUGE_NUMBERS) },
  { weight: 4, arbitrary: pick(NUMERIC_STRINGS) },
  { weight: 5, arbitrary: pick(CONTROL_STRINGS) },
  { weight: 3, arbitrary: pick([...DAYS, ...INSTANTS]) },
  { weight: 2, arbitrary: pick(ID_STRINGS) },
  { weight: 1, arbitrary: pick(CURRENCIES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', 'a', '\u0085', '"', '\\', '%'), maxLength: 6 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => num(n.toString())) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 5000).chain((d) => fc.constantFrom(nestedArrays(d), nestedObjects(d))) },
  { weight: 1, arbitrary: fc.constantFrom(big(1001), big(5000), big(100_000)) },
  { weight: 1, arbitrary: fc.constantFrom(BIG_NEAR_LIMIT, BIG_OVER_LIMIT) },
  { weight: 1, arbitrary: fc.constantFrom(10_001, 100).map((n) => Array.from({ length: n }, (_, i) => String(i + 1))) },
  {
    weight: 1,
    arbitrary: fc.constant(new Raw('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', 'a __proto__ object')),
  },
);

/** A value that fits the schema, or nearly: what a client that read the docs would send. */
function plausible(schema: JsonSchema, key: string, world: FuzzWorld, depth: number): fc.Arbitrary<unknown> {
  const options = schema.anyOf ?? schema.oneOf;
  if (options && options.length > 0) return fc.oneof(...options.map((s) => plausible(s, key, world, depth)));
  if (schema.allOf && schema.allOf.length > 0) return plausible(Object.assign({}, ...schema.allOf), key, world, depth);
  if (schema.enum) return pick(schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? -1000;
      const hi = schema.maximum ?? 1000;
      return fc.oneof(fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }), pick([lo - 1, hi + 1, lo, hi, 0]));
    }
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(plausible(schema.items ?? {}, key, world, depth + 1), { maxLength: 4 });
    case 'object':
      return depth > 4 ? fc.constant({}) : objectOf(schema, world, depth + 1);
    default:
      return plausibleString(schema, key, world);
  }
}

function plausibleString(schema: JsonSchema, key: string, world: FuzzWorld): fc.Arbitrary<string> {
  const k = key.toLowerCase();
  const pattern = schema.pattern ?? '';
  if (pattern.includes('[1-9][0-9]{0,18}') || k === 'id' || (k.endsWith('id') && k !== 'externalid')) {
    return fc.oneof(
      { weight: 4, arbitrary: pick(world.ids) },
      { weight: 1, arbitrary: pick(world.otherAccountIds) },
      { weight: 1, arbitrary: pick(ID_STRINGS) },
    );
  }
  if (pattern === '^[A-Z]{3}$' || k.includes('currency')) return pick(CURRENCIES);
  if (pattern === '^[A-Z]{2}$') return pick(['FR', 'US', 'ZZ', 'fr', 'F']);
  if (schema.format === 'date-time') return pick(INSTANTS);
  if (schema.format === 'date' || k === 'date' || k === 'since') return pick(DAYS);
  if (k === 'from' || k === 'to') return pick([...DAYS, ...INSTANTS]);
  if (schema.format === 'email' || k.includes('email')) return fc.oneof(pick(EMAILS), pick(world.emails));
  if (k === 'password') return pick(['correct horse battery', 'short', big(201), 'pass\u0000word12']);
  if (k === 'timezone') return pick(ZONES);
  if (k === 'destination' || k === 'domain') return pick(URLS);
  if (k === 'pereur') return pick(['1.0876', '0', '0.000001', '999999999999.5', '1000000000000', `0.${'0'.repeat(31)}1`, '1.0']);
  if (k === 'percent') return pick(['10', '0', '100', '12.3456', '100.0001', '101', '-1', '1e1']);
  if (k === 'cursor') return pick(cursors());
  if (k === 'code' || k === 'codes') return fc.oneof(pick(world.codes), pick(['NEW1', ' spaced ', 'lower', '']));
  if (k === 'externalid') return fc.oneof(pick(world.externalIds), pick(['9'.repeat(20), '9'.repeat(21), 'gid://x/1']));
  if (k === 'slug') return fc.oneof(pick(world.slugs), pick(['abcdefgh', 'short', '%00%00%00%00']));
  if (k === 'limit') return pick(['1', '50', '500', '501', '0', '-1', '9999', '99999', '1.5']);
  if (k === 'status') return pick(['paid', 'pending,refunded', 'paid,', ',', 'PAID', 'paid,nope']);
  if (pattern.includes('[0-9]+(\\.[0-9]+)?')) return pick(NUMERIC_STRINGS);
  const max = schema.maxLength ?? 50;
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(max, 30) }) },
    { weight: 2, arbitrary: fc.string({ unit: pick(TEXT_UNITS), minLength: 1, maxLength: Math.min(max, 12) }) },
    { weight: 1, arbitrary: fc.constant(big(max)) },
    { weight: 1, arbitrary: fc.constant(big(max + 1)) },
  );
}

// Cursors: ours, and ones that decode to what we would never hand out.
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const cursors = () => [
  'garbage',
  '',
  '%%%',
  b64('{'),
  b64('[]'),
  b64('null'),
  b64({ i: '1' }),
  b64({ i: '99999999999999999999' }),
  b64({ i: '9223372036854775807' }),
  b64({ i: 1 }),
  b64({ d: '2026-03-01T10:00:00.000000Z', i: '1' }),
  b64({ d: '0000-01-01T00:00:00.000000Z', i: '1' }),
  b64({ d: '2026-02-30T00:00:00.000000Z', i: '1' }),
  b64({ d: '2026-01-01T25:00:00.000000Z', i: '1' }),
  b64({ d: '+275760-09-13T00:00:00.000000Z', i: '1' }),
  b64({ s: '1e400', i: '1' }),
  b64({ s: 'NaN', n: '\u0000', i: '2' }),
  b64({ v: '99999999999999999999', i: '1' }),
  b64({ v: '-1', n: 'a', i: '1' }),
  big(2001),
];

function objectOf(schema: JsonSchema, world: FuzzWorld, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([key, s]) =>
    fc.record({
      key: fc.constant(key),
      // Each field: usually a fitting value, sometimes a nasty one, sometimes absent.
      value: fc.oneof({ weight: 4, arbitrary: plausible(s, key, world, depth) }, { weight: 1, arbitrary: nastyValue }),
      present: fc.integer({ min: 0, max: 9 }).map((n) => (required.has(key) ? n !== 0 : n < 6)),
    }),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.option(fc.tuple(pick(['extra', '__proto__', 'constructor', 'percentage', '']), nastyValue), { freq: 6 }))
    .map(([values, extra]) => {
      const out: Record<string, unknown> = {};
      for (const f of values) if (f.present) out[f.key] = f.value;
      if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true });
      return out;
    });
}

/** A JSON value as text, with Raw pieces spliced in and lossless numbers written exactly. */
function toJsonText(value: unknown): string {
  const raws: Raw[] = [];
  const marked = (v: unknown): unknown => {
    if (v instanceof Raw) {
      raws.push(v);
      return `@@RAW${raws.length - 1}@@`;
    }
    if (isLosslessNumber(v)) return v;
    if (Array.isArray(v)) return v.map(marked);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, marked(x)]));
    return v;
  };
  const text = stringify(marked(value)) ?? 'null';
  return text.replace(/"@@RAW(\d+)@@"/g, (_, i: string) => raws[Number(i)]?.text ?? 'null');
}

const describeValue = (v: unknown): string => {
  if (v instanceof Raw) return v.label;
  if (typeof v === 'string') return v.length > 60 ? `"${v.slice(0, 20)}…" (${v.length} characters)` : JSON.stringify(v);
  if (isLosslessNumber(v)) return String(v);
  if (Array.isArray(v)) return v.length > 8 ? `[${v.length} items]` : `[${v.map(describeValue).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${describeValue(x)}`)
      .join(',')}}`;
  return String(v);
};

// Bodies that are not a JSON object at all.
const RAW_BODIES = [
  '',
  ' ',
  'null',
  '[]',
  '"x"',
  '1',
  '{',
  '{"a":',
  '{"name":"a","name":"b\\u0000"}',
  '{"name":"a"}garbage',
  '\u0000',
  '\ufeff{"name":"bom"}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  'a=1&b=2',
  '["'.repeat(1000),
  '{"a":'.repeat(100_000),
  'Date,USD,\n2026-03-01,1.1,\n',
  'Date,USD,\n0000-01-01,1.1,\n',
  'Date,USD,\n2026-02-30,1.1,\n',
  `Date,USD,\n2026-03-01,1${'0'.repeat(20)},\n`,
  `Date,USD,\n2026-03-01,0.${'0'.repeat(40)}1,\n`,
  'Date,U\u0000D,\n2026-03-01,1.1,\n',
  'Date,USD\n1969-12-31,1.1\n',
  '<gesmes:Envelope><Cube><Cube time="0000-01-01"><Cube currency="USD" rate="1.1"/></Cube></Cube></gesmes:Envelope>',
  '<gesmes:Envelope><Cube><Cube time="2026-03-01"><Cube currency="USD" rate="1e400"/></Cube></Cube></gesmes:Envelope>',
];
const RAW_BYTES = [
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]),
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
  Buffer.from([0xc0, 0x80, 0xed, 0xa0, 0x80]),
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'text/csv',
  'application/xml',
  'text/xml',
  'application/zip',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
  'json',
  '*/*',
];

interface Body {
  text: string | Buffer | undefined;
  contentType: string | undefined;
  label: string;
}

function bodyArb(route: ApiRoute, world: FuzzWorld): fc.Arbitrary<Body> {
  const asJson = (v: unknown, label: string): Body => ({ text: toJsonText(v), contentType: 'application/json', label });
  const shaped = route.body
    ? plausible(route.body, 'body', world, 0).map((v) => asJson(v, describeValue(v)))
    : fc.constant<Body>({ text: undefined, contentType: undefined, label: '(no body)' });
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 2, arbitrary: nastyValue.map((v) => asJson(v, describeValue(v))) },
    {
      weight: 2,
      arbitrary: fc.tuple(pick<string | Buffer>([...RAW_BODIES, ...RAW_BYTES]), pick(CONTENT_TYPES)).map(([text, contentType]) => ({
        text,
        contentType,
        label: `${describeValue(typeof text === 'string' ? text : `<${text.length} bytes>`)} as ${contentType}`,
      })),
    },
    // The right shape under the wrong content type.
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, pick(CONTENT_TYPES))
        .map(([b, contentType]) => ({ ...b, contentType, label: `${b.label} as ${contentType}` })),
    },
  );
}

// --- path, query, headers ----------------------------------------------------------------------------

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is written as the three
 * bytes a careless encoder would produce: a percent escape that is not UTF-8.
 */
function encode(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g,
    (part) => {
      if (part.length === 1 && part.charCodeAt(0) >= 0xd800 && part.charCodeAt(0) <= 0xdfff) {
        const c = part.charCodeAt(0);
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
      return encodeURIComponent(part);
    },
  );
}

function pathValue(param: ApiParam, world: FuzzWorld): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: plausibleString(param.schema, param.name, world) },
    { weight: 2, arbitrary: pick([...ID_STRINGS, ...CONTROL_STRINGS, ...NUMERIC_STRINGS.slice(0, 30)]) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: pick([big(101), big(300), '9'.repeat(20)]) },
  );
}

function queryArb(route: ApiRoute, world: FuzzWorld): fc.Arbitrary<string> {
  const known = route.query.map((p) =>
    fc.record({
      name: fc.constant(p.name),
      values: fc.oneof(
        { weight: 6, arbitrary: plausibleString(p.schema, p.name, world).map((v) => [v]) },
        { weight: 2, arbitrary: nastyValue.map((v) => [typeof v === 'string' ? v : toJsonText(v)]) },
        { weight: 1, arbitrary: fc.array(plausibleString(p.schema, p.name, world), { minLength: 2, maxLength: 3 }) },
      ),
      present: fc.integer({ min: 0, max: 9 }).map((n) => n < 6),
    }),
  );
  const extra = fc.option(
    fc.tuple(
      pick(['x', '__proto__', 'from[]', 'limit[a]', 'a%00', '']),
      pick([...CONTROL_STRINGS, ...NUMERIC_STRINGS.slice(0, 20), '%ZZ', '%C0%80']),
    ),
    { freq: 5 },
  );
  return fc.tuple(fc.tuple(...known), extra, fc.boolean()).map(([params, more, rawEncoding]) => {
    const parts: string[] = [];
    const enc = (s: string) => (rawEncoding ? s.replace(/[&#\s]/g, encode) : encode(s));
    for (const p of params) if (p.present) for (const v of p.values) parts.push(`${p.name}=${enc(v)}`);
    if (more) parts.push(`${more[0]}=${more[1].startsWith('%') ? more[1] : enc(more[1])}`);
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  });
}

// Header values an HTTP message can carry (no control characters: the HTTP client refuses them).
const BAD_AUTH = [
  'Bearer tly_99999999999999999999_aaaaaaaaaaaaaaaaaaaaaaaa',
  'Bearer tly_9999999999999999999_aaaaaaaaaaaaaaaaaaaaaaaa',
  'Bearer tly_9223372036854775807_aaaaaaaaaaaaaaaaaaaaaaaa',
  'Bearer tly_0_aaaaaaaaaaaaaaaaaaaaaaaa',
  'Bearer tly_1_short',
  'Bearer ',
  'Bearer',
  'Basic YWRtaW46YWRtaW4=',
  'bearer x',
  `Bearer ${'a'.repeat(5000)}`,
  'Bearer tly_1_' + 'a'.repeat(20),
];
const BAD_COOKIES = [
  'tally_session=99999999999999999999.x',
  'tally_session=9999999999999999999.x',
  'tally_session=9223372036854775807.x',
  'tally_session=1.x',
  'tally_session=.x',
  'tally_session=x',
  'tally_session=%00',
  'tally_session=',
  `tally_session=${'9'.repeat(300)}.x`,
  'tally_session=1.x; tally_session=2.y',
  'tally_session="1.x"',
];
const LAST_EVENT_IDS = ['1', '0', '-1', '99999999999999999999', '9999999999999999999', '9223372036854775807', 'abc', ''];

interface Auth {
  headers(key: string): Record<string, string>;
  label: string;
}

function authArb(world: FuzzWorld): fc.Arbitrary<Auth> {
  const fixed = (headers: Record<string, string>, label: string): Auth => ({ headers: () => headers, label });
  return fc.oneof(
    { weight: 17, arbitrary: fc.constant<Auth>({ headers: (key) => ({ authorization: `Bearer ${key}` }), label: 'as the admin key' }) },
    { weight: 1, arbitrary: fc.constant(fixed({}, 'without credentials')) },
    { weight: 1, arbitrary: pick(BAD_AUTH).map((h) => fixed({ authorization: h }, `with authorization ${describeValue(h)}`)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(pick(BAD_COOKIES), fc.option(pick(['x', world.session.csrf.slice(0, 4), ''])))
        .map(([cookie, csrf]) => fixed({ cookie, ...(csrf !== null && { 'x-csrf-token': csrf }) }, `with cookie ${describeValue(cookie)}`)),
    },
  );
}

/** One request: to `route`, as the world's admin mostly, with any of the above. */
export interface FuzzCase {
  route: ApiRoute;
  /** Builds the request with the world's current key (a request may have replaced it). */
  request(key: string): FuzzRequest;
  label: string;
  [fc.toStringMethod](): string;
}

/** A path segment, encoded; now and then nearly raw, so broken escapes (%00, %ZZ) reach the router. */
const segment = (value: string, raw: boolean) => (raw ? value.replace(/[/?#\s]/g, encode) : encode(value));

export function caseArb(route: ApiRoute, world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  const params = fc
    .tuple(
      ...route.pathParams.map((p) =>
        fc.tuple(
          pathValue(p, world),
          fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        ),
      ),
    )
    .filter((values) => !(route.path.startsWith('/api/users/{id}') && values[0]?.[0] === world.adminUserId));
  const extraHeaders = fc.record(
    {
      'last-event-id': pick(LAST_EVENT_IDS),
      accept: pick(['text/event-stream', 'application/json', 'text/csv', '*/*', 'text/html']),
      'x-csrf-token': pick(['x', '']),
      'accept-encoding': pick(['gzip', 'br', 'identity;q=0, *;q=0']),
    },
    { requiredKeys: [] },
  );
  // GET routes are asked with HEAD now and then; any route with a method it does not have, rarely.
  const method = fc.oneof(
    { weight: 20, arbitrary: fc.constant(route.method) },
    { weight: route.method === 'GET' ? 2 : 0, arbitrary: fc.constant('HEAD') },
    { weight: 1, arbitrary: pick(['OPTIONS', 'PUT', 'DELETE', 'PATCH']) },
  );
  return fc
    .tuple(method, params, queryArb(route, world), bodyArb(route, world), authArb(world), extraHeaders, fc.boolean())
    .map(([verb, values, query, body, auth, extra, bodyOnGet]) => {
      let path = route.path;
      route.pathParams.forEach((p, i) => {
        const [value, raw] = values[i] ?? ['', false];
        path = path.replace(`{${p.name}}`, segment(value, raw));
      });
      const url = `${path}${query}`;
      // A GET carries no body, except now and then (fastify answers a body on GET with a 400).
      const sendsBody = body.text !== undefined && ((verb !== 'GET' && verb !== 'HEAD') || bodyOnGet) && verb !== 'HEAD';
      const shownUrl = url.length > 300 ? `${url.slice(0, 300)}… (${url.length} characters)` : url;
      const label = `${verb} ${shownUrl}${sendsBody ? ` body ${body.label}` : ''} ${auth.label}`;
      return {
        route,
        label,
        request(key: string): FuzzRequest {
          const headers: Record<string, string> = { ...extra, ...auth.headers(key) };
          if (sendsBody && body.contentType !== undefined) headers['content-type'] = body.contentType;
          return { method: verb, url, headers, ...(sendsBody && { body: body.text }) };
        },
        [fc.toStringMethod]() {
          return `${label}; headers ${JSON.stringify(extra)}`;
        },
      };
    });
}

/** Cases over every route, each route equally likely. */
export function allCasesArb(routes: readonly ApiRoute[], world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...routes.map((r) => caseArb(r, world)));
}

// --- running cases -------------------------------------------------------------------------------------

export interface FuzzTally {
  cases: number;
  byStatus: Record<string, number>;
  /** Requests the HTTP client would not send (never reached the server). */
  unsent: number;
}

export const newTally = (): FuzzTally => ({ cases: 0, byStatus: {}, unsent: 0 });

/** What a case found wrong: a 5xx, a server that stopped answering /healthz, or a 4xx that wrote. */
export class FuzzProblem extends Error {
  constructor(
    readonly kind: '5xx' | 'health' | 'changed',
    message: string,
  ) {
    super(message);
    this.name = 'FuzzProblem';
  }
}

/** The account as it stood before the next case: null after an answer that may have changed it. */
export interface LedgerState {
  before: { mark: string; digest: Record<string, string> } | null;
}

/**
 * Runs one case and checks it: no 5xx, /healthz still 200, and an answer in 4xx changed
 * nothing in the account. Throws a FuzzProblem saying what went wrong; counts answers in `tally`.
 * `ledger` is null where the database cannot be read (that check is then skipped).
 */
export async function runCase(
  send: Send,
  world: FuzzWorld,
  c: FuzzCase,
  tally: FuzzTally,
  ledger: Ledger | null,
  state: LedgerState,
): Promise<void> {
  if (ledger && state.before === null) {
    const mark = await ledger.mark();
    state.before = { mark, digest: await ledger.digest() };
  }
  const res = await send(c.request(world.key));
  tally.cases += 1;
  if (res.status === 0) {
    tally.unsent += 1;
    return;
  }
  const klass = `${Math.floor(res.status / 100)}xx`;
  tally.byStatus[klass] = (tally.byStatus[klass] ?? 0) + 1;
  if (res.status >= 500) {
    // What answered 5xx may have written before it failed: the next case reads the digest again.
    state.before = null;
    throw new FuzzProblem('5xx', `${c.label} answered ${res.status}: ${res.text.slice(0, 500)}`);
  }
  const health = await send({ method: 'GET', url: '/healthz', headers: {} });
  if (health.status !== 200)
    throw new FuzzProblem('health', `after ${c.label} (answered ${res.status}), /healthz answered ${health.status}`);
  if (res.status >= 400 && res.status < 500) {
    if (ledger && state.before) {
      const mark = await ledger.mark();
      if (mark !== state.before.mark) {
        const after = await ledger.digest();
        const changed = digestChanges(state.before.digest, after);
        state.before = { mark, digest: after };
        if (changed.length > 0)
          throw new FuzzProblem('changed', `${c.label} answered ${res.status} ${res.text.slice(0, 200)} but changed ${changed.join(', ')}`);
      }
    }
  } else {
    state.before = null;
    if (c.route.method === 'DELETE' || c.route.path.startsWith('/api/api-keys')) await mendKey(send, world);
  }
}
