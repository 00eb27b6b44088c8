import { toMoney } from '../../core/money.ts';
import type { Db } from '../../db/connect.ts';
import type { TAdjustment } from '../../schemas/payouts.ts';
import type { Principal } from '../accounts/credentials.ts';
import { AppError, notFound } from '../errors.ts';
import { logPayoutsChanged } from '../events/events.ts';
import { defaultCurrencyMinor } from './amounts.ts';
import { audit } from './audit.ts';

// A creator's adjustments (SPEC §11): bonuses and deductions made by hand, and the clawbacks
// the database adds when a conversion already in a payout changes (migration 0018). Each is in
// the amount due until a payout holds it.

async function assertCreator(db: Db, accountId: string, creatorId: string): Promise<void> {
  const row = await db
    .selectFrom('creators')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', creatorId)
    .executeTakeFirst();
  if (!row) throw notFound('Creator');
}

function adjustments(db: Db, accountId: string) {
  return db
    .selectFrom('payout_adjustments as a')
    .innerJoin('accounts as t', 't.id', 'a.account_id')
    .select((eb) => [
      'a.id',
      'a.creator_id',
      'a.kind',
      'a.amount_minor',
      'a.reason',
      'a.conversion_id',
      'a.actor',
      'a.created_at',
      't.default_currency',
      eb
        .selectFrom('payout_lines as l')
        .select('l.payout_id')
        .whereRef('l.account_id', '=', 'a.account_id')
        .whereRef('l.adjustment_id', '=', 'a.id')
        .where('l.released', '=', false)
        .as('payout_id'),
    ])
    .where('a.account_id', '=', accountId);
}

type Row = Awaited<ReturnType<ReturnType<typeof adjustments>['execute']>>[number];

const view = (r: Row): TAdjustment => ({
  id: r.id,
  creatorId: r.creator_id,
  kind: r.kind,
  amount: toMoney(BigInt(r.amount_minor), r.default_currency),
  reason: r.reason,
  conversionId: r.conversion_id,
  payoutId: r.payout_id,
  actor: r.actor,
  createdAt: r.created_at.toISOString(),
});

/** A bonus (positive) or a deduction (negative), in the default currency, with its reason. */
export async function createAdjustment(
  db: Db,
  caller: Principal,
  creatorId: string,
  input: { amount: { value: string; currency: string }; reason: string },
): Promise<TAdjustment> {
  const { accountId } = caller;
  const id = await db.transaction().execute(async (trx) => {
    // Key-share: a change of default currency (FOR UPDATE) is not half seen.
    const account = await trx
      .selectFrom('accounts')
      .select('default_currency')
      .where('id', '=', accountId)
      .forKeyShare()
      .executeTakeFirstOrThrow();
    await assertCreator(trx, accountId, creatorId);
    const minor = defaultCurrencyMinor('amount', input.amount, account.default_currency, true);
    if (minor === 0n) throw new AppError('invalid_amount', 'amount: an adjustment of zero changes nothing.');
    const row = await trx
      .insertInto('payout_adjustments')
      .values({
        account_id: accountId,
        creator_id: creatorId,
        kind: 'manual',
        amount_minor: minor.toString(),
        reason: input.reason,
        actor: caller.actor,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const what = minor > 0n ? 'bonus' : 'deduction';
    const detail = `${what} of ${toMoney(minor, account.default_currency).value} ${account.default_currency}: ${input.reason}`;
    await audit(trx, accountId, [{ actor: caller.actor, action: 'adjust', creatorId, detail }]);
    await logPayoutsChanged(trx, accountId);
    return row.id;
  });
  return view((await adjustments(db, accountId).where('a.id', '=', id).executeTakeFirst())!);
}

export async function listAdjustments(db: Db, accountId: string, creatorId: string): Promise<TAdjustment[]> {
  await assertCreator(db, accountId, creatorId);
  const rows = await adjustments(db, accountId).where('a.creator_id', '=', creatorId).orderBy('a.id', 'desc').execute();
  return rows.map(view);
}
