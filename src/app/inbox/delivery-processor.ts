import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { isDatabaseAway } from '../../db/outage.ts';
import { type DeliveryFacts, factsFromJson } from '../../stores/facts.ts';
import { applyBatch } from '../ledger/apply-batch.ts';
import { orderLockKey } from '../ledger/lock-orders.ts';

// Applies stored deliveries to the ledger, in batches, fairly across accounts, and never lets
// one delivery hold back another (SPEC §8).
//
// A delivery is fresh until it fails. Each round:
//
// 1. One transaction claims fresh deliveries in turns across the accounts that have work (the
//    oldest of each account, one each in turn, up to the batch size: see CLAIM), skipping any
//    account busy with a long operation (a change of default currency holds its row FOR
//    UPDATE; the claim takes each account's row FOR KEY SHARE SKIP LOCKED and keeps it, so that
//    change waits for this batch, and its account's deliveries wait for the change, not the
//    others'). The claimed rows are marked done in the same statement (FOR UPDATE SKIP LOCKED,
//    so any number of processes share the work; a rollback makes them pending again) and
//    applied as one batch (ledger/apply-batch.ts), inside a savepoint. If the batch fails, each
//    account's part is applied on its own (a savepoint each): the accounts whose part goes
//    through commit with the claim, and the part that fails is marked for a retry (it becomes a
//    retry, due at once, no attempt counted: it has not failed on its own yet).
// 2. The same claim statement names up to `retryLimit` retries that are due, again in turns
//    across accounts. They are taken a few of one account at a time (RETRY_CHUNK), each chunk
//    in a transaction of its own, and applied with halves, then singles (savepoints): what goes
//    through commits, and a delivery that fails on its own gets an attempt counted and a
//    backoff, or after `maxAttempts` becomes a dead letter with the error as its reason. A
//    delivery that failed on its own before is retried on its own. Between two chunks the
//    processor rests as long as the chunk took, and fresh deliveries stored meanwhile go first.
//
// So a round's work is bounded (a batch, a split by account, and a chunk or a few of retries),
// and no delivery is ever taken again before its next_attempt_at: nothing retries in a tight
// loop. Kept facts that cannot be read at all are dead letters at once (the same bytes never
// read better; a replay reads them again). Orders are locked in one global order (their lock
// key), so two batches never wait on each other in a cycle.

interface Claimed {
  accountId: string;
  id: string;
  storeId: string;
  facts: DeliveryFacts;
  receivedAt: Date;
  /** Failures of this delivery on its own so far. */
  attempts: number;
}

interface ClaimedRow {
  account_id: string;
  id: string;
  store_id: string;
  facts: unknown;
  received_at: Date;
  attempts: number;
}

const externalIdOf = (facts: DeliveryFacts) =>
  facts.kind === 'order' ? facts.order.externalId : facts.kind === 'refund' ? facts.orderExternalId : facts.externalId;

// The moment a fact speaks for: an order version its store updated_at; a refund or a deletion
// when it was received. The rules give the same result in any order; this one avoids
// overwriting a version with an older one only to have it overwritten again.
const momentOf = (d: Pick<Claimed, 'facts' | 'receivedAt'>) =>
  d.facts.kind === 'order' ? d.facts.order.updatedAt.getTime() : d.receivedAt.getTime();

