import { sameCurrency, type TopicHandler } from '../../facts.ts';
import { readBody } from '../../read-body.ts';
import { parseShopifyOrder } from '../parse-order.ts';

/** orders/create, orders/paid, orders/updated, orders/cancelled: each carries the whole order. */
export const orderVersion: TopicHandler = (body, store) => {
  const json = readBody(body);
  if (!json.ok) return json;
  const parsed = parseShopifyOrder(json.value);
  if (!parsed.ok) return parsed;
  return sameCurrency(parsed.order, store);
};
