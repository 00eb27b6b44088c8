import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { CREATORS_PAGE_DEFAULT, type TCreatorListQuery } from '../../schemas/creators.ts';
import { notFound } from '../errors.ts';
import { decodeCursor, encodeCursor, isRowId } from '../reports/cursor.ts';
import { nameOrHandleContains } from '../reports/search.ts';

// The account's Community. Removing a creator hides it from Community and campaign views;
// its history, memberships and codes stay, and its codes keep attributing orders (SPEC §6).
export interface CreatorView {
  id: string;
  name: string;
  handle: string | null;
  email: string | null;
  paypalEmail: string | null;
  removed: boolean;
}

export interface CreatorInput {
  name: string;
  handle?: string | null;
  email?: string | null;
  paypalEmail?: string | null;
}

const COLUMNS = ['id', 'name', 'handle', 'email', 'paypal_email', 'removed_at'] as const;

type CreatorRow = {
  id: string;
  name: string;
  handle: string | null;
  email: string | null;
  paypal_email: string | null;
  removed_at: Date | null;
};

const view = (row: CreatorRow): CreatorView => ({
  id: row.id,
  name: row.name,
  handle: row.handle,
  email: row.email,
  paypalEmail: row.paypal_email,
  removed: row.removed_at !== null,
});

export async function createCreator(db: Db, accountId: string, input: CreatorInput): Promise<CreatorView> {
  const row = await db
    .insertInto('creators')
    .values({
      account_id: accountId,
      name: input.name,
      handle: input.handle ?? null,
      email: input.email ?? null,
      paypal_email: input.paypalEmail ?? null,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row);
}

// The cursor is the last row's id: the list is in id order, oldest first.
const cursorId = (text: string) => decodeCursor(text, (c) => (isRowId(c.i) ? c.i : null));

/**
 * One page of the Community's creators, oldest first: those still in it (`removed` false or
 * absent), all of them (`true`) or only the removed ones (`only`), optionally whose name or
 * handle contains `q`, ignoring case.
 */
export async function listCreators(
  db: Db,
  accountId: string,
  filter: TCreatorListQuery,
): Promise<{ items: CreatorView[]; nextCursor: string | null }> {
  const limit = filter.limit ?? CREATORS_PAGE_DEFAULT;
  const after = filter.cursor === undefined ? null : cursorId(filter.cursor);
  let query = db.selectFrom('creators').select(COLUMNS).where('account_id', '=', accountId);
  if (filter.removed === undefined || filter.removed === 'false') query = query.where('removed_at', 'is', null);
  if (filter.removed === 'only') query = query.where('removed_at', 'is not', null);
  if (filter.q !== undefined && filter.q !== '') query = query.where(nameOrHandleContains(filter.q, 'name', 'handle'));
  if (after !== null) query = query.where(sql<boolean>`id > ${after}::bigint`);
  const rows = await query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor({ i: last.id }) : null };
}

export async function getCreator(db: Db, accountId: string, creatorId: string): Promise<CreatorView> {
  const row = await db
    .selectFrom('creators')
    .select(COLUMNS)
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
  return view(row);
}

export async function updateCreator(db: Db, accountId: string, creatorId: string, patch: Partial<CreatorInput>): Promise<CreatorView> {
  const row = await db
    .updateTable('creators')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.handle !== undefined && { handle: patch.handle }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.paypalEmail !== undefined && { paypal_email: patch.paypalEmail }),
    })
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
  return view(row);
}

/** Idempotent: removing twice keeps the first removal time. */
export async function removeCreator(db: Db, accountId: string, creatorId: string): Promise<void> {
  const row = await db
    .updateTable('creators')
    .set({ removed_at: sql`coalesce(removed_at, now())` })
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
}

export async function restoreCreator(db: Db, accountId: string, creatorId: string): Promise<CreatorView> {
  const row = await db
    .updateTable('creators')
    .set({ removed_at: null })
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
  return view(row);
}
