import { sql } from 'kysely';
import { dayOfUtc } from '../../core/fx.ts';
import { isInt8Id } from '../../core/limits.ts';
import { isCurrencyCode } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { logReload } from '../events/events.ts';
import { refigureConversions } from '../fx/refigure-conversions.ts';
import { reexpressPayouts } from '../payouts/reexpress.ts';
import { notifyAccessChanged } from './access-changed.ts';
import { purgeExpiredSessions, SESSION_MAX_DAYS } from './credentials.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';

export interface AccountView {
  id: string;
  name: string;
  defaultCurrency: string;
  timeZone: string;
}
export interface UserView {
  id: string;
  email: string;
  role: Role;
}
export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new AppError('invalid_time_zone', `"${timeZone}" is not a known IANA time zone.`);
  }
}

/**
 * A zone Node knows may still be one the database does not (US/Pacific-New, dropped from the
 * tz database in 2020, is still in ICU): every report and rollup reads the zone in SQL, so it
 * is asked too, before anything is written.
 */
async function assertDatabaseTimeZone(db: Db, timeZone: string): Promise<void> {
  assertTimeZone(timeZone);
  try {
    await sql`select now() at time zone ${timeZone}`.execute(db);
  } catch {
    throw new AppError('invalid_time_zone', `"${timeZone}" is not a time zone the database knows.`);
  }
}

export function assertCurrency(currency: string): void {
  if (!isCurrencyCode(currency)) {
    throw new AppError('unsupported_currency', `"${currency}" is not an ISO 4217 currency code.`);
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === '23505';

export async function getAccount(db: Db, accountId: string): Promise<AccountView> {
  const row = await db
    .selectFrom('accounts')
    .select(['id', 'name', 'default_currency', 'time_zone'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, defaultCurrency: row.default_currency, timeZone: row.time_zone };
}

async function openSession(db: Db, accountId: string, userId: string): Promise<Session> {
  // The account id leads the token, so the session row is found by its tenant key.
  const token = `${accountId}.${randomToken()}`;
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_MAX_DAYS * 86_400_000);
  await db
    .insertInto('sessions')
    .values({ account_id: accountId, token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

export async function signup(
  db: Db,
  input: { accountName: string; email: string; password: string; defaultCurrency: string; timeZone: string },
): Promise<{ account: AccountView; user: UserView; session: Session }> {
  assertCurrency(input.defaultCurrency);
  await assertDatabaseTimeZone(db, input.timeZone);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const account = await trx
        .insertInto('accounts')
        .values({ name: input.accountName, default_currency: input.defaultCurrency, time_zone: input.timeZone })
        .returning('id')
        .executeTakeFirstOrThrow();
      const user = await trx
        .insertInto('users')
        .values({ account_id: account.id, email: input.email, password_hash: passwordHash, role: 'admin' })
        .returning(['id', 'email', 'role'])
        .executeTakeFirstOrThrow();
      const session = await openSession(trx, account.id, user.id);
      return { account: await getAccount(trx, account.id), user, session };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken');
    throw error;
  }
}

export async function login(
  db: Db,
  input: { email: string; password: string },
): Promise<{ account: AccountView; user: UserView; session: Session }> {
  const user = await db
    .selectFrom('users')
    .select(['account_id', 'id', 'email', 'role', 'password_hash'])
    .where(sql`lower(email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  // Hash even when the user is unknown, so the answer's timing does not reveal which e-mails exist.
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok) throw new AppError('invalid_credentials');
  await purgeExpiredSessions(db, new Date(), { accountId: user.account_id, userId: user.id });
  const session = await openSession(db, user.account_id, user.id);
  return { account: await getAccount(db, user.account_id), user: { id: user.id, email: user.email, role: user.role }, session };
}

const DUMMY_HASH = await hashPassword(randomToken());

export async function logout(db: Db, token: string): Promise<void> {
  const accountId = token.split('.')[0] ?? '';
  if (!isInt8Id(accountId)) return;
  await db.deleteFrom('sessions').where('account_id', '=', accountId).where('token_hash', '=', sha256(token)).execute();
  await notifyAccessChanged(db);
}

export async function updateAccount(
  db: Db,
  accountId: string,
  patch: { name?: string; defaultCurrency?: string; timeZone?: string },
): Promise<AccountView> {
  if (patch.defaultCurrency) assertCurrency(patch.defaultCurrency);
  if (patch.timeZone) await assertDatabaseTimeZone(db, patch.timeZone);
  // One transaction: readers see every figure in the old currency or every one in the new.
  return db.transaction().execute(async (trx) => {
    // A new currency or zone changes every conversion's figures or day bucket. Writers of
    // conversions read the account row with a key-share lock before they lock any conversion,
    // so this lock, taken first, waits for those in flight and holds the others off until the
    // change commits; they then figure in the new currency.
    if (patch.timeZone || patch.defaultCurrency)
      await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    const before = await getAccount(trx, accountId);
    await trx
      .updateTable('accounts')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.defaultCurrency !== undefined && { default_currency: patch.defaultCurrency }),
        ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
      })
      .where('id', '=', accountId)
      .execute();
    const newCurrency = patch.defaultCurrency !== undefined && patch.defaultCurrency !== before.defaultCurrency;
    const newZone = patch.timeZone !== undefined && patch.timeZone !== before.timeZone;
    if (newCurrency) {
      // Every row changes: the rollups are summed once afterwards rather than per batch, and
      // the event streams are told once to reload rather than sent every conversion. A
      // conversion in a payout is re-expressed, not clawed back: the payout keeps its amount and
      // currency, and its adjustments and what its lines cover move to the new unit.
      await sql`select set_config('tally.rollups', 'rebuild', true), set_config('tally.events', 'bulk', true),
                       set_config('tally.payouts', 'reexpress', true)`.execute(trx);
      await refigureConversions(trx, accountId);
      await reexpressPayouts(trx, accountId, before.defaultCurrency, patch.defaultCurrency!, dayOfUtc(new Date()));
      await sql`select set_config('tally.rollups', '', true), set_config('tally.events', '', true),
                       set_config('tally.payouts', '', true)`.execute(trx);
    }
    // Day buckets are days in the account's zone: a new zone moves conversions between them.
    if (newCurrency || newZone) {
      await sql`select tally_rebuild_rollups(${accountId})`.execute(trx);
      await logReload(trx, accountId);
    }
    return getAccount(trx, accountId);
  });
}

export async function createUser(db: Db, accountId: string, input: { email: string; password: string; role: Role }): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db
      .insertInto('users')
      .values({ account_id: accountId, email: input.email, password_hash: passwordHash, role: input.role })
      .returning(['id', 'email', 'role'])
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('email_taken');
    throw error;
  }
}

export async function listUsers(db: Db, accountId: string): Promise<UserView[]> {
  return db.selectFrom('users').select(['id', 'email', 'role']).where('account_id', '=', accountId).orderBy('id').execute();
}
