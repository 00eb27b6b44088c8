import { sql } from 'kysely';
import type { Connection, Db } from '../../db/connect.ts';
import type { TConversion } from '../../schemas/conversions.ts';
import { findConversions } from '../conversions/conversion-view.ts';

// Live conversion events. The database logs every change to a conversion (conversion_events,
// written by a trigger in the changing transaction) and NOTIFYs at commit; each server process
// LISTENs, reads the new log entries and sends the changed conversions to the event streams of
// their account. Log ids are the SSE event ids, so a client that reconnects with Last-Event-ID
// gets what it missed, or is told to reload when that is no longer known.

export type EventMessage =
  | { id: string; event: 'conversion'; data: TConversion }
  | { id: string; event: 'payouts'; data: Record<string, never> }
  | { id?: undefined; event: 'reload'; data: { reason: string } };
type Subscriber = (messages: EventMessage[]) => void;

export const EVENTS_CHANNEL = 'tally_conversions';
// Log ids are taken when a row is written but become visible at commit, so a later commit can
// carry a lower id. An id skipped by a read is a gap: later reads ask for it again, until it
// appears or GAP_WAIT has passed (its transaction rolled back, or the id was never used).
const GAP_WAIT_MS = 60_000;
const GAP_LIMIT = 10_000;
// On start, the ids this far below the newest are checked for gaps.
const START_LOOKBACK = 1_000n;
// A read of the log that failed (the database away) is tried again after this long; the LISTEN
// connection also tells the listener when it reconnects (db/connect.ts).
const READ_RETRY_MS = 1_000;
// A client that missed more than this reloads instead of replaying.
const REPLAY_LIMIT = 1_000;
const RETENTION = '1 day';
// The log is read this many entries at a time, so a burst never loads at once.
const DRAIN_BATCH = 5_000;
// An account with more changes than this in one read is told to reload instead.
const BULK_LIMIT = 1_000;
// The conversion id of a log entry that stands for "every figure of the account changed" (a
// currency or time zone change; migration 0006).
const RELOAD_MARKER = '0';
// The conversion id of a log entry that stands for "payouts or adjustments changed": the streams
// get one `payouts` event, and the amounts due and payouts are read again. (A conversion's own
// event also means its creator's amount due may have moved.)
const PAYOUTS_MARKER = '-1';

