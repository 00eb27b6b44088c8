import type { TopicHandler } from '../../facts.ts';
import { orderDeleted } from './order-deleted.ts';
import { orderVersion } from './order-version.ts';

// The topics Tally reads; any other topic is acknowledged and ignored.
export const wooTopics: Record<string, TopicHandler> = {
  'order.created': orderVersion,
  'order.updated': orderVersion,
  'order.deleted': orderDeleted,
};
