import type { Db } from '../../db/connect.ts';
import type { Platform, Role } from '../../db/schema.ts';
import { assertCurrency } from '../accounts/accounts.ts';
import { randomToken } from '../accounts/secrets.ts';
import { notFound } from '../errors.ts';

export interface StoreView {
  id: string;
  platform: Platform;
  name: string;
  currency: string;
  domain: string | null;
  webhookUrl: string;
  webhookSecret: string | null;
  createdAt: string;
}

type StoreRow = {
  id: string;
  platform: Platform;
  name: string;
  currency: string;
  domain: string | null;
  webhook_secret: string;
  created_at: Date;
};

/** Where the store sends its orders: a webhook for Shopify and WooCommerce, the orders API otherwise. */
export function webhookUrl(publicUrl: string, store: { id: string; platform: Platform }): string {
  return store.platform === 'custom' ? `${publicUrl}/api/stores/${store.id}/orders` : `${publicUrl}/webhooks/${store.platform}/${store.id}`;
}

function view(row: StoreRow, publicUrl: string, role: Role): StoreView {
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    currency: row.currency,
    domain: row.domain,
    webhookUrl: webhookUrl(publicUrl, row),
    webhookSecret: role === 'admin' ? row.webhook_secret : null,
    createdAt: row.created_at.toISOString(),
  };
}

const COLUMNS = ['id', 'platform', 'name', 'currency', 'domain', 'webhook_secret', 'created_at'] as const;

export async function createStore(
  db: Db,
  accountId: string,
  input: { platform: Platform; name: string; currency: string; domain?: string },
  publicUrl: string,
): Promise<StoreView> {
  assertCurrency(input.currency);
  const row = await db
    .insertInto('stores')
    .values({
      account_id: accountId,
      platform: input.platform,
      name: input.name,
      currency: input.currency,
      domain: input.domain ?? null,
      webhook_secret: randomToken(32),
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row, publicUrl, 'admin');
}

export async function listStores(db: Db, accountId: string, publicUrl: string, role: Role): Promise<StoreView[]> {
  const rows = await db.selectFrom('stores').select(COLUMNS).where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => view(r, publicUrl, role));
}

export async function findStore(db: Db, accountId: string, storeId: string): Promise<StoreRow> {
  const row = await db
    .selectFrom('stores')
    .select(COLUMNS)
    .where('account_id', '=', accountId)
    .where('id', '=', storeId)
    .executeTakeFirst();
  if (!row) throw notFound('Store');
  return row;
}

export async function getStore(db: Db, accountId: string, storeId: string, publicUrl: string, role: Role): Promise<StoreView> {
  return view(await findStore(db, accountId, storeId), publicUrl, role);
}

/** Corrects a store's name, currency, domain or webhook secret; stored orders keep their currency. */
export async function updateStore(
  db: Db,
  accountId: string,
  storeId: string,
  patch: { name?: string; currency?: string; domain?: string | null; webhookSecret?: string },
  publicUrl: string,
): Promise<StoreView> {
  if (patch.currency) assertCurrency(patch.currency);
  await findStore(db, accountId, storeId);
  const row = await db
    .updateTable('stores')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.currency !== undefined && { currency: patch.currency }),
      ...(patch.domain !== undefined && { domain: patch.domain }),
      ...(patch.webhookSecret !== undefined && { webhook_secret: patch.webhookSecret }),
    })
    .where('account_id', '=', accountId)
    .where('id', '=', storeId)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row, publicUrl, 'admin');
}
