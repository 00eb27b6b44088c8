import { JsonBodyError, parseJsonLossless } from '../../parse-json.ts';
import { shopifyId } from '../parse-refund.ts';

// Shopify's mandatory privacy topics (SPEC §9). Tally keeps no customer names, e-mails,
// addresses, phone numbers or IP addresses, nor hashes of them; what it can hold about a
// customer is the body of a dead letter of one of their orders, stripped of their data but
// naming the order. customers/redact erases those bodies of the orders it names, shop/redact
// every kept body of the store, and customers/data_request is answered from what is held:
// nothing personal. Each is recorded (privacy_requests), whatever its body holds.

export const PRIVACY_TOPICS = ['customers/redact', 'shop/redact', 'customers/data_request'] as const;
export type PrivacyTopic = (typeof PRIVACY_TOPICS)[number];

export const isPrivacyTopic = (topic: string): topic is PrivacyTopic => (PRIVACY_TOPICS as readonly string[]).includes(topic);

/** The orders a request names (customers/redact: orders_to_redact; data_request: orders_requested). */
export function privacyRequestOrders(topic: PrivacyTopic, body: Buffer): string[] {
  const field = topic === 'customers/redact' ? 'orders_to_redact' : topic === 'customers/data_request' ? 'orders_requested' : null;
  if (field === null) return [];
  // A request that cannot be read names no order: it is still acknowledged and recorded.
  const value = readJson(body);
  const ids = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(ids)) return [];
  return [...new Set(ids.flatMap((id) => orderId(id, null) ?? []))];
}

/** The order a kept body of a Shopify topic is about: an order's own id, or a refund's order_id. */
export function keptBodyOrder(topic: string, body: Buffer): string | null {
  const value = readJson(body);
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Record<string, unknown>;
  return topic === 'refunds/create' ? orderId(fields.order_id, null) : orderId(fields.id, fields.admin_graphql_api_id);
}

function readJson(body: Buffer): unknown {
  try {
    return parseJsonLossless(body);
  } catch (error) {
    if (error instanceof JsonBodyError) return null;
    throw error;
  }
}

function orderId(id: unknown, gid: unknown): string | null {
  const read = shopifyId('Order', typeof id === 'string' || typeof id === 'number' ? id : null, typeof gid === 'string' ? gid : null);
  return read.ok ? read.id : null;
}
