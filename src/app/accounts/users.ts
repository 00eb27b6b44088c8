import type { Db } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { notifyAccessChanged } from './access-changed.ts';
import type { UserView } from './accounts.ts';
import type { Principal } from './credentials.ts';
import { hashPassword, verifyPassword } from './secrets.ts';

// Taking access away (SPEC §9): an admin changes a user's role, removes a user or resets a
// password; a user changes their own password and signs out everywhere. Whatever ends access
// NOTIFYs, so open event streams of every process are re-checked at commit.

/**
 * The account's admins, locked until the transaction ends. Two admins demoting or removing each
 * other at once take turns here, and the second sees the first's change: the account always
 * keeps one admin.
 */
async function lockAdmins(trx: Db, accountId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

export async function getUser(trx: Db, accountId: string, userId: string): Promise<UserView> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'email', 'role'])
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('User');
  return user;
}

function assertNotLastAdmin(user: UserView, admins: string[]): void {
  if (user.role === 'admin' && admins.length === 1 && admins[0] === user.id) throw new AppError('last_admin');
}

export async function changeRole(db: Db, accountId: string, userId: string, role: Role): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx, accountId);
    const user = await getUser(trx, accountId, userId);
    if (role !== 'admin') assertNotLastAdmin(user, admins);
    await trx.updateTable('users').set({ role }).where('account_id', '=', accountId).where('id', '=', userId).execute();
    // The role is read from the user's row on every request; open streams are re-checked.
    if (role !== user.role) await notifyAccessChanged(trx);
    return { ...user, role };
  });
}

/** Removes a user: their sessions end with them (the foreign key cascades) and their keys are revoked. */
export async function removeUser(db: Db, accountId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx, accountId);
    assertNotLastAdmin(await getUser(trx, accountId, userId), admins);
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await trx.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', userId).execute();
    await notifyAccessChanged(trx);
  });
}

/** An admin sets a user's password: every session of that user ends, and they sign in with the new one. */
export async function resetPassword(db: Db, accountId: string, userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('User');
    await endSessions(trx, accountId, userId);
  });
}

/** The signed-in user of a cookie session; an API key is no user. */
export function signedInUser(caller: Principal): { accountId: string; userId: string; sessionHash: string } {
  if (caller.kind !== 'session' || caller.userId === null) throw new AppError('session_required');
  return { accountId: caller.accountId, userId: caller.userId, sessionHash: caller.credentialHash };
}

/** A user changes their own password: their other sessions end, this one goes on. */
export async function changeOwnPassword(db: Db, caller: Principal, input: { currentPassword: string; newPassword: string }): Promise<void> {
  const { accountId, userId, sessionHash } = signedInUser(caller);
  const user = await db
    .selectFrom('users')
    .select('password_hash')
    .where('account_id', '=', accountId)
    .where('id', '=', userId)
    .executeTakeFirst();
  // Removed meanwhile: the session is gone with them.
  if (!user) throw new AppError('unauthenticated');
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) throw new AppError('wrong_password');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .execute();
    await endSessions(trx, accountId, userId, sessionHash);
  });
}

/** Ends every session of the user (but `keep`): signing out everywhere, or after a password change. */
export async function endSessions(db: Db, accountId: string, userId: string, keep?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId).where('user_id', '=', userId);
  if (keep !== undefined) query = query.where('token_hash', '<>', keep);
  await query.execute();
  await notifyAccessChanged(db);
}
