import type { TopicHandler } from '../../facts.ts';
import { orderVersion } from './order-version.ts';
import { privacy } from './privacy.ts';
import { refundsCreate } from './refunds-create.ts';

// The topics Tally reads; any other topic is acknowledged and ignored.
export const shopifyTopics: Record<string, TopicHandler> = {
  'orders/create': orderVersion,
  'orders/paid': orderVersion,
  'orders/updated': orderVersion,
  'orders/cancelled': orderVersion,
  'refunds/create': refundsCreate,
  'customers/redact': privacy,
  'shop/redact': privacy,
  'customers/data_request': privacy,
};
