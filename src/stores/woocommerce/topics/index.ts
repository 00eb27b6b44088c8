import type { TopicHandler } from '../../facts.ts';
import { atTheEdge } from '../../read-body.ts';
import { orderDeleted } from './order-deleted.ts';
import { orderVersion } from './order-version.ts';

// The topics Tally reads; any other topic is acknowledged and ignored. Each answers facts the
// ledger can hold or a reason to keep, whatever the body (atTheEdge).
export const wooTopics: Record<string, TopicHandler> = {
  'order.created': atTheEdge(orderVersion),
  'order.updated': atTheEdge(orderVersion),
  'order.deleted': atTheEdge(orderDeleted),
};
