import { z } from 'zod';
import type { TopicHandler } from '../../facts.ts';
import { readBody } from '../../read-body.ts';

const ZDeleted = z.looseObject({ id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]) });

/** order.deleted: only the id comes; the order counts as canceled from then on. */
export const orderDeleted: TopicHandler = (body) => {
  const json = readBody(body);
  if (!json.ok) return json;
  const parsed = ZDeleted.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: 'woocommerce order.deleted: the body has no order id' };
  return { ok: true, facts: { kind: 'order_deleted', externalId: String(parsed.data.id) } };
};
