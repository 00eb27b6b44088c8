import type { Connection, Db } from '../../db/connect.ts';
import type { Role } from '../../db/schema.ts';
import { ACCESS_CHANNEL } from './access-changed.ts';
import { currentRoles, type Principal, purgeExpiredSessions, roleAllows } from './credentials.ts';

interface Watched {
  principal: Principal;
  needed: Role;
  onLost: () => void;
}

// Ends what outlives its access. An open event stream is re-checked against the database when
// any process NOTIFYs that access was taken away (a key revoked, a user removed or demoted,
// sessions ended), so it closes within moments wherever the change was made; and every minute,
// for sessions that simply expired. Expired session rows are deleted every hour.
export class AccessWatch {
  private readonly watched = new Set<Watched>();
  private checking: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: Db,
    private readonly listen: Connection['listen'],
    private readonly options: { sweepMs?: number; purgeMs?: number; onError: (error: unknown) => void },
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.listen(ACCESS_CHANNEL, () => this.poke());
    const sweepMs = this.options.sweepMs ?? 60_000;
    const purgeMs = this.options.purgeMs ?? 3_600_000;
    if (sweepMs > 0) this.timers.push(setInterval(() => this.poke(), sweepMs).unref());
    if (purgeMs > 0) this.timers.push(setInterval(() => void purgeExpiredSessions(this.db).catch(this.options.onError), purgeMs).unref());
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.unlisten?.();
    this.unlisten = null;
    await this.checking;
  }

  /** Calls `onLost` once when the caller no longer holds `needed`; the returned function stops watching. */
  watch(principal: Principal, needed: Role, onLost: () => void): () => void {
    const entry: Watched = { principal, needed, onLost };
    this.watched.add(entry);
    // Access may have been taken away between the request's own check and now.
    this.poke();
    return () => this.watched.delete(entry);
  }

  private poke(): void {
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = this.check()
      .catch(this.options.onError)
      .finally(() => {
        this.checking = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  private async check(): Promise<void> {
    const byAccount = new Map<string, Watched[]>();
    for (const entry of this.watched) {
      const list = byAccount.get(entry.principal.accountId) ?? [];
      list.push(entry);
      byAccount.set(entry.principal.accountId, list);
    }
    for (const [accountId, list] of byAccount) {
      const roles = await currentRoles(
        this.db,
        accountId,
        list.map((w) => w.principal),
      );
      for (const entry of list) {
        const role = roles.get(entry.principal.credentialHash);
        if (role && roleAllows(role, entry.needed)) continue;
        if (!this.watched.delete(entry)) continue;
        entry.onLost();
      }
    }
  }
}
