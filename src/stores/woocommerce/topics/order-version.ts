import { sameCurrency, type TopicHandler } from '../../facts.ts';
import { readBody } from '../../read-body.ts';
import { parseWooOrder } from '../parse-order.ts';

/** order.created, order.updated: the whole order, its refunds' totals included. */
export const orderVersion: TopicHandler = (body, store) => {
  const json = readBody(body);
  if (!json.ok) return json;
  const parsed = parseWooOrder(json.value);
  if (!parsed.ok) return parsed;
  return sameCurrency(parsed.order, store);
};
