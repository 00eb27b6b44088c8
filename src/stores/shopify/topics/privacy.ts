import type { TopicHandler } from '../../facts.ts';

/**
 * customers/redact, shop/redact, customers/data_request: Tally keeps no customer names,
 * e-mails, addresses, phone numbers or IP addresses, so there is nothing to erase or report;
 * the request is honoured by acknowledging it.
 */
export const privacy: TopicHandler = () => ({ ok: true, facts: null });
