import type { TopicHandler } from '../../facts.ts';
import { readBody } from '../../read-body.ts';
import { parseShopifyRefund } from '../parse-refund.ts';

/** refunds/create: one refund, possibly before the order update that reflects it. */
export const refundsCreate: TopicHandler = (body, store) => {
  const json = readBody(body);
  if (!json.ok) return json;
  const parsed = parseShopifyRefund(json.value, store.currency);
  if (!parsed.ok) return parsed;
  return { ok: true, facts: { kind: 'refund', orderExternalId: parsed.orderExternalId, refund: parsed.refund } };
};
