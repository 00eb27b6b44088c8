import type { Db } from '../../db/connect.ts';
import { keptBodyOrder, type PrivacyTopic, privacyRequestOrders } from '../../stores/shopify/topics/privacy.ts';
import { findStore } from '../stores/stores.ts';

// Shopify's privacy requests, honoured as they arrive (SPEC §9; what each erases is said in
// stores/shopify/topics/privacy.ts) and recorded in the same transaction, so a request that is
// answered 200 has been honoured. They never become dead letters: whatever the body holds,
// the request is recorded, naming the orders it could read.

export interface PrivacyRequest {
  accountId: string;
  storeId: string;
  deliveryId: string;
  topic: PrivacyTopic;
  body: Buffer;
}

/**
 * Honours one request; 'duplicate' when its delivery id was recorded already (a resend still
 * erases what was kept since: erasing again costs nothing and keeps nothing).
 */
export async function honourPrivacyRequest(db: Db, request: PrivacyRequest): Promise<'stored' | 'duplicate'> {
  const { accountId, storeId, topic } = request;
  const orders = privacyRequestOrders(topic, request.body);
  return db.transaction().execute(async (trx) => {
    let erased: string[] = [];
    if (topic !== 'customers/data_request') {
      // A store keeps few dead letters; the order each one is about is read from its body.
      const kept = await trx
        .selectFrom('deliveries')
        .select(['id', 'topic', 'raw'])
        .where('account_id', '=', accountId)
        .where('store_id', '=', storeId)
        .where('raw', 'is not', null)
        .execute();
      const named = new Set(orders);
      erased = kept.filter((d) => topic === 'shop/redact' || named.has(keptBodyOrder(d.topic, d.raw!) ?? '')).map((d) => d.id);
    }
    if (erased.length > 0) {
      await trx.updateTable('deliveries').set({ raw: null }).where('account_id', '=', accountId).where('id', 'in', erased).execute();
    }
    const recorded = await trx
      .insertInto('privacy_requests')
      .values({
        account_id: accountId,
        store_id: storeId,
        delivery_id: request.deliveryId,
        topic,
        orders: orders.length,
        bodies_erased: erased.length,
      })
      .onConflict((c) => c.columns(['account_id', 'store_id', 'delivery_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return recorded ? 'stored' : 'duplicate';
  });
}

export async function listPrivacyRequests(db: Db, accountId: string, storeId: string) {
  await findStore(db, accountId, storeId);
  const rows = await db
    .selectFrom('privacy_requests')
    .select(['id', 'topic', 'received_at', 'orders', 'bodies_erased'])
    .where('account_id', '=', accountId)
    .where('store_id', '=', storeId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    topic: r.topic,
    receivedAt: r.received_at.toISOString(),
    orders: r.orders,
    bodiesErased: r.bodies_erased,
  }));
}
