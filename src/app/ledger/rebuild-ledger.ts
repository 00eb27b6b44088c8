import { sql } from 'kysely';
import type { Decision } from '../../core/ledger/state.ts';
import type { Db } from '../../db/connect.ts';
import { nullableBigint } from '../../db/values.ts';
import { applyBatch, type BatchDelivery } from './apply-batch.ts';
import { compareLedgers, type Difference, repairLedger } from './compare-ledgers.ts';
import { keptFactsFromJson } from './kept-facts.ts';
import { orderKey } from './load-batch.ts';
import { lockAccount } from './lock-orders.ts';

// `tally rebuild`: an account's kept deliveries replayed through the ledger's one write path
// into a fresh ledger, then compared with the live one (SPEC §8).
//
// The fresh ledger is a set of temporary tables named like the ledger's (orders, refunds,
// conversions, the audit log, the event log, every rollup), created empty in the rebuild's own
// transaction. A session's temporary tables come first in its search path, so the write path,
// unchanged, writes into them, while it reads the account's settings (codes, members, terms,
// rates) from the real tables. Cached plans are discarded first, so none still points at the
// real tables; the temporary ones are dropped when the transaction ends.
//
// Who each order went to depends on the codes, links and terms known when it first came, not
// now: that decision is kept on the conversion it opened, and the replay reads it from there.
// Reviews (reject / undo) are replayed from the audit log, after the deliveries: the brand's
// approval and the store's status never change each other.

export const LEDGER_TABLES = [
  'orders',
  'refunds',
  'order_deletions',
  'conversions',
  'approval_events',
  'conversion_events',
  'rollup_member_days',
  'rollup_member_months',
  'rollup_member_years',
  'rollup_campaign_days',
  'rollup_campaign_months',
  'rollup_account_days',
  'rollup_creator_days',
  'rollup_creator_weeks',
  'rollup_creator_months',
  'rollup_creator_quarters',
  'rollup_creator_years',
  'rollup_campaign_hours',
] as const;

const CHUNK = 1_000;

export interface RebuildResult {
  deliveries: number;
  reviews: number;
  differences: Difference[];
  /** Whether the live ledger was made equal to the rebuilt one (not with `check`). */
  repaired: boolean;
}

class CheckDone extends Error {
  constructor(readonly result: RebuildResult) {
    super('rebuild checked; rolled back');
  }
}

/**
 * Replays the account's kept deliveries into a fresh ledger and compares it with the live one.
 * With `check`, nothing is changed; otherwise the live ledger is made equal to the rebuilt one.
 * The account's row is locked for the whole of it: its deliveries wait, other accounts' do not.
 */
export async function rebuildLedger(
  db: Db,
  accountId: string,
  options: { check: boolean; onProgress?: (replayed: number) => void },
): Promise<RebuildResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      await lockAccount(trx, accountId);
      const decisions = await keptDecisions(trx, accountId);
      const reviews = await keptReviews(trx, accountId);

      await sql`discard plans`.execute(trx);
      for (const table of LEDGER_TABLES) {
        await sql`create temporary table ${sql.id(table)} (like ${sql.id('public', table)} including all) on commit drop`.execute(trx);
      }
      // Rollups are summed once at the end, and nobody listens to the fresh ledger's events.
      await sql`select set_config('tally.rollups', 'rebuild', true), set_config('tally.events', 'bulk', true)`.execute(trx);

      let replayed = 0;
      for (let after = '0'; ; ) {
        const rows = await trx
          .selectFrom('deliveries as d')
          .select(['d.id', 'd.store_id', 'd.facts', 'd.received_at'])
          .where('d.account_id', '=', accountId)
          .where('d.status', '=', 'done')
          .where('d.id', '>', after)
          .orderBy('d.id')
          .limit(CHUNK)
          .execute();
        if (rows.length === 0) break;
        const batch: BatchDelivery[] = rows.map((r) => ({
          accountId,
          storeId: r.store_id,
          facts: keptFactsFromJson(r.facts),
          receivedAt: r.received_at,
        }));
        await applyBatch(trx, batch, { deciding: { kind: 'recorded', decisions }, accountLocked: true });
        replayed += rows.length;
        options.onProgress?.(replayed);
        after = rows.at(-1)!.id;
      }
      for (let i = 0; i < reviews.length; i += CHUNK) {
        await applyBatch(trx, reviews.slice(i, i + CHUNK), { accountLocked: true });
      }
      await sql`select tally_rebuild_rollups(${accountId})`.execute(trx);

      const differences = await compareLedgers(trx, accountId);
      const result = { deliveries: replayed, reviews: reviews.length, differences, repaired: false };
      if (options.check || differences.length === 0) throw new CheckDone(result);

      await repairLedger(trx, accountId);
      for (const table of LEDGER_TABLES) await sql`drop table ${sql.id('pg_temp', table)}`.execute(trx);
      await sql`discard plans`.execute(trx);
      await sql`select tally_rebuild_rollups(${accountId})`.execute(trx);
      // The account's event streams reload once, as after a change of currency.
      await sql`insert into conversion_events (account_id, conversion_id) values (${accountId}, 0)`.execute(trx);
      return { ...result, repaired: true };
    });
  } catch (error) {
    if (error instanceof CheckDone) return error.result;
    throw error;
  } finally {
    // Plans made against the temporary tables go with them.
    await sql`discard plans`.execute(db).catch(() => undefined);
  }
}

/**
 * The decision each conversion was opened with: the member and terms its order was given when it
 * first came. A conversion row keeps them as they were decided (nothing rewrites them), so they
 * are read from the live conversions, before the fresh tables hide them.
 */
async function keptDecisions(trx: Db, accountId: string): Promise<Map<string, Decision>> {
  const rows = await trx
    .selectFrom('conversions as c')
    .innerJoin('orders as o', (j) => j.onRef('o.account_id', '=', 'c.account_id').onRef('o.id', '=', 'c.order_id'))
    .select([
      'o.store_id',
      'o.external_id',
      'c.campaign_id',
      'c.creator_id',
      'c.via_type',
      'c.via_value',
      'c.terms_percent',
      'c.terms_fixed_minor',
      'c.terms_fixed_currency',
    ])
    .where('c.account_id', '=', accountId)
    .execute();
  return new Map(
    rows.map((r) => [
      orderKey(accountId, r.store_id, r.external_id),
      {
        attribution: { member: { campaignId: r.campaign_id, creatorId: r.creator_id }, via: { type: r.via_type, value: r.via_value } },
        terms: { percent: r.terms_percent, fixedMinor: nullableBigint(r.terms_fixed_minor), fixedCurrency: r.terms_fixed_currency },
      },
    ]),
  );
}

/** Every reject and undo of the account's conversions, oldest first, as facts of their orders. */
async function keptReviews(trx: Db, accountId: string): Promise<BatchDelivery[]> {
  const rows = await sql<{ store_id: string; external_id: string; to_approval: string; actor: string; reason: string | null; at: Date }>`
    select o.store_id, o.external_id, e.to_approval, e.actor, e.reason, e.at
    from approval_events e
    join conversions c on c.account_id = e.account_id and c.id = e.conversion_id
    join orders o on o.account_id = c.account_id and o.id = c.order_id
    where e.account_id = ${accountId}
    order by e.at, e.id`.execute(trx);
  return rows.rows.map((r) => ({
    accountId,
    storeId: r.store_id,
    facts: { kind: 'approval', externalId: r.external_id, action: r.to_approval === 'rejected' ? 'reject' : 'approve' },
    receivedAt: r.at,
    review: { actor: r.actor, reason: r.reason },
  }));
}