/** The claimed deliveries, grouped by order in lock order, each group in store updated_at order. */
export function inApplyOrder<T extends Pick<Claimed, 'accountId' | 'storeId' | 'facts' | 'receivedAt' | 'id'>>(claimed: readonly T[]): T[] {
  const keyed = claimed.map((d) => ({ d, key: orderLockKey({ accountId: d.accountId, storeId: d.storeId }, externalIdOf(d.facts)) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : momentOf(a.d) - momentOf(b.d) || Number(BigInt(a.d.id) - BigInt(b.d.id))));
  return keyed.map((k) => k.d);
}

// ---------------------------------------------------------------------------------------------
// Failures

/**
 * Why applying failed, which decides what happens to the deliveries:
 *
 * - 'away': the database is unreachable, shutting down, out of connections, disk or memory.
 *   Nothing can be recorded and it says nothing about the deliveries: the transaction is lost,
 *   they are pending as they were, and the processor stops until its next wake (the sweeper's
 *   interval, 2 s). An outage must never turn a store's orders into dead letters that someone
 *   has to replay by hand: users expect them to be applied, late, once the database is back.
 * - 'contention': a serialization failure, a deadlock or a lock not available (40001, 40P01,
 *   55P03). That is a race with another writer, not a property of the delivery (orders are
 *   locked in one global order, so a deadlock needs a writer outside the processor), and a
 *   retry goes through. It is retried after `contentionDelayMs` (not at once, so never in a
 *   tight loop) without counting an attempt, and logged each time, so a race that somehow
 *   kept recurring would show in the log rather than dead-letter good orders.
 * - 'delivery': anything else (an error of the rules, a constraint, numeric out of range
 *   22003…): it counts as an attempt, and after `maxAttempts` the delivery is a dead letter.
 */
export type FailureKind = 'away' | 'contention' | 'delivery';

const CONTENTION = new Set(['40001', '40P01', '55P03']);

export function failureKind(error: unknown): FailureKind {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (CONTENTION.has(code)) return 'contention';
  return isDatabaseAway(error) ? 'away' : 'delivery';
}

const messageOf = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 1000 ? `${message.slice(0, 1000)}…` : message;
};

/**
 * What the log may say of an error: its class, SQLSTATE and the schema names the database gives
 * (table, column, constraint, routine), never its message, which can quote client data (an
 * amount, a name, a code). The message is kept on the delivery (last_error, the reason of a
 * dead letter), which only its own account sees.
 */
