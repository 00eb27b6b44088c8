import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Platform } from '../../db/schema.ts';
import { type DeliveryFacts, factsToJson, type TopicHandler } from '../../stores/facts.ts';
import { shopifyTopics } from '../../stores/shopify/topics/index.ts';
import { isPrivacyTopic } from '../../stores/shopify/topics/privacy.ts';
import { stripPersonalData } from '../../stores/strip-personal-data.ts';
import { verifySignature } from '../../stores/verify-signature.ts';
import { wooTopics } from '../../stores/woocommerce/topics/index.ts';
import { AppError, notFound } from '../errors.ts';
import { applyBatch } from '../ledger/apply-batch.ts';
import { findStore } from '../stores/stores.ts';
import type { DeliveryBatcher } from './delivery-batcher.ts';
import { applyRetries } from './delivery-processor.ts';
import { honourPrivacyRequest } from './privacy-requests.ts';
import type { WebhookStores } from './webhook-stores.ts';

// A store delivery's life: verified, parsed and kept — committed with the deliveries that
// arrived alongside it (delivery-batcher.ts) before the store gets its 2xx — then applied to
// the ledger by the processor (delivery-processor.ts). One that cannot be processed is kept as
// a dead letter with its reason and its body without the customer's data
// (strip-personal-data.ts), and can be replayed.

const TOPICS: Record<Exclude<Platform, 'custom'>, Record<string, TopicHandler>> = {
  shopify: shopifyTopics,
  woocommerce: wooTopics,
};

export interface Delivery {
  platform: Exclude<Platform, 'custom'>;
  storeId: string;
  topic: string;
  deliveryId: string;
  signature: string | undefined;
  body: Buffer;
}

// 'stored': committed, applied to the ledger shortly after (the store only needs to know it is kept).
export type Receipt = { outcome: 'stored' | 'duplicate' | 'ignored'; status: 200 } | { outcome: 'dead'; status: 202; reason: string };

/**
 * Verifies and parses one delivery and hands it to the batcher; resolves once it is committed.
 * It is applied to the ledger afterwards, by the processor (delivery-processor.ts).
 */
export async function receiveDelivery(
  inbox: { db: Db; stores: WebhookStores; batcher: DeliveryBatcher },
  delivery: Delivery,
): Promise<Receipt> {
  const store = await inbox.stores.find(delivery.storeId);
  if (!store || store.platform !== delivery.platform) throw notFound('Store');
  if (!verifySignature(delivery.body, store.webhook_secret, delivery.signature)) throw new AppError('invalid_signature');
  if (delivery.platform === 'shopify' && isPrivacyTopic(delivery.topic)) {
    const { deliveryId, topic, body } = delivery;
    const outcome = await honourPrivacyRequest(inbox.db, { accountId: store.account_id, storeId: store.id, deliveryId, topic, body });
    return { outcome, status: 200 };
  }
  const handler = TOPICS[delivery.platform][delivery.topic];
  if (!handler) return { outcome: 'ignored', status: 200 };
  const result = handler(delivery.body, store);
  if (result.ok && result.facts === null) return { outcome: 'ignored', status: 200 };

  const kept = await inbox.batcher.keep({
    accountId: store.account_id,
    storeId: store.id,
    deliveryId: delivery.deliveryId,
    topic: delivery.topic,
    facts: result.ok ? factsToJson(result.facts!) : null,
    status: result.ok ? 'pending' : 'dead',
    reason: result.ok ? null : result.reason,
    raw: result.ok ? null : stripPersonalData(delivery.body),
  });
  if (kept === 'duplicate') return { outcome: 'duplicate', status: 200 };
  if (!result.ok) return { outcome: 'dead', status: 202, reason: result.reason };
  return { outcome: 'stored', status: 200 };
}

/** Applies one delivery's facts in the caller's transaction: a batch of one. */
export async function applyFacts(trx: Db, target: { accountId: string; storeId: string }, facts: DeliveryFacts, receivedAt: Date) {
  await applyBatch(trx, [{ ...target, facts, receivedAt }]);
}

/**
 * Applies one pending delivery that is due (next_attempt_at set and past) now, on its own, in a
 * transaction of its own. A replay is its own retry, answered to the admin who asked: if the
 * delivery cannot be applied, it is a dead letter again at once, with the error as its reason.
 * A race with another writer (a deadlock, a serialization failure) leaves it pending for the
 * processor, as does its account being busy with a long operation or another process holding
 * it ('skipped').
 */
export async function processDelivery(db: Db, accountId: string, id: string): Promise<'done' | 'dead' | 'pending' | 'skipped'> {
  const outcome = (await applyRetries(db, accountId, [id], { retry: { maxAttempts: 1 } })).get(id);
  return outcome === undefined ? 'skipped' : outcome === 'retry' ? 'pending' : outcome;
}

export async function listDeadLetters(db: Db, accountId: string, storeId: string) {
  await findStore(db, accountId, storeId);
  const rows = await db
    .selectFrom('deliveries')
    .select(['id', 'received_at', 'topic', 'reason'])
    .where('account_id', '=', accountId)
    .where('store_id', '=', storeId)
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, receivedAt: r.received_at.toISOString(), topic: r.topic, reason: r.reason ?? '' }));
}

/** Parses a dead letter again with today's code and store settings, and applies it if it now can. */
export async function replayDeadLetter(db: Db, accountId: string, storeId: string, id: string) {
  const row = await db
    .selectFrom('deliveries as d')
    .innerJoin('stores as s', (j) => j.onRef('s.account_id', '=', 'd.account_id').onRef('s.id', '=', 'd.store_id'))
    .select(['d.topic', 'd.raw', 'd.facts', 'd.status', 'd.reason', 's.platform', 's.currency'])
    .where('d.account_id', '=', accountId)
    .where('d.store_id', '=', storeId)
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (row?.status !== 'dead' || row.platform === 'custom') throw notFound('Dead letter');
  // A body that was not JSON is not kept (nor, once erased, a body a privacy request named):
  // there is nothing to read again, and its reason stands.
  if (row.raw === null && row.facts === null) return { id, status: 'dead' as const, reason: row.reason };
  let facts: string;
  if (row.raw) {
    const result = TOPICS[row.platform][row.topic]?.(row.raw, { currency: row.currency });
    if (!result?.ok || result.facts === null) {
      const reason = result && !result.ok ? result.reason : 'the topic is no longer read';
      await db.updateTable('deliveries').set({ reason }).where('account_id', '=', accountId).where('id', '=', id).execute();
      return { id, status: 'dead' as const, reason };
    }
    facts = factsToJson(result.facts);
  } else {
    facts = JSON.stringify(row.facts);
  }
  await db
    .updateTable('deliveries')
    .set({ status: 'pending', facts, reason: null, raw: null, attempts: 0, next_attempt_at: sql`now()`, last_error: null })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
  const status = await processDelivery(db, accountId, id);
  const after = await db
    .selectFrom('deliveries')
    .select(['status', 'reason'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { id, status: status === 'done' ? ('done' as const) : after.status, reason: after.reason };
}
