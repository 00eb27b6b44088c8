import { sql } from 'kysely';
import { toMoney } from '../../core/money.ts';
import { amountDue, type CreatorBalance } from '../../core/payouts.ts';
import type { Db } from '../../db/connect.ts';
import type { TDue } from '../../schemas/payouts.ts';
import { assertCampaign } from '../campaigns/campaigns.ts';

// What each creator is owed now for one campaign's conversions (its Performance table): the
// same figures as the account's amounts due, restricted to the conversions of that campaign and
// to the clawbacks made for them. Manual bonuses and deductions belong to no campaign, so they
// are left out here: these rows need not add up to the account's.

/** Each creator's on hold, payable, clawbacks and amount due for the campaign's conversions, by name then id. */
export async function campaignAmountsDue(db: Db, accountId: string, campaignId: string, now: Date): Promise<TDue> {
  await assertCampaign(db, accountId, campaignId);
  const account = await db.selectFrom('accounts').select('default_currency').where('id', '=', accountId).executeTakeFirstOrThrow();
  const currency = account.default_currency;
  // The core's isOnHold in SQL: held while the order's date plus the hold's days (of 86,400 s) is after now.
  const held = sql<boolean>`c.order_date + k.hold_days * interval '86400 seconds' > ${now.toISOString()}::timestamptz`;
  const { rows } = await sql<{ creator_id: string; name: string; on_hold: string; payable: string; adjustments: string }>`
    with free as (
      select c.creator_id,
             coalesce(sum(c.commission_minor) filter (where ${held}), 0) as on_hold,
             coalesce(sum(c.commission_minor) filter (where not ${held}), 0) as payable
      from conversions c
      join campaigns k on k.account_id = c.account_id and k.id = c.campaign_id
      where c.account_id = ${accountId} and c.campaign_id = ${campaignId} and c.counted
        and not exists (select 1 from payout_lines l
                        where l.account_id = c.account_id and l.conversion_id = c.id and not l.released)
      group by c.creator_id
    ), adjusted as (
      select a.creator_id, sum(a.amount_minor) as adjustments
      from payout_adjustments a
      join conversions c on c.account_id = a.account_id and c.id = a.conversion_id
      where a.account_id = ${accountId} and c.campaign_id = ${campaignId}
        and not exists (select 1 from payout_lines l
                        where l.account_id = a.account_id and l.adjustment_id = a.id and not l.released)
      group by a.creator_id
    )
    select r.id as creator_id, r.name, coalesce(f.on_hold, 0)::text as on_hold, coalesce(f.payable, 0)::text as payable,
           coalesce(j.adjustments, 0)::text as adjustments
    from creators r
    left join free f on f.creator_id = r.id
    left join adjusted j on j.creator_id = r.id
    where r.account_id = ${accountId} and (f.creator_id is not null or j.creator_id is not null)
      and (coalesce(f.on_hold, 0) <> 0 or coalesce(f.payable, 0) <> 0 or coalesce(j.adjustments, 0) <> 0)
    order by r.name, r.id`.execute(db);
  const balances = rows.map((r) => ({ onHold: BigInt(r.on_hold), payable: BigInt(r.payable), adjustments: BigInt(r.adjustments) }));
  const sum = (part: keyof CreatorBalance) => balances.reduce((n, b) => n + b[part], 0n);
  const totals = { onHold: sum('onHold'), payable: sum('payable'), adjustments: sum('adjustments') };
  return {
    currency,
    totals: {
      creators: rows.length,
      onHold: toMoney(totals.onHold, currency),
      payable: toMoney(totals.payable, currency),
      adjustments: toMoney(totals.adjustments, currency),
      amountDue: toMoney(amountDue(totals), currency),
    },
    creators: rows.map((r, i) => {
      const balance = balances[i]!;
      return {
        creatorId: r.creator_id,
        name: r.name,
        onHold: toMoney(balance.onHold, currency),
        payable: toMoney(balance.payable, currency),
        adjustments: toMoney(balance.adjustments, currency),
        amountDue: toMoney(amountDue(balance), currency),
      };
    }),
    nextCursor: null,
  };
}
