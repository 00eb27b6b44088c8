import { isInt8Id } from '../../core/limits.ts';
import type { Db } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { notifyAccessChanged } from './access-changed.ts';
import { randomToken, sha256 } from './secrets.ts';

// Who is calling: resolved from a session cookie or an API key, always within one account.
export interface Principal {
  accountId: string;
  role: Role;
  actor: string;
  kind: 'session' | 'api_key';
  csrfToken: string | null;
  /** The signed-in user, or the maker of the key (null for a key older than makers). */
  userId: string | null;
  /** The stored hash of the session token or key: what an event stream is re-checked by. */
  credentialHash: string;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };
export const roleAllows = (role: Role, needed: Role) => ROLE_RANK[role] >= ROLE_RANK[needed];
const lesserRole = (a: Role, b: Role) => (ROLE_RANK[a] <= ROLE_RANK[b] ? a : b);

// A session ends 30 days after it opened (expires_at) or after 7 days without a request.
export const SESSION_MAX_DAYS = 30;
const SESSION_IDLE_DAYS = 7;
const DAY_MS = 86_400_000;
// last_seen_at moves at most this often, so a busy session is not a write per request.
const TOUCH_EVERY_MS = 5 * 60_000;

const idleSince = (now: Date) => new Date(now.getTime() - SESSION_IDLE_DAYS * DAY_MS);

// The account id leads a session token, so its row is found by its tenant key.
const sessionAccount = (token: string) => {
  const accountId = token.split('.', 1)[0] ?? '';
  return isInt8Id(accountId) ? accountId : null;
};

/** Live sessions of the account among `hashes`, with their user as the users table has them now. */
function liveSessions(db: Db, accountId: string, hashes: string[], now: Date) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.account_id', '=', 's.account_id').onRef('u.id', '=', 's.user_id'))
    .select(['s.token_hash', 's.user_id', 's.csrf_token', 's.last_seen_at', 'u.email', 'u.role'])
    .where('s.account_id', '=', accountId)
    .where('s.token_hash', 'in', hashes)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleSince(now))
    .execute();
}

/** Unrevoked keys of the account among `hashes`; each acts with no more than its maker's role now. */
async function liveKeys(db: Db, accountId: string, hashes: string[]) {
  const rows = await db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.account_id', '=', 'k.account_id').onRef('u.id', '=', 'k.user_id'))
    .select(['k.key_hash', 'k.name', 'k.role', 'k.user_id', 'u.role as maker_role'])
    .where('k.account_id', '=', accountId)
    .where('k.key_hash', 'in', hashes)
    .where('k.revoked_at', 'is', null)
    .execute();
  return rows.map((r) => ({ ...r, role: r.maker_role ? lesserRole(r.role, r.maker_role) : r.role }));
}

export async function principalFromSession(db: Db, token: string, now = new Date()): Promise<Principal | null> {
  // An account id beyond int8 names no account: unknown, like any other wrong token.
  const accountId = sessionAccount(token);
  if (!accountId) return null;
  const tokenHash = sha256(token);
  const [row] = await liveSessions(db, accountId, [tokenHash], now);
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('account_id', '=', accountId)
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  return {
    accountId,
    role: row.role,
    actor: row.email,
    kind: 'session',
    csrfToken: row.csrf_token,
    userId: row.user_id,
    credentialHash: tokenHash,
  };
}

// Keys read `tly_<accountId>_<secret>`; only a hash of the whole key is stored.
const KEY_SHAPE = /^tly_([1-9][0-9]{0,18})_[A-Za-z0-9_-]{20,}$/;

export async function principalFromApiKey(db: Db, key: string): Promise<Principal | null> {
  const accountId = KEY_SHAPE.exec(key)?.[1];
  if (!accountId || !isInt8Id(accountId)) return null;
  const keyHash = sha256(key);
  const [row] = await liveKeys(db, accountId, [keyHash]);
  if (!row) return null;
  return {
    accountId,
    role: row.role,
    actor: `api-key:${row.name}`,
    kind: 'api_key',
    csrfToken: null,
    userId: row.user_id,
    credentialHash: keyHash,
  };
}

/**
 * The role each of these callers of one account holds now, by the rules above; a caller whose
 * session ended or whose key was revoked is absent. Open event streams are re-checked by it.
 */
export async function currentRoles(db: Db, accountId: string, callers: Principal[], now = new Date()): Promise<Map<string, Role>> {
  const hashes = (kind: Principal['kind']) => callers.filter((c) => c.kind === kind).map((c) => c.credentialHash);
  const sessions = hashes('session');
  const keys = hashes('api_key');
  const roles = new Map<string, Role>();
  if (sessions.length > 0) for (const s of await liveSessions(db, accountId, sessions, now)) roles.set(s.token_hash, s.role);
  if (keys.length > 0) for (const k of await liveKeys(db, accountId, keys)) roles.set(k.key_hash, k.role);
  return roles;
}

/** A new key; `makerId` is the signed-in user who asks, or the maker of the key that asks. */
export async function createApiKey(db: Db, accountId: string, input: { name: string; role: Role }, makerId: string | null = null) {
  const key = `tly_${accountId}_${randomToken()}`;
  const row = await db
    .insertInto('api_keys')
    .values({ account_id: accountId, name: input.name, role: input.role, key_hash: sha256(key), user_id: makerId })
    .returning(['id', 'name', 'role'])
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

export async function listApiKeys(db: Db, accountId: string) {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'created_at', 'revoked_at'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

export async function revokeApiKey(db: Db, accountId: string, id: string): Promise<void> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFound('API key');
  await notifyAccessChanged(db);
}

/**
 * Deletes the sessions that ended by age or idleness at `now` (all of them, or one user's) and
 * says how many. The server runs it every hour, and sign-in for the user signing in.
 */
export async function purgeExpiredSessions(db: Db, now = new Date(), only?: { accountId: string; userId: string }): Promise<number> {
  let query = db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince(now))]));
  if (only) query = query.where('account_id', '=', only.accountId).where('user_id', '=', only.userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
