import { sql } from 'kysely';
import { type Attribution, attributeOrder, normalizeCode } from '../core/attribution.ts';
import type { Terms } from '../core/commission.ts';
import type { IncomingOrder } from '../core/order.ts';
import { resolveOrderState, type StoreStatus } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import { termsFromRow } from './commission-terms.ts';
import { figureOnItsDay, nullableBigint } from './figures.ts';
import { linkCandidate } from './links.ts';

export type IngestOutcome = 'created' | 'updated' | 'stale';

export interface IngestResult {
  orderId: string;
  outcome: IngestOutcome;
  conversionId: string | null;
}

/**
 * The path by which an order enters the ledger, whatever the store (apply-batch.ts applies the
 * same rules to a batch of store deliveries at once; a change here belongs there too): store the order
 * (never going back to an older version), attribute it when it is new, and keep its
 * conversion's status, amount and figures in step — all in the caller's transaction.
 * Running it twice with the same version changes nothing.
 */
export async function ingestOrder(
  trx: Db,
  target: { accountId: string; storeId: string },
  order: IncomingOrder,
): Promise<IngestResult> {
  const { accountId, storeId } = target;
  const state = resolveOrderState({ base: order.base, grossMinor: order.grossMinor, refundedMinor: order.refundedMinor });
  const values = {
    number: order.number,
    currency: order.currency,
    placed_at: order.createdAt,
    store_updated_at: order.updatedAt,
    base_status: order.base,
    gross_minor: order.grossMinor.toString(),
    refunded_minor: order.refundedMinor.toString(),
    status: state.status,
    amount_minor: state.amountMinor.toString(),
    codes: order.codes,
    ref: order.ref,
    country: order.country,
    subtotal_minor: order.storeFigures?.subtotalMinor.toString() ?? null,
    current_minor: order.storeFigures?.currentMinor?.toString() ?? null,
  };
  // The WHERE on the conflict branch keeps a strictly older version from overwriting a newer one.
  const written = await trx
    .insertInto('orders')
    .values({ account_id: accountId, store_id: storeId, external_id: order.externalId, ...values })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'store_id', 'external_id'])
        .doUpdateSet({ ...values, placed_at: sql`orders.placed_at`, updated_at: sql`now()` })
        .where('orders.store_updated_at', '<=', order.updatedAt),
    )
    .returning(['id', sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirst();

  if (!written) {
    const existing = await trx
      .selectFrom('orders as o')
      .leftJoin('conversions as c', (j) => j.onRef('c.account_id', '=', 'o.account_id').onRef('c.order_id', '=', 'o.id'))
      .select(['o.id', 'c.id as conversion_id'])
      .where('o.account_id', '=', accountId)
      .where('o.store_id', '=', storeId)
      .where('o.external_id', '=', order.externalId)
      .executeTakeFirstOrThrow();
    return { orderId: existing.id, outcome: 'stale', conversionId: existing.conversion_id };
  }

  // Key-share: a change of default currency or time zone (which locks the account row) waits for
  // this transaction, or this one waits for it and then figures in the new currency.
  const account = await trx.selectFrom('accounts').select('default_currency').where('id', '=', accountId).forKeyShare().executeTakeFirstOrThrow();
  if (written.inserted) {
    const attribution = await attribute(trx, accountId, order);
    if (!attribution) return { orderId: written.id, outcome: 'created', conversionId: null };
    const conversionId = await openConversion(
      trx,
      { accountId, storeId },
      { id: written.id, createdAt: order.createdAt, currency: order.currency, status: state.status, amountMinor: state.amountMinor },
      attribution,
      account.default_currency,
    );
    return { orderId: written.id, outcome: 'created', conversionId };
  }

  // A newer version of a known order: its conversion follows the store's status and amount.
  const conversion = await trx
    .selectFrom('conversions')
    .select(['id', 'order_date', 'approval', 'currency', 'terms_percent', 'terms_fixed_minor', 'terms_fixed_currency'])
    .where('account_id', '=', accountId)
    .where('order_id', '=', written.id)
    .forUpdate()
    .executeTakeFirst();
  if (!conversion) return { orderId: written.id, outcome: 'updated', conversionId: null };
  const row = {
    currency: conversion.currency,
    orderDate: conversion.order_date,
    approval: conversion.approval,
    status: state.status,
    amountMinor: state.amountMinor,
    termsPercent: conversion.terms_percent,
    termsFixedMinor: nullableBigint(conversion.terms_fixed_minor),
    termsFixedCurrency: conversion.terms_fixed_currency,
  };
  const figures = await figureOnItsDay(trx, accountId, row, account.default_currency);
  await trx
    .updateTable('conversions')
    .set({
      status: state.status,
      amount_minor: state.amountMinor.toString(),
      ...figures,
      updated_at: sql`now()`,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', conversion.id)
    .execute();
  return { orderId: written.id, outcome: 'updated', conversionId: conversion.id };
}

/**
 * Turns a stored order into its conversion for the attributed member, snapshotting the terms in
 * force now. Returns null when the order has a conversion already (one per order).
 */
export async function openConversion(
  trx: Db,
  { accountId, storeId }: { accountId: string; storeId: string },
  order: { id: string; createdAt: Date; currency: string; status: StoreStatus; amountMinor: bigint },
  attribution: Attribution,
  defaultCurrency: string,
): Promise<string | null> {
  const terms = await termsOf(trx, accountId, attribution);
  const row = {
    currency: order.currency,
    orderDate: order.createdAt,
    approval: 'approved' as const,
    status: order.status,
    amountMinor: order.amountMinor,
    termsPercent: terms.percent,
    termsFixedMinor: terms.fixedMinor,
    termsFixedCurrency: terms.fixedCurrency,
  };
  const figures = await figureOnItsDay(trx, accountId, row, defaultCurrency);
  const conversion = await trx
    .insertInto('conversions')
    .values({
      account_id: accountId,
      order_id: order.id,
      store_id: storeId,
      campaign_id: attribution.member.campaignId,
      creator_id: attribution.member.creatorId,
      via_type: attribution.via.type,
      via_value: attribution.via.value,
      order_date: order.createdAt,
      currency: order.currency,
      status: order.status,
      amount_minor: order.amountMinor.toString(),
      terms_percent: terms.percent,
      terms_fixed_minor: terms.fixedMinor?.toString() ?? null,
      terms_fixed_currency: terms.fixedCurrency,
      ...figures,
    })
    .onConflict((oc) => oc.columns(['account_id', 'order_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return conversion?.id ?? null;
}

/** The member an order goes to, by the codes and links known now. */
export async function attribute(
  trx: Db,
  accountId: string,
  order: Pick<IncomingOrder, 'codes' | 'ref' | 'createdAt'>,
): Promise<Attribution | null> {
  const normalized = order.codes.map(normalizeCode).filter((c) => c !== '');
  const owners =
    normalized.length === 0
      ? []
      : await trx
          .selectFrom('codes')
          .select(['code', 'campaign_id', 'creator_id'])
          .where('account_id', '=', accountId)
          .where('code_norm', 'in', normalized)
          .execute();
  return attributeOrder(
    { codes: order.codes, ref: order.ref, createdAt: order.createdAt },
    {
      codeOwners: owners.map((o) => ({ code: o.code, member: { campaignId: o.campaign_id, creatorId: o.creator_id } })),
      link: await linkCandidate(trx, accountId, order.ref, order.createdAt),
    },
  );
}

/** The terms a new conversion snapshots: the member's override over the campaign's. */
async function termsOf(trx: Db, accountId: string, attribution: Attribution): Promise<Terms> {
  const row = await trx
    .selectFrom('members as m')
    .innerJoin('campaigns as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.campaign_id'))
    .select([
      'c.commission_percent as c_percent', 'c.commission_fixed_minor as c_fixed', 'c.commission_fixed_currency as c_fixed_currency',
      'm.commission_percent as m_percent', 'm.commission_fixed_minor as m_fixed', 'm.commission_fixed_currency as m_fixed_currency',
    ])
    .where('m.account_id', '=', accountId)
    .where('m.campaign_id', '=', attribution.member.campaignId)
    .where('m.creator_id', '=', attribution.member.creatorId)
    .executeTakeFirstOrThrow();
  return termsFromRow(row);
}
