import type { TopicHandler } from '../../facts.ts';
import { atTheEdge } from '../../read-body.ts';
import { orderVersion } from './order-version.ts';
import { privacy } from './privacy.ts';
import { refundsCreate } from './refunds-create.ts';

// The topics Tally reads; any other topic is acknowledged and ignored. Each answers facts the
// ledger can hold or a reason to keep, whatever the body (atTheEdge).
export const shopifyTopics: Record<string, TopicHandler> = {
  'orders/create': atTheEdge(orderVersion),
  'orders/paid': atTheEdge(orderVersion),
  'orders/updated': atTheEdge(orderVersion),
  'orders/cancelled': atTheEdge(orderVersion),
  'refunds/create': atTheEdge(refundsCreate),
  'customers/redact': privacy,
  'shop/redact': privacy,
  'customers/data_request': privacy,
};