export function errorFields(error: unknown): Record<string, string> {
  const e = (error ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = { error: error instanceof Error ? error.constructor.name : typeof error };
  for (const key of ['code', 'table', 'column', 'constraint', 'routine'] as const) {
    if (typeof e[key] === 'string' && e[key] !== '') fields[key] = e[key];
  }
  return fields;
}

export interface RetryPolicy {
  /** Failures of a delivery on its own after which it is a dead letter. */
  maxAttempts: number;
  /** The wait after its first failure; each later failure waits `backoffFactor` times longer. */
  backoffMs: number;
  backoffFactor: number;
  /** The wait after a contention failure (not counted as an attempt). */
  contentionDelayMs: number;
}

/** 1 s, 4 s, 16 s, 64 s, then a dead letter: about a minute and a half after the first failure. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, backoffMs: 1_000, backoffFactor: 4, contentionDelayMs: 1_000 };

/** A pino (Fastify) logger, or anything with the same two methods. */
export interface ProcessorLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const SILENT: ProcessorLog = { warn: () => undefined, error: () => undefined };

interface Context {
  policy: RetryPolicy;
  log: ProcessorLog;
}

export type Outcome = 'done' | 'retry' | 'dead';

/** A delivery settled by a transaction that committed: applied, rescheduled or buried. */
export interface Settled {
  storeId: string;
  receivedAt: Date;
  outcome: Outcome;
}

/** Told of the deliveries each committed transaction settled (the server's metrics). */
export type SettledReport = (settled: Settled[]) => void;

const settledOf = (rows: readonly ClaimedRow[], outcomes: ReadonlyMap<string, Outcome>): Settled[] =>
  rows.flatMap((r) => {
    const outcome = outcomes.get(r.id);
    return outcome === undefined ? [] : [{ storeId: r.store_id, receivedAt: r.received_at, outcome }];
  });

/** Records a failure of one delivery applied on its own, in the transaction that claimed it. */
async function recordFailure(trx: Db, d: Pick<Claimed, 'accountId' | 'id' | 'attempts'>, error: unknown, ctx: Context): Promise<Outcome> {
  const kind = failureKind(error);
  if (kind === 'away') throw error;
  const message = messageOf(error);
  const where = { accountId: d.accountId, deliveryId: d.id };
  if (kind === 'contention') {
    const delayMs = ctx.policy.contentionDelayMs;
    await sql`/* statement: deliveries.retry */
      update deliveries
      set status = 'pending', next_attempt_at = now() + ${delayMs}::float8 * interval '1 millisecond', last_error = ${message}
      where account_id = ${d.accountId} and id = ${d.id}`.execute(trx);
    ctx.log.warn(
      { ...where, attempts: d.attempts, retryInMs: delayMs, contention: true, ...errorFields(error) },
      'a delivery met a concurrent writer; it is retried without counting an attempt',
    );
    return 'retry';
  }
  const attempts = d.attempts + 1;
  if (attempts >= ctx.policy.maxAttempts) {
    await sql`/* statement: deliveries.bury */
      update deliveries set status = 'dead', attempts = ${attempts}, last_error = ${message}, reason = ${`could not be applied: ${message}`}
      where account_id = ${d.accountId} and id = ${d.id}`.execute(trx);
    ctx.log.error({ ...where, attempts, ...errorFields(error) }, 'a delivery could not be applied; it is now a dead letter');
    return 'dead';
  }
  const delayMs = ctx.policy.backoffMs * ctx.policy.backoffFactor ** (attempts - 1);
  await sql`/* statement: deliveries.retry-later */
    update deliveries
    set status = 'pending', attempts = ${attempts}, next_attempt_at = now() + ${delayMs}::float8 * interval '1 millisecond',
        last_error = ${message}
    where account_id = ${d.accountId} and id = ${d.id}`.execute(trx);
  ctx.log.warn({ ...where, attempts, retryInMs: delayMs, ...errorFields(error) }, 'a delivery could not be applied; it will be retried');
  return 'retry';
}

/** Kept facts that do not parse: the same bytes will never parse better, so a dead letter at once (replayable). */
async function buryUnreadable(trx: Db, row: ClaimedRow, error: unknown, ctx: Context): Promise<void> {
  const message = `the kept facts cannot be read: ${messageOf(error)}`;
  await sql`update deliveries set status = 'dead', last_error = ${message}, reason = ${`could not be applied: ${message}`}
    where account_id = ${row.account_id} and id = ${row.id}`.execute(trx);
  ctx.log.error(
    { accountId: row.account_id, deliveryId: row.id, ...errorFields(error) },
    'a delivery could not be applied; it is now a dead letter',
  );
}

async function parseClaimed(trx: Db, rows: readonly ClaimedRow[], ctx: Context): Promise<Claimed[]> {
  const claimed: Claimed[] = [];
  for (const r of rows) {
    let facts: DeliveryFacts;
    try {
      facts = factsFromJson(r.facts);
    } catch (error) {
      await buryUnreadable(trx, r, error, ctx);
      continue;
    }
    claimed.push({
      accountId: r.account_id,
      id: r.id,
      storeId: r.store_id,
      facts,
      receivedAt: r.received_at,
      attempts: Number(r.attempts),
    });
  }
  return claimed;
}

/**
 * Applies the deliveries in a savepoint of the caller's transaction; on failure rolls it back
 * and returns the error (or throws it when the database is away).
 */
async function attempt(trx: Db, deliveries: readonly Claimed[]): Promise<{ ok: true } | { ok: false; error: unknown }> {
  await sql`savepoint apply`.execute(trx);
  try {
    await applyBatch(trx, inApplyOrder(deliveries));
  } catch (error) {
    if (failureKind(error) === 'away') throw error;
    try {
      await sql`rollback to savepoint apply`.execute(trx);
      await sql`release savepoint apply`.execute(trx);
    } catch {
      throw error; // the transaction is lost: whatever it claimed is pending again
    }
    return { ok: false, error };
  }
  await sql`release savepoint apply`.execute(trx);
  return { ok: true };
}

/** Halves, then singles: what goes through stays, a single that fails has its failure recorded. */
async function applyIsolating(trx: Db, deliveries: readonly Claimed[], ctx: Context, outcomes: Map<string, Outcome>): Promise<void> {
  if (deliveries.length === 0) return;
  const result = await attempt(trx, deliveries);
  if (result.ok) {
    for (const d of deliveries) outcomes.set(d.id, 'done');
    return;
  }
  if (deliveries.length === 1) {
    outcomes.set(deliveries[0]!.id, await recordFailure(trx, deliveries[0]!, result.error, ctx));
    return;
  }
  const ordered = inApplyOrder(deliveries);
  const half = Math.ceil(ordered.length / 2);
  await applyIsolating(trx, ordered.slice(0, half), ctx, outcomes);
  await applyIsolating(trx, ordered.slice(half), ctx, outcomes);
}

// ---------------------------------------------------------------------------------------------
// Claims

// The accounts with pending deliveries are found by a loose index scan of the pending index
// (migration 0013: account_id, next_attempt_at, id), one probe per account: from the account
// after `after` upwards, then from the lowest up to `after`, at most `cap` accounts. With more
// accounts than that at once, the processor moves `after` on, so each gets its turn. Each
// account's row is then locked FOR KEY SHARE SKIP LOCKED (kept until the batch commits): an
// account whose row is held FOR UPDATE (a change of default currency or time zone) is left
// out. Of the others, each has its fresh deliveries counted up to an equal share of the batch
// (so the counts read about a batch of index entries, whatever the backlogs), and turns are
// dealt: every account's first, then every account's second…, the account waiting longest
// first within a turn; what the accounts with less than a share leave goes, in turns again, to
// those with a full share. Each account's claim is then its number of turns, taken as its
// oldest fresh deliveries FOR UPDATE SKIP LOCKED (so two processes take different ones) and
// marked done. So an account with fewer than its share takes them all and the rest is shared
// by the others: one account's burst, backlog or poison fills only its own share of a batch,
// and a lone account still gets full batches. The same walk names the due retries, again in
// turns across accounts (at most `retryLimit`, not locked here).
//
// The sizes are written into the text (they change only with the processor's options), so a
// prepared statement's generic plan knows the batch is small and probes the primary key for it.
const size = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a batch size: ${n}`);
  return sql.lit(n);
};

export const CLAIM = (after: string, cap: number, limit: number, retryLimit: number) => sql<{
  kind: 'fresh' | 'retry' | 'walked';
  account_id: string | null;
  id: string | null;
  store_id: string | null;
  facts: unknown;
  received_at: Date | null;
  attempts: number | null;
}>`/* statement: deliveries.claim */
  with recursive
  upper_walk(account_id, n) as (
    (select account_id, 1 from deliveries where status = 'pending' and account_id > ${after}::bigint order by account_id limit 1)
    union all
    select (select d.account_id from deliveries d
            where d.status = 'pending' and d.account_id > w.account_id order by d.account_id limit 1), w.n + 1
    from upper_walk w where w.account_id is not null and w.n < ${size(cap)}
  ),
  lower_walk(account_id, n) as (
    (select account_id, 1 from deliveries where status = 'pending' and account_id <= ${after}::bigint order by account_id limit 1)
    union all
    select (select d.account_id from deliveries d
            where d.status = 'pending' and d.account_id > w.account_id and d.account_id <= ${after}::bigint
            order by d.account_id limit 1), w.n + 1
    from lower_walk w where w.account_id is not null and w.n < ${size(cap)}
  ),
  walked as materialized (
    select account_id, n from (
      select account_id, n from upper_walk where account_id is not null
      union all
      select account_id, ${size(cap)} + n from lower_walk where account_id is not null
    ) w order by n limit ${size(cap)}
  ),
  free as materialized (
    select a.id as account_id from accounts a where a.id in (select account_id from walked) order by a.id for key share of a skip locked
  ),
  -- An equal share of the batch for each account; each account's fresh deliveries are counted
  -- up to it, so the counts read at most about a batch of index entries whatever the backlogs.
  share as (select ceil(${size(limit)}::numeric / greatest(count(*), 1))::int as share from free),
  fresh_counts as (
    select f.account_id, c.n, c.first_id, c.n = s.share as is_full from free f
    cross join share s
    cross join lateral (
      select count(*)::int as n, min(x.id) as first_id from (
        select d.id from deliveries d
        where d.account_id = f.account_id and d.status = 'pending' and d.next_attempt_at is null
        order by d.next_attempt_at, d.id limit s.share
      ) x
    ) c
    where c.n > 0
  ),
  -- Turns dealt: each account's first, then each one's second…, the longest waiting first.
  dealt as (
    select account_id, count(*)::int as q from (
      select fc.account_id from fresh_counts fc cross join generate_series(1, fc.n) as t(turn)
      order by t.turn, fc.first_id limit ${size(limit)}
    ) t group by account_id
  ),
  -- What the accounts with less than a share left goes to those with a full share (which may
  -- have more), in turns again.
  spare as (select ${size(limit)} - coalesce(sum(q), 0)::int as spare from dealt),
  fulls as (
    select account_id, row_number() over (order by first_id)::int as r, count(*) over ()::int as k from fresh_counts where is_full
  ),
  quotas as (
    select d.account_id, d.q + case when s.spare > 0 and f.k is not null then s.spare / f.k + (f.r <= s.spare % f.k)::int else 0 end as q
    from dealt d cross join spare s left join fulls f on f.account_id = d.account_id
  ),
  picked as (
    select p.account_id, p.id from quotas q
    cross join lateral (
      select d.account_id, d.id from deliveries d
      where d.account_id = q.account_id and d.status = 'pending' and d.next_attempt_at is null
      order by d.next_attempt_at, d.id limit q.q
      for update of d skip locked
    ) p
    -- No more than the quotas add up to; said here so that the UPDATE below is planned for a
    -- batch (a probe of the primary key each), not for a table.
    limit ${size(limit)}
  ),
  claimed as (
    update deliveries d set status = 'done', processed_at = now()
    from picked p
    where d.account_id = p.account_id and d.id = p.id
    returning d.account_id, d.id, d.store_id, d.facts, d.received_at, d.attempts
  ),
  retries as (
    select r.account_id, r.id from (
      select r.account_id, r.id, r.next_attempt_at, row_number() over (partition by r.account_id order by r.next_attempt_at, r.id) as turn
      from free f
      cross join lateral (
        select d.account_id, d.id, d.next_attempt_at from deliveries d
        where d.account_id = f.account_id and d.status = 'pending' and d.next_attempt_at <= now()
        order by d.next_attempt_at, d.id limit ${size(retryLimit)}
      ) r
    ) r
    order by r.turn, r.next_attempt_at, r.id limit ${size(retryLimit)}
  )
  select 'fresh' as kind, account_id, id, store_id, facts, received_at, attempts from claimed
  union all
  select 'retry', account_id, id, null, null, null, null from retries
  union all
  select 'walked', (select account_id from walked order by n desc limit 1), (select count(*) from walked), null, null, null, null`;

/** Takes an account's due retries (named by a claim) if nobody else has, and its account is not busy. */
const CLAIM_RETRIES = (accountId: string, ids: readonly string[]) => sql<ClaimedRow>`/* statement: deliveries.claim-retries */
  with account as materialized (select id from accounts where id = ${accountId}::bigint for key share skip locked)
  update deliveries d set status = 'done', processed_at = now()
  from (
    select d.account_id, d.id from deliveries d, account a
    where d.account_id = a.id and d.id = any(${ids}::bigint[]) and d.status = 'pending' and d.next_attempt_at <= now()
    for update of d skip locked
  ) p
  where d.account_id = p.account_id and d.id = p.id
  returning d.account_id, d.id, d.store_id, d.facts, d.received_at, d.attempts`;

/**
 * Takes the named retries of one account in a transaction of their own and applies them: each
 * one that failed on its own before alone, the others together, then halves, then singles.
 * Returns the outcome of each delivery it took (none when the account is busy or another
 * process took them).
 */
export async function applyRetries(
  db: Db,
  accountId: string,
  ids: readonly string[],
  options: { retry?: Partial<RetryPolicy>; log?: ProcessorLog; onSettled?: SettledReport } = {},
): Promise<Map<string, Outcome>> {
  const ctx: Context = { policy: { ...DEFAULT_RETRY, ...options.retry }, log: options.log ?? SILENT };
  const outcomes = new Map<string, Outcome>();
  let rows: ClaimedRow[] = [];
  await db.transaction().execute(async (trx) => {
    outcomes.clear();
    rows = (await CLAIM_RETRIES(accountId, ids).execute(trx)).rows;
    const claimed = await parseClaimed(trx, rows, ctx);
    for (const r of rows) if (!claimed.some((c) => c.id === r.id)) outcomes.set(r.id, 'dead');
    for (const d of claimed.filter((c) => c.attempts > 0)) await applyIsolating(trx, [d], ctx, outcomes);
    await applyIsolating(
      trx,
      claimed.filter((c) => c.attempts === 0),
      ctx,
      outcomes,
    );
  });
  if (outcomes.size > 0) options.onSettled?.(settledOf(rows, outcomes));
  return outcomes;
}

/** What one round did. */
export interface Round {
  /** Fresh deliveries claimed (a full batch means a backlog). */
  claimed: number;
  /** Deliveries settled or rescheduled: the fresh ones and the retries taken. */
  settled: number;
  /** The account the next claim walks from (see CLAIM). */
  after: string;
}

export interface RoundOptions {
  retry?: Partial<RetryPolicy>;
  /** Most retries taken in one round. */
  retryLimit?: number;
  log?: ProcessorLog;
  after?: string;
  /** True when fresh deliveries came in since the round began: retries then wait for the next round. */
  fresher?: () => boolean;
  /** Waits between two chunks of retries (the processor's rest, which a stop cuts short). */
  pause?: (ms: number) => Promise<void>;
  onSettled?: SettledReport;
}

/** Most retries of one account applied in one transaction (halves, then singles). */
const RETRY_CHUNK = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One round: claims up to `limit` fresh deliveries fairly across accounts and applies them (see
 * the top of this file), then up to `retryLimit` due retries. Throws when the database is away
 * (nothing is recorded then: the deliveries stay as they were).
 */
export async function processPendingBatch(db: Db, limit: number, options: RoundOptions = {}): Promise<Round> {
  const ctx: Context = { policy: { ...DEFAULT_RETRY, ...options.retry }, log: options.log ?? SILENT };
  const retryLimit = options.retryLimit ?? 20;
  let claimed = 0;
  let after = '0';
  const retries = new Map<string, string[]>();
  let fresh: ClaimedRow[] = [];
  // The fresh deliveries' outcomes; a part that failed as a whole has none yet (its retry will).
  const outcomes = new Map<string, Outcome>();
  await db.transaction().execute(async (trx) => {
    claimed = 0;
    retries.clear();
    fresh = [];
    outcomes.clear();
    // Named in turns across accounts (the claim's order), kept in that order per account.
    const rows = (await CLAIM(options.after ?? '0', limit, limit, retryLimit).execute(trx)).rows;
    for (const r of rows) {
      if (r.kind === 'fresh') fresh.push(r as ClaimedRow);
      else if (r.kind === 'retry') retries.set(r.account_id!, [...(retries.get(r.account_id!) ?? []), r.id!]);
      // A walk that reached its cap may have left accounts out: the next one starts after it.
      else after = r.account_id !== null && Number(r.id) >= limit ? r.account_id : '0';
    }
    claimed = fresh.length;
    const deliveries = await parseClaimed(trx, fresh, ctx);
    for (const r of fresh) outcomes.set(r.id, 'dead');
    for (const d of deliveries) outcomes.set(d.id, 'done');
    if (deliveries.length === 0) return;
    const batch = await attempt(trx, deliveries);
    if (batch.ok) return;
    // One account's part that fails never holds back another's: each account's part on its own.
    const byAccount = new Map<string, Claimed[]>();
    for (const d of deliveries) byAccount.set(d.accountId, [...(byAccount.get(d.accountId) ?? []), d]);
    ctx.log.warn(
      { deliveries: deliveries.length, accounts: byAccount.size, ...errorFields(batch.error) },
      'a batch of deliveries failed; the part of each account is applied on its own',
    );
    const failed: Array<{ part: Claimed[]; error: unknown }> = [];
    if (byAccount.size === 1) failed.push({ part: deliveries, error: batch.error });
    else {
      for (const part of byAccount.values()) {
        const result = await attempt(trx, part);
        if (!result.ok) failed.push({ part, error: result.error });
      }
    }
    // The parts that failed are retried at once in the retry path (halves, then singles), which
    // takes at most `retryLimit` in a round: a poisoned part costs this round no more.
    for (const { part, error } of failed) {
      for (const d of part) outcomes.delete(d.id);
      await sql`/* statement: deliveries.suspect */
        update deliveries set status = 'pending', next_attempt_at = now(), last_error = ${messageOf(error)}
        where account_id = ${part[0]!.accountId}::bigint and id = any(${part.map((d) => d.id)}::bigint[])`.execute(trx);
    }
  });
  // The retries, a few of an account at a time and the accounts in turns. After the first chunk,
  // fresh deliveries stored meanwhile go first (the next round), so a poison backlog being
  // retried delays another account's deliveries by about a chunk, and still gets a chunk each
  // round during a burst. Between two chunks the processor rests as long as the chunk took:
  // retries are background work, and on the embedded database (one connection) the inbox's
  // statements get their turn. What is left is still due, for the next round.
  if (outcomes.size > 0) options.onSettled?.(settledOf(fresh, outcomes));
  let settled = claimed;
  const chunks: Array<[string, string[]]> = [];
  for (let taken = true; taken; ) {
    taken = false;
    for (const [accountId, ids] of retries) {
      if (ids.length === 0) continue;
      chunks.push([accountId, ids.splice(0, RETRY_CHUNK)]);
      taken = true;
    }
  }
  let took = 0;
  for (const [i, [accountId, ids]] of chunks.entries()) {
    if (i > 0) {
      await (options.pause ?? sleep)(took);
      if (options.fresher?.()) break;
    }
    const started = performance.now();
    const outcomes = await applyRetries(db, accountId, ids, options);
    took = performance.now() - started;
    settled += outcomes.size;
    // Taken by another process, or its account busy: the next chunk at once.
    if (outcomes.size === 0) took = 0;
  }
  return { claimed, settled, after };
}

// ---------------------------------------------------------------------------------------------
// The processor

export interface ProcessorOptions {
  /** Most fresh deliveries claimed and applied in one transaction. */
  batchSize?: number;
  /** Most retries taken in one round (each account's share in a transaction of its own). */
  retryLimit?: number;
  /** Attempts and backoff of a delivery that fails while it is applied. */
  retry?: Partial<RetryPolicy>;
  /**
   * Batches applied at once, each in its own transaction on its own connection (they claim
   * disjoint deliveries). 1 on the embedded database, which has one connection.
   */
  workers?: number;
  /**
   * The inbox's running count of the pending deliveries it stored (`DeliveryBatcher.storedTotal`).
   * While it grows during full batches, the inbox goes first: see `DeliveryProcessor`.
   */
  inboxStored?: () => number;
  /** Each failure of a delivery and each dead letter, without client data. */
  log?: ProcessorLog;
  /** The database is away: the processor stops until its next wake. */
  onError?: (error: unknown) => void;
  /** The deliveries each committed transaction settled. */
  onSettled?: SettledReport;
}

/** The longest rest between two batches during a burst. */
const MAX_REST_MS = 1_000;

/**
 * One per server process: woken after each commit of stored deliveries and by the sweeper's
 * interval, it applies rounds until nothing it can claim is left. A wake starts a worker when
 * none runs; a worker that claimed a full batch (a backlog) brings in another, up to `workers`.
 * More workers than the backlog needs would only split it into smaller batches that wait on
 * each other (they update the same rollup rows), so a worker that claimed less than a full batch
 * stops while another runs. The last worker stops when a round finds nothing and no wake came
 * since the round began. Retries not yet due are left to a later wake (the sweeper's).
 *
 * The inbox goes first. A burst is answered at the speed of the inbox and applied at the speed
 * of the ledger, and both share the machine (this process's event loop, the database's CPU).
 * During a burst (a batch claimed full, so a backlog, while the inbox stored more deliveries)
 * one worker applies, and after each batch it rests as long as the batch took. So the ledger
 * takes about half of the time it would otherwise, it never stops, and it applies the backlog
 * at full speed once the burst ends. A steady stream the ledger keeps up with never fills a
 * batch, and is applied as it comes.
 */
export class DeliveryProcessor {
  private readonly loops = new Set<Promise<void>>();
  // Workers between their start and their last decision; a worker leaves this count as it
  // decides to stop, before its promise settles, so a wake or a worker deciding at the same
  // moment sees it gone.
  private active = 0;
  private wakes = 0;
  private stopping = false;
  /** Where the next claim's walk of the accounts starts (see CLAIM). */
  private after = '0';
  private readonly batchSize: number;
  private readonly workers: number;
  private readonly inboxStored: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly round: RoundOptions;
  private readonly resting = new Set<() => void>();
  private progressAt: number | null = null;

  constructor(
    private readonly db: Db,
    options: ProcessorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.workers = options.workers ?? 1;
    this.inboxStored = options.inboxStored ?? (() => 0);
    this.onError = options.onError ?? (() => undefined);
    this.round = {
      retry: options.retry,
      retryLimit: options.retryLimit,
      log: options.log,
      onSettled: (settled) => {
        this.progressAt = Date.now();
        options.onSettled?.(settled);
      },
    };
  }

  /** When this process last settled a delivery (ms since the epoch), or null if it never has. */
  lastProgress(): number | null {
    return this.progressAt;
  }

  wake(): void {
    if (this.stopping) return;
    this.wakes += 1;
    if (this.active === 0) this.spawn();
  }

  /** Resolves once this process has applied every pending delivery it could claim (retries not yet due wait). */
  async settle(): Promise<void> {
    this.wake();
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  /** Finishes the batches in hand and takes no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const end of [...this.resting]) end();
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  private spawn(): void {
    this.active += 1;
    const loop: Promise<void> = this.loop().finally(() => this.loops.delete(loop));
    this.loops.add(loop);
  }

  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.resting.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.resting.add(end);
    });
  }

  private async loop(): Promise<void> {
    // The finally runs as a return is taken, in the same turn: the worker is no longer counted
    // by the time anything else runs.
    try {
      while (!this.stopping) {
        const seen = this.wakes;
        const started = performance.now();
        const storedBefore = this.inboxStored();
        let round: Round;
        try {
          round = await processPendingBatch(this.db, this.batchSize, {
            ...this.round,
            after: this.after,
            fresher: () => this.stopping || this.inboxStored() > storedBefore,
            pause: (ms) => (this.stopping ? Promise.resolve() : this.rest(Math.min(ms, MAX_REST_MS))),
          });
        } catch (error) {
          // The database is away: nothing was recorded, the sweeper's next wake tries again.
          this.onError(error);
          return;
        }
        this.after = round.after;
        const full = round.claimed >= this.batchSize;
        // A burst: a backlog (a full batch) while more deliveries keep coming in.
        if (full && this.inboxStored() > storedBefore) {
          if (this.active > 1) return; // one worker is enough while the inbox goes first
          await this.rest(Math.min(performance.now() - started, MAX_REST_MS));
          continue;
        }
        if (full && this.active < this.workers) this.spawn();
        else if (!full && this.active > 1) return; // the backlog is gone: one worker keeps up
        if (round.settled === 0 && this.wakes === seen) return;
      }
    } finally {
      this.active -= 1;
    }
  }
}
