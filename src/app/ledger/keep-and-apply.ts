import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/connect.ts';
import { type Applied, applyBatch } from './apply-batch.ts';
import { type KeptFacts, keptFactsToJson } from './kept-facts.ts';

// A fact that does not come by webhook (a custom store's PUT, a backfill) is kept as a delivery
// like a webhook's, and applied at once in the same transaction: a batch of one. So the kept
// deliveries hold every way into the ledger, and a rebuild replays them all.

export async function keepAndApply(
  trx: Db,
  target: { accountId: string; storeId: string },
  topic: string,
  facts: KeptFacts,
): Promise<Applied> {
  const kept = await trx
    .insertInto('deliveries')
    .values({
      account_id: target.accountId,
      store_id: target.storeId,
      delivery_id: `${topic}:${randomUUID()}`,
      topic,
      facts: keptFactsToJson(facts),
      status: 'done',
      reason: null,
      raw: null,
      processed_at: new Date(),
    })
    .returning('received_at')
    .executeTakeFirstOrThrow();
  const [applied] = await applyBatch(trx, [{ ...target, facts, receivedAt: kept.received_at }]);
  return applied!;
}