/** Logs, in the caller's transaction, that every figure of the account changed: its streams reload. */
export async function logReload(trx: Db, accountId: string): Promise<void> {
  await trx.insertInto('conversion_events').values({ account_id: accountId, conversion_id: RELOAD_MARKER }).execute();
  await sql`select pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
}

/** Logs, in the caller's transaction, that the account's payouts or adjustments changed. */
export async function logPayoutsChanged(trx: Db, accountId: string): Promise<void> {
  await trx.insertInto('conversion_events').values({ account_id: accountId, conversion_id: PAYOUTS_MARKER }).execute();
  await sql`select pg_notify(${EVENTS_CHANNEL}, '')`.execute(trx);
}

const reloadMessage = (reason: string): EventMessage => ({ event: 'reload', data: { reason } });

export class ConversionEvents {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private lastSeen = 0n;
  // Ids below lastSeen not read yet, with when they were found missing (in insertion order).
  private gaps = new Map<string, number>();
  private draining: Promise<void> | null = null;
  private again = false;
  // Reads of the log started so far, and callers waiting for a read that started after them.
  private started = 0;
  private waiters: Array<{ read: number; resolve: () => void }> = [];
  private unlisten: (() => Promise<void>) | null = null;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly listen: Connection['listen'],
  ) {}

  async start(): Promise<void> {
    await this.db.deleteFrom('conversion_events').where('at', '<', sql<Date>`now() - ${RETENTION}::interval`).execute();
    const top = await this.db.selectFrom('conversion_events').select(sql<string | null>`max(id)::text`.as('id')).executeTakeFirst();
    this.lastSeen = BigInt(top?.id ?? '0');
    // Transactions in flight may still commit lower ids.
    const from = this.lastSeen > START_LOOKBACK ? this.lastSeen - START_LOOKBACK : 0n;
    const present = await this.db.selectFrom('conversion_events').select('id').where('id', '>', from.toString()).execute();
    this.markGaps(from, this.lastSeen, new Set(present.map((r) => r.id)));
    this.unlisten = await this.listen(EVENTS_CHANNEL, () => this.poke());
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    clearTimeout(this.retry);
    await this.draining;
  }

  /** Event streams subscribed right now, across accounts. */
  openStreams(): number {
    let open = 0;
    for (const set of this.subscribers.values()) open += set.size;
    return open;
  }

  subscribe(accountId: string, subscriber: Subscriber): () => void {
    let set = this.subscribers.get(accountId);
    if (!set) this.subscribers.set(accountId, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0) this.subscribers.delete(accountId);
    };
  }

  /** What a client missed since `lastEventId`, or a reload when that event is no longer known. */
  async replay(accountId: string, lastEventId: string): Promise<EventMessage[]> {
    const reload: EventMessage[] = [{ event: 'reload', data: { reason: 'missed events are no longer available' } }];
    if (!/^[1-9][0-9]{0,18}$/.test(lastEventId)) return reload;
    const known = await this.db
      .selectFrom('conversion_events')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', lastEventId)
      .executeTakeFirst();
    if (!known) return reload;
    const rows = await this.db
      .selectFrom('conversion_events')
      .select(['id', 'conversion_id'])
      .where('account_id', '=', accountId)
      .where('id', '>', lastEventId)
      .orderBy('id')
      .limit(REPLAY_LIMIT + 1)
      .execute();
    if (rows.length > REPLAY_LIMIT) return reload;
    if (rows.some((r) => r.conversion_id === RELOAD_MARKER)) return [reloadMessage('every figure of the account changed')];
    return this.messages(accountId, rows);
  }

  /**
   * Resolves once the log has been read past everything committed before the call, so a stream
   * subscribed afterwards gets only later changes.
   */
  catchUp(): Promise<void> {
    const read = this.started + 1;
    const done = new Promise<void>((resolve) => this.waiters.push({ read, resolve }));
    this.poke();
    return done;
  }

  private poke(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    const read = ++this.started;
    this.draining = this.drain().finally(() => {
      const ready = this.waiters.filter((w) => w.read <= read);
      this.waiters = this.waiters.filter((w) => w.read > read);
      for (const w of ready) w.resolve();
      this.draining = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = Date.now();
      for (const [id, since] of this.gaps) {
        if (now - since <= GAP_WAIT_MS && this.gaps.size <= GAP_LIMIT) break;
        this.gaps.delete(id);
      }
      const gaps = [...this.gaps.keys()];
      const rows = await this.db
        .selectFrom('conversion_events')
        .select(['id', 'account_id', 'conversion_id'])
        .where((eb) =>
          gaps.length === 0
            ? eb('id', '>', this.lastSeen.toString())
            : eb.or([eb('id', '>', this.lastSeen.toString()), eb('id', '=', sql<string>`any(${gaps}::bigint[])`)]),
        )
        .orderBy('id')
        .limit(DRAIN_BATCH)
        .execute()
        .catch(() => null);
      if (rows === null) {
        this.readAgainLater();
        return;
      }
      const before = this.lastSeen;
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        this.gaps.delete(row.id);
        if (BigInt(row.id) > this.lastSeen) this.lastSeen = BigInt(row.id);
      }
      this.markGaps(before, this.lastSeen, seen);
      await this.deliver(rows);
      if (rows.length < DRAIN_BATCH) return;
    }
  }

  /** After a failed read: nothing is lost (lastSeen has not moved), the next read takes up from there. */
  private readAgainLater(): void {
    if (!this.unlisten || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.poke();
    }, READ_RETRY_MS).unref();
  }

  /** Records the ids in (from, to) that `seen` lacks as gaps. */
  private markGaps(from: bigint, to: bigint, seen: ReadonlySet<string>): void {
    const now = Date.now();
    // A jump far beyond the limit (ids never used) is not worth tracking id by id.
    const start = to - from > BigInt(GAP_LIMIT) ? to - BigInt(GAP_LIMIT) : from + 1n;
    for (let id = start; id < to; id++) {
      const key = id.toString();
      if (!seen.has(key) && !this.gaps.has(key)) this.gaps.set(key, now);
    }
  }

  /** Sends one read of the log to the streams of the accounts it concerns. */
  private async deliver(rows: Array<{ id: string; account_id: string; conversion_id: string }>): Promise<void> {
    const byAccount = new Map<string, Array<{ id: string; conversion_id: string }>>();
    for (const row of rows) {
      if (!this.subscribers.has(row.account_id)) continue;
      const list = byAccount.get(row.account_id) ?? [];
      list.push(row);
      byAccount.set(row.account_id, list);
    }
    for (const [accountId, list] of byAccount) {
      const messages = list.some((r) => r.conversion_id === RELOAD_MARKER)
        ? [reloadMessage('every figure of the account changed')]
        : list.length > BULK_LIMIT
          ? [reloadMessage('too many conversions changed at once')]
          : await this.messages(accountId, list).catch(() => [reloadMessage('changes could not be read')]);
      if (messages.length === 0) continue;
      for (const subscriber of this.subscribers.get(accountId) ?? []) subscriber(messages);
    }
  }

  /**
   * One message per changed conversion, with its current state and its latest event id, and one
   * `payouts` message when payouts changed.
   */
  private async messages(accountId: string, rows: Array<{ id: string; conversion_id: string }>): Promise<EventMessage[]> {
    const latest = new Map<string, string>();
    let payouts: string | null = null;
    for (const row of rows) {
      if (row.conversion_id === PAYOUTS_MARKER) payouts = row.id;
      else latest.set(row.conversion_id, row.id);
    }
    const conversions = latest.size === 0 ? [] : await findConversions(this.db, accountId, [...latest.keys()]);
    const messages: EventMessage[] = conversions.map((c) => ({ id: latest.get(c.id)!, event: 'conversion' as const, data: c }));
    if (payouts !== null) messages.push({ id: payouts, event: 'payouts', data: {} });
    return messages.sort((a, b) => (BigInt(a.id!) < BigInt(b.id!) ? -1 : 1));
  }
}
