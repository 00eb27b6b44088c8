import { CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Approval } from '../../core/approval.ts';
import { toMoney } from '../../core/money.ts';
import type { StoreStatus } from '../../core/status.ts';
import { visibleSql } from '../../core/visibility.ts';
import type { Db } from '../../db/connect.ts';
import type { TConversion } from '../../schemas/conversions.ts';
import { inRange, type Range } from '../reports/range.ts';

// The one query that builds the `Conversion` every endpoint shows (SPEC §10): the conversion
// with its order, campaign, creator and membership, scoped to one account. Callers add their
// filters; `toConversion` turns a row into the view.

export function conversionViews(db: Db, accountId: string) {
  return db
    .selectFrom('conversions as c')
    .innerJoin('orders as o', (j) => j.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
    .innerJoin('campaigns as ca', (j) => j.onRef('ca.account_id', '=', 'c.account_id').onRef('ca.id', '=', 'c.campaign_id'))
    .innerJoin('creators as cr', (j) => j.onRef('cr.account_id', '=', 'c.account_id').onRef('cr.id', '=', 'c.creator_id'))
    .innerJoin('members as m', (j) =>
      j.onRef('m.account_id', '=', 'c.account_id').onRef('m.campaign_id', '=', 'c.campaign_id').onRef('m.creator_id', '=', 'c.creator_id'),
    )
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select([
      'c.id',
      'o.external_id',
      'o.number',
      'c.store_id',
      'c.order_date',
      'c.campaign_id',
      'ca.name as campaign_name',
      'c.creator_id',
      'cr.name as creator_name',
      'c.via_type',
      'c.via_value',
      'c.status',
      'c.approval',
      'c.currency',
      'c.amount_minor',
      'c.fx_missing',
      'c.converted_minor',
      'c.commission_minor',
      'c.counted',
      'a.default_currency',
    ])
    .where('c.account_id', '=', accountId);
}

export type ConversionRow = Awaited<ReturnType<ReturnType<typeof conversionViews>['executeTakeFirstOrThrow']>>;

export function toConversion(row: ConversionRow): TConversion {
  const inDefault = (minor: string | null) => (minor === null ? null : toMoney(BigInt(minor), row.default_currency));
  return {
    id: row.id,
    orderId: row.external_id,
    orderNumber: row.number,
    storeId: row.store_id,
    orderDate: row.order_date.toISOString(),
    campaignId: row.campaign_id,
    campaignName: row.campaign_name,
    creatorId: row.creator_id,
    creatorName: row.creator_name,
    via: { type: row.via_type, value: row.via_value },
    status: row.status as StoreStatus,
    approval: row.approval,
    amount: toMoney(BigInt(row.amount_minor), row.currency),
    converted: inDefault(row.converted_minor),
    fxMissing: row.fx_missing,
    commission: inDefault(row.commission_minor),
    counted: row.counted,
  };
}

/** One conversion of the account, or undefined. */
export async function findConversion(db: Db, accountId: string, id: string): Promise<TConversion | undefined> {
  const row = await conversionViews(db, accountId).where('c.id', '=', id).executeTakeFirst();
  return row ? toConversion(row) : undefined;
}

/**
 * Several conversions of the account by id, in no particular order (e.g. for event fan-out).
 * The ids go as one array, so the statement's text is the same for any number of them and it
 * runs as a prepared statement on PostgreSQL (see src/db/connect.ts): planning this join took
 * about 3 ms, on every batch of events.
 */
export async function findConversions(db: Db, accountId: string, ids: readonly string[]): Promise<TConversion[]> {
  if (ids.length === 0) return [];
  const query = conversionViews(db, accountId).where(sql<boolean>`c.id = any(${ids}::bigint[])`).compile();
  const result = await db.executeQuery<ConversionRow>(
    CompiledQuery.raw(`/* statement: conversions.by-ids */ ${query.sql}`, [...query.parameters]),
  );
  return result.rows.map(toConversion);
}

/**
 * What a campaign's Orders table shows, with its filters, as one predicate over a
 * conversionViews query: the list and its exports use this same condition. Conversions of
 * members removed from the campaign, or of creators removed from the Community, are hidden.
 */
const CAMPAIGN_VISIBLE = visibleSql('campaign', { member: 'm', creator: 'cr' });

export function ordersTableWhere(
  campaignId: string,
  range: Range | null,
  filter: { status?: StoreStatus[] | undefined; approval?: Approval | undefined; creatorId?: string | undefined },
): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`c.campaign_id = ${campaignId}`, sql<boolean>`${sql.raw(CAMPAIGN_VISIBLE)}`];
  if (range) parts.push(inRange(sql.ref('c.order_date'), range));
  if (filter.status) parts.push(sql<boolean>`c.status in (${sql.join(filter.status)})`);
  if (filter.approval) parts.push(sql<boolean>`c.approval = ${filter.approval}`);
  if (filter.creatorId) parts.push(sql<boolean>`c.creator_id = ${filter.creatorId}`);
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
