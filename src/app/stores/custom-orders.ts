import { formatMoney, toMoney } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import { type CustomOrderInput, parseCustomOrder } from '../../stores/custom/parse-order.ts';
import { AppError, notFound } from '../errors.ts';
import { keepAndApply } from '../ledger/keep-and-apply.ts';
import { findStore } from './stores.ts';

export interface OrderView {
  storeId: string;
  externalId: string;
  number: string;
  createdAt: string;
  updatedAt: string;
  status: 'pending' | 'paid' | 'partially_refunded' | 'refunded' | 'canceled';
  subtotal: { value: string; currency: string };
  refunded: { value: string; currency: string };
  amount: { value: string; currency: string };
  codes: string[];
  ref: string | null;
  country: string | null;
  conversionId: string | null;
  applied: boolean;
}

/** PUT of a custom store's order: an idempotent upsert, kept as a delivery and applied through the one write path. */
export async function putCustomOrder(
  db: Db,
  accountId: string,
  storeId: string,
  externalId: string,
  input: CustomOrderInput,
): Promise<OrderView> {
  const store = await findStore(db, accountId, storeId);
  if (store.platform !== 'custom') {
    throw new AppError('wrong_platform', `Store ${storeId} is a ${store.platform} store: its orders arrive by webhook.`);
  }
  const parsed = parseCustomOrder(externalId, input, store.currency);
  if (!parsed.ok) throw new AppError(parsed.problem.code, parsed.problem.message);
  return db.transaction().execute(async (trx) => {
    await keepAndApply(trx, { accountId, storeId }, 'custom/order', { kind: 'custom_order', order: parsed.order });
    const stored = await readOrder(trx, accountId, storeId, externalId);
    // Applied unless the store holds a newer version already (a PUT of the same version applies again, changing nothing).
    return { ...stored, applied: new Date(stored.updatedAt).getTime() <= parsed.order.updatedAt.getTime() };
  });
}

export async function getOrder(db: Db, accountId: string, storeId: string, externalId: string): Promise<OrderView> {
  await findStore(db, accountId, storeId);
  return { ...(await readOrder(db, accountId, storeId, externalId)), applied: true };
}

async function readOrder(db: Db, accountId: string, storeId: string, externalId: string): Promise<Omit<OrderView, 'applied'>> {
  const o = await db
    .selectFrom('orders as o')
    .leftJoin('conversions as c', (j) => j.onRef('c.account_id', '=', 'o.account_id').onRef('c.order_id', '=', 'o.id'))
    .select([
      'o.external_id',
      'o.number',
      'o.placed_at',
      'o.store_updated_at',
      'o.status',
      'o.currency',
      'o.gross_minor',
      'o.refunded_minor',
      'o.amount_minor',
      'o.codes',
      'o.ref',
      'o.country',
      'c.id as conversion_id',
    ])
    .where('o.account_id', '=', accountId)
    .where('o.store_id', '=', storeId)
    .where('o.external_id', '=', externalId)
    .executeTakeFirst();
  if (!o) throw notFound('Order');
  return {
    storeId,
    externalId: o.external_id,
    number: o.number,
    createdAt: o.placed_at.toISOString(),
    updatedAt: o.store_updated_at.toISOString(),
    status: o.status as OrderView['status'],
    subtotal: toMoney(BigInt(o.gross_minor), o.currency),
    refunded: { value: formatMoney(BigInt(o.refunded_minor), o.currency), currency: o.currency },
    amount: toMoney(BigInt(o.amount_minor), o.currency),
    codes: o.codes,
    ref: o.ref,
    country: o.country,
    conversionId: o.conversion_id,
  };
}
