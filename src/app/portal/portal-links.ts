import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Principal } from '../accounts/credentials.ts';
import { randomToken, sha256 } from '../accounts/secrets.ts';
import { notFound } from '../errors.ts';
import { audit } from '../payouts/audit.ts';

// The link to a creator's own page (SPEC §11): `/portal/{token}`, where the token is 32 random
// bytes in base64url and only its SHA-256 is kept (migration 0019). A creator has at most one
// working link: a new one revokes the previous, so a link given to the wrong person is undone
// by making another. Both are recorded in the payouts' audit log.

export const portalUrl = (publicUrl: string, token: string) => `${publicUrl}/portal/${token}`;

/** A token as randomToken writes it: 43 base64url characters. Anything else is unknown, never a 400. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The creator's row, locked, so two links made at once take turns; or not_found. */
async function lockCreator(trx: Db, accountId: string, creatorId: string): Promise<void> {
  const row = await trx
    .selectFrom('creators')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
}

/** Revokes the creator's open link, if any; true when there was one. */
async function revokeOpen(trx: Db, accountId: string, creatorId: string): Promise<boolean> {
  const revoked = await trx
    .updateTable('portal_links')
    .set({ revoked_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('creator_id', '=', creatorId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return revoked.length > 0;
}

/** A new link for the creator, replacing their previous one; its URL holds the only copy of the token. */
export async function createPortalLink(db: Db, caller: Principal, creatorId: string, publicUrl: string): Promise<{ url: string }> {
  const { accountId } = caller;
  const token = randomToken(32);
  await db.transaction().execute(async (trx) => {
    await lockCreator(trx, accountId, creatorId);
    const replaced = await revokeOpen(trx, accountId, creatorId);
    await trx
      .insertInto('portal_links')
      .values({ account_id: accountId, creator_id: creatorId, token_hash: sha256(token), created_by: caller.actor })
      .execute();
    const detail = replaced
      ? 'made a new link to the creator’s page; the previous one no longer works'
      : 'made a link to the creator’s page';
    await audit(trx, accountId, [{ actor: caller.actor, action: 'portal_link', creatorId, detail }]);
  });
  return { url: portalUrl(publicUrl, token) };
}

/** Revokes the creator's link; revoking when there is none changes nothing. */
export async function revokePortalLink(db: Db, caller: Principal, creatorId: string): Promise<void> {
  const { accountId } = caller;
  await db.transaction().execute(async (trx) => {
    await lockCreator(trx, accountId, creatorId);
    if (await revokeOpen(trx, accountId, creatorId)) {
      await audit(trx, accountId, [
        { actor: caller.actor, action: 'portal_revoke', creatorId, detail: 'revoked the link to the creator’s page' },
      ]);
    }
  });
}

/** When the creator's working link was made, or null when they have none (made or revoked, its URL is never shown again). */
export async function portalLinkState(db: Db, accountId: string, creatorId: string): Promise<{ madeAt: string | null }> {
  const creator = await db
    .selectFrom('creators')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .executeTakeFirst();
  if (!creator) throw notFound('Creator');
  const open = await db
    .selectFrom('portal_links')
    .select('created_at')
    .where('account_id', '=', accountId)
    .where('creator_id', '=', creatorId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return { madeAt: open ? open.created_at.toISOString() : null };
}

/** The account and creator an open link names, or null for an unknown, revoked or malformed token. */
export async function findPortalLink(db: Db, token: string): Promise<{ accountId: string; creatorId: string } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db
    .selectFrom('portal_links')
    .select(['account_id', 'creator_id'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { accountId: row.account_id, creatorId: row.creator_id } : null;
}
