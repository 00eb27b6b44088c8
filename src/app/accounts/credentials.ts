import { isInt8Id } from '../../core/limits.ts';
import type { Db } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { randomToken, sha256 } from './secrets.ts';

// Who is calling: resolved from a session cookie or an API key, always within one account.
export interface Principal {
  accountId: string;
  role: Role;
  actor: string;
  kind: 'session' | 'api_key';
  csrfToken: string | null;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };
export const roleAllows = (role: Role, needed: Role) => ROLE_RANK[role] >= ROLE_RANK[needed];

export async function principalFromSession(db: Db, token: string): Promise<Principal | null> {
  // An account id beyond int8 names no account: unknown, like any other wrong token.
  const accountId = token.split('.', 1)[0] ?? '';
  if (!isInt8Id(accountId)) return null;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.account_id', '=', 's.account_id').onRef('u.id', '=', 's.user_id'))
    .select(['u.email', 'u.role', 's.csrf_token', 's.expires_at'])
    .where('s.account_id', '=', accountId)
    .where('s.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) return null;
  return { accountId, role: row.role, actor: row.email, kind: 'session', csrfToken: row.csrf_token };
}

// Keys read `tly_<accountId>_<secret>`; only a hash of the whole key is stored.
const KEY_SHAPE = /^tly_([1-9][0-9]{0,18})_[A-Za-z0-9_-]{20,}$/;

export async function principalFromApiKey(db: Db, key: string): Promise<Principal | null> {
  const accountId = KEY_SHAPE.exec(key)?.[1];
  if (!accountId || !isInt8Id(accountId)) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['name', 'role'])
    .where('account_id', '=', accountId)
    .where('key_hash', '=', sha256(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return { accountId, role: row.role, actor: `api-key:${row.name}`, kind: 'api_key', csrfToken: null };
}

export async function createApiKey(db: Db, accountId: string, input: { name: string; role: Role }) {
  const key = `tly_${accountId}_${randomToken()}`;
  const row = await db
    .insertInto('api_keys')
    .values({ account_id: accountId, name: input.name, role: input.role, key_hash: sha256(key) })
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
}
