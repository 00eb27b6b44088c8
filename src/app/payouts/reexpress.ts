import { sql } from 'kysely';
import { convertMinor } from '../../core/fx.ts';
import type { Db } from '../../db/connect.ts';
import { rateHistory } from '../fx/rates.ts';

/**
 * After a change of default currency from `from` to `to`, once the conversions are refigured
 * (with no clawback: tally.payouts = 'reexpress'), in the same transaction under the account's
 * lock. Payouts keep their amount and currency: what was authorized or paid never changes.
 * Everything the amounts due are made of is re-expressed like every other figure: each
 * adjustment at the rate in effect on `day` (the day of the change; one without a rate keeps
 * its number), and what each unreleased line covers — an adjustment's line its adjustment, a
 * conversion's line the conversion's current commission less its clawbacks — so the invariant
 * of SPEC §11 holds in the new currency.
 */
export async function reexpressPayouts(trx: Db, accountId: string, from: string, to: string, day: string): Promise<void> {
  const adjustments = await trx
    .selectFrom('payout_adjustments')
    .select(['id', 'amount_minor'])
    .where('account_id', '=', accountId)
    .execute();
  if (adjustments.length > 0) {
    const rates = await rateHistory(trx, accountId, [from, to]);
    const amounts = adjustments.map((a) => {
      const converted = convertMinor({ amountMinor: BigInt(a.amount_minor), from, to, day, rates });
      return (converted.ok ? converted.minor : BigInt(a.amount_minor)).toString();
    });
    await sql`
      update payout_adjustments a set amount_minor = u.amount
      from unnest(${adjustments.map((a) => a.id)}::bigint[], ${amounts}::bigint[]) as u(id, amount)
      where a.account_id = ${accountId} and a.id = u.id`.execute(trx);
  }
  await sql`
    update payout_lines l set settled_minor = a.amount_minor
    from payout_adjustments a
    where l.account_id = ${accountId} and not l.released and a.account_id = l.account_id and a.id = l.adjustment_id`.execute(trx);
  await sql`
    update payout_lines l set settled_minor =
      coalesce((select case when c.counted then coalesce(c.commission_minor, 0) else 0 end
                from conversions c where c.account_id = l.account_id and c.id = l.conversion_id), 0)
      - coalesce((select sum(a.amount_minor) from payout_adjustments a
                  where a.account_id = l.account_id and a.conversion_id = l.conversion_id), 0)
    where l.account_id = ${accountId} and not l.released and l.conversion_id is not null`.execute(trx);
}
