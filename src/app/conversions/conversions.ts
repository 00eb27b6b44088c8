import { type RawBuilder, sql } from 'kysely';
import { type Approval, type ApprovalAction, ApprovalError } from '../../core/approval.ts';
import type { StoreStatus } from '../../core/status.ts';
import type { Db } from '../../db/connect.ts';
import { instantTextProblem } from '../../schemas/common.ts';
import { CONVERSIONS_PAGE_DEFAULT, type TApprovalEvent, type TConversion } from '../../schemas/conversions.ts';
import type { Principal } from '../accounts/credentials.ts';
import { AppError, notFound } from '../errors.ts';
import { applyBatch } from '../ledger/apply-batch.ts';
import { isRowId } from '../reports/cursor.ts';
import { parseRange, type RangeInput } from '../reports/range.ts';
import { conversionViews, findConversion, ordersTableWhere, toConversion } from './conversion-view.ts';

// A campaign's Orders table, one conversion, and the brand's review of it (SPEC §2, §6, §10).

export interface ConversionFilter extends RangeInput {
  status?: StoreStatus[] | undefined;
  approval?: Approval | undefined;
  creatorId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

// The cursor is the last row's sort key, (order_date, id), opaque to clients. The date is
// carried as text with microseconds so the keyset comparison is exact, never a JS Date.
export type Cursor = { d: string; i: string };
const CURSOR_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A cursor's date: the shape we write, naming a real instant (no 2026-02-30, no 25:00) from 1970 to 9999. */
const isCursorDate = (value: unknown): value is string =>
  typeof value === 'string' && CURSOR_DATE.test(value) && instantTextProblem(value) === null;

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (isCursorDate(value.d) && isRowId(value.i)) {
      return { d: value.d, i: value.i };
    }
  } catch {
    // Falls through to the error below: a cursor is either ours or invalid.
  }
  throw new AppError('invalid_input', 'The cursor is not valid; pass the nextCursor of a previous page.');
}

async function assertCampaign(db: Db, accountId: string, campaignId: string): Promise<void> {
  const found = await db
    .selectFrom('campaigns')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
  if (!found) throw notFound('Campaign');
}

/**
 * A campaign's conversions, newest first, one keyset page at a time. Conversions of members
 * removed from the campaign, and of creators removed from the Community, are hidden (SPEC §6).
 */
export async function listCampaignConversions(
  db: Db,
  accountId: string,
  campaignId: string,
  filter: ConversionFilter,
): Promise<{ items: TConversion[]; nextCursor: string | null }> {
  const cursor = pageCursor(filter.cursor);
  await assertCampaign(db, accountId, campaignId);
  const account = await db.selectFrom('accounts').select('time_zone').where('id', '=', accountId).executeTakeFirstOrThrow();
  const range = parseRange(filter, account.time_zone);
  return conversionPage(db, accountId, ordersTableWhere(campaignId, range, filter), cursor, filter.limit);
}

/** The cursor of a page's request, decoded, or invalid_input: decode it before other checks so a bad one says so first. */
export function pageCursor(text: string | undefined): Cursor | null {
  return text === undefined ? null : decodeCursor(text);
}

/** One keyset page, newest first, of the account's conversions matching `where`. */
export async function conversionPage(
  db: Db,
  accountId: string,
  where: RawBuilder<boolean>,
  cursor: Cursor | null,
  limit: number = CONVERSIONS_PAGE_DEFAULT,
): Promise<{ items: TConversion[]; nextCursor: string | null }> {
  let query = conversionViews(db, accountId)
    .select(sql<string>`to_char(c.order_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('date_key'))
    .where(where);
  if (cursor) query = query.where(sql<boolean>`(c.order_date, c.id) < (${cursor.d}::timestamptz, ${cursor.i}::bigint)`);

  const rows = await query
    .orderBy('c.order_date', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toConversion),
    nextCursor: rows.length > limit && last ? encodeCursor({ d: last.date_key, i: last.id }) : null,
  };
}

export async function getConversion(db: Db, accountId: string, id: string): Promise<TConversion> {
  const conversion = await findConversion(db, accountId, id);
  if (!conversion) throw notFound('Conversion');
  return conversion;
}

/**
 * Reject or undo (approve) a conversion, through the ledger's write path: its order is locked
 * so two reviewers (or a store update) cannot interleave, the core decides the transition and
 * the figures — a rejected conversion earns and counts nothing — and the change is written to
 * the audit log, all in one transaction. The store status is neither read for the decision nor written.
 */
export async function changeApproval(
  db: Db,
  principal: Pick<Principal, 'accountId' | 'actor'>,
  id: string,
  action: ApprovalAction,
  reason?: string,
): Promise<TConversion> {
  const { accountId } = principal;
  return db.transaction().execute(async (trx) => {
    const conversion = await trx
      .selectFrom('conversions as c')
      .innerJoin('orders as o', (j) => j.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
      .select(['c.store_id', 'o.external_id'])
      .where('c.account_id', '=', accountId)
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!conversion) throw notFound('Conversion');
    try {
      await applyBatch(trx, [
        {
          accountId,
          storeId: conversion.store_id,
          facts: { kind: 'approval', externalId: conversion.external_id, action },
          receivedAt: new Date(),
          review: { actor: principal.actor, reason: reason?.trim() || null },
        },
      ]);
    } catch (error) {
      if (error instanceof ApprovalError) throw new AppError(error.code);
      throw error;
    }
    const view = await conversionViews(trx, accountId).where('c.id', '=', id).executeTakeFirstOrThrow();
    return toConversion(view);
  });
}

/** A conversion's approval changes, oldest first. */
export async function approvalHistory(db: Db, accountId: string, id: string): Promise<TApprovalEvent[]> {
  const exists = await db
    .selectFrom('conversions')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!exists) throw notFound('Conversion');
  const rows = await db
    .selectFrom('approval_events')
    .select(['at', 'actor', 'from_approval', 'to_approval', 'reason'])
    .where('account_id', '=', accountId)
    .where('conversion_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actor,
    from: r.from_approval as Approval,
    to: r.to_approval as Approval,
    reason: r.reason,
  }));
}
