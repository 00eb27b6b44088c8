import { z } from 'zod';
import { storeIdProblem } from '../../../core/limits.ts';
import type { TopicHandler } from '../../facts.ts';
import { readBody } from '../../read-body.ts';

// A safe integer or a string of digits (the lossless parser's form of a larger one).
const ZDeleted = z.looseObject({ id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]) });

/** order.deleted: only the id comes; the order counts as canceled from then on. */
export const orderDeleted: TopicHandler = (body) => {
  const json = readBody(body);
  if (!json.ok) return json;
  const parsed = ZDeleted.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: 'woocommerce order.deleted: the body has no order id' };
  const externalId = String(parsed.data.id);
  const problem = storeIdProblem('id', externalId);
  if (problem !== null) return { ok: false, reason: `woocommerce order.deleted: ${problem}` };
  return { ok: true, facts: { kind: 'order_deleted', externalId } };
};
