import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import { extractRef } from '../core/attribution.ts';
import { JsonBodyError, parseJsonLossless } from './parse-json.ts';

// What is kept of a store body that could not be processed (a dead letter), so it can be
// parsed again on replay: the body without its customer's data (SPEC §9). The parsers read no
// customer data but an address's country and the affiliate ref of an order's landing site,
// note attributes or meta data, so those are what remains of them; every other customer field
// goes, wherever it is nested (an order inside a refund, a line item's properties). Whatever
// the parsers read is kept as it was, so a stripped body parses to the same facts, or is
// refused for the same reason, as the body it came from.
//
// Numbers keep their exact text (Shopify ids exceed 2^53) through lossless-json; strings keep
// their value (an escape may be written differently); spaces between tokens go.

/** Fields of a customer, dropped wherever they are. */
const DROPPED = new Set([
  // Shopify
  'customer',
  'email',
  'contact_email',
  'phone',
  'browser_ip',
  'client_details',
  'note',
  'referring_site',
  'order_status_url',
  'token',
  'cart_token',
  'checkout_token',
  'payment_details',
  'receipt',
  'properties',
  'default_address',
  'addresses',
  // WooCommerce
  'customer_id',
  'customer_ip_address',
  'customer_user_agent',
  'customer_note',
  'order_key',
  'payment_url',
  '_links',
  // The parts of an address, should one appear outside the addresses below.
  'first_name',
  'last_name',
  'address1',
  'address2',
  'address_1',
  'address_2',
  'zip',
  'postcode',
  'latitude',
  'longitude',
]);

/** Addresses: only their country is read, and kept. */
const ADDRESSES = new Set(['billing_address', 'shipping_address', 'billing', 'shipping']);
const COUNTRY = new Set(['country', 'country_code']);

/** Lists of name/value pairs (Shopify note attributes, WooCommerce meta data): only the ref is read. */
const PAIRS = new Map([
  ['note_attributes', 'name'],
  ['meta_data', 'key'],
]);

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);

/** The text of a value the parsers read as a string: a string, or a number beyond 2^53 (parse-json.ts). */
const textOf = (value: Json): string | null =>
  typeof value === 'string' ? value : isLosslessNumber(value) && !isSafeNumber(value.value) ? value.value : null;

/**
 * A value of a shape the parser does not take where it is (a string where an address should
 * be), emptied but of the same type, so the parser refuses it for the same reason.
 */
function emptied(value: Json): Json {
  if (textOf(value) !== null) return '';
  if (isLosslessNumber(value)) return new LosslessNumber('0');
  if (Array.isArray(value)) return [];
  if (isObject(value)) return {};
  return value;
}

function address(value: Json): Json {
  if (!isObject(value)) return value === null ? null : emptied(value);
  for (const key of Object.keys(value)) {
    if (!COUNTRY.has(key)) delete value[key];
    else if (value[key] !== null && textOf(value[key]) === null) value[key] = emptied(value[key]);
  }
  return value;
}

/**
 * The pairs named `ref` as they are; every other pair emptied in its place (a missing name or
 * value, and where a pair is, are part of how the parser reads the list).
 */
function refPairs(value: Json, nameKey: string): Json {
  if (!Array.isArray(value)) return value === null ? null : emptied(value);
  return value.map((pair) => {
    if (!isObject(pair)) return emptied(pair);
    const isRef = pair[nameKey] === 'ref';
    const kept: JsonObject = {};
    for (const key of [nameKey, 'value']) {
      if (!Object.hasOwn(pair, key)) continue;
      // A ref is read from a string or a number, and nothing else.
      const v = pair[key];
      kept[key] = isRef && (typeof v === 'string' || isLosslessNumber(v)) ? v : emptied(v);
    }
    return kept;
  });
}

// The ref escaped so that URLSearchParams reads it back unchanged: %, &, + and # are the
// characters a query value cannot hold as they are.
const queryValue = (ref: string) => ref.replace(/[%&+#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A landing site's address (it may carry the visitor's e-mail or tracking ids) reduced to its ref. */
function landingSite(value: Json): Json {
  const text = textOf(value);
  if (text === null) return value === null ? null : emptied(value);
  const ref = extractRef({ landingSite: text });
  return ref === null ? '' : `?ref=${queryValue(ref)}`;
}

function strip(value: Json): Json {
  if (Array.isArray(value)) return value.map(strip);
  if (!isObject(value)) return value;
  for (const key of Object.keys(value)) {
    if (DROPPED.has(key)) delete value[key];
    else if (ADDRESSES.has(key)) value[key] = address(value[key]);
    else if (PAIRS.has(key)) value[key] = refPairs(value[key], PAIRS.get(key)!);
    else if (key === 'landing_site') value[key] = landingSite(value[key]);
    else value[key] = strip(value[key]);
  }
  return value;
}

// Decoded as parseJsonLossless decodes it: a leading byte order mark is not part of the text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body without its customer's data, or null when the body is not JSON. Such a body cannot
 * be stripped field by field, and nothing of it is kept: it was refused as malformed, and a
 * replay would refuse it for the same reason, so its reason says all it can.
 */
export function stripPersonalData(body: Buffer): Buffer | null {
  try {
    // What readBody takes for JSON (UTF-8, nesting bounded, no duplicate key), so the
    // recursive parse below is safe.
    parseJsonLossless(body);
  } catch (error) {
    if (error instanceof JsonBodyError) return null;
    throw error;
  }
  return Buffer.from(stringify(strip(parse(utf8.decode(body))))!, 'utf8');
}
