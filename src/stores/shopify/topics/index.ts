import type { TopicHandler } from '../../facts.ts';
import { atTheEdge } from '../../read-body.ts';
import { orderVersion } from './order-version.ts';
import { refundsCreate } from './refunds-create.ts';

// The topics Tally reads; the privacy topics are honoured apart (privacy.ts), and any other
// topic is acknowledged and ignored. Each answers facts the ledger can hold or a reason to
// keep, whatever the body (atTheEdge).
export const shopifyTopics: Record<string, TopicHandler> = {
  'orders/create': atTheEdge(orderVersion),
  'orders/paid': atTheEdge(orderVersion),
  'orders/updated': atTheEdge(orderVersion),
  'orders/cancelled': atTheEdge(orderVersion),
  'refunds/create': atTheEdge(refundsCreate),
};
