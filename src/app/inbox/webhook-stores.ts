import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Platform } from '../../db/schema.ts';

// The store a webhook URL names, found by its id alone (the URL carries no account). Under
// load many deliveries arrive at once: the lookups asked for in one turn of the event loop
// share one query. Each query is sent after every request it answers was received, so a
// changed webhook secret is seen by every delivery that arrives after the change.

export interface WebhookStore {
  account_id: string;
  id: string;
  platform: Platform;
  currency: string;
  webhook_secret: string;
}

type Waiter = { resolve: (store: WebhookStore | undefined) => void; reject: (error: unknown) => void };

export class WebhookStores {
  private waiting = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly db: Db) {}

  find(storeId: string): Promise<WebhookStore | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(storeId);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(storeId, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.lookUp());
      }
    });
  }

  private async lookUp(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    try {
      // One array parameter: the same text for any number of stores, so it runs as a
      // prepared statement on PostgreSQL (src/db/connect.ts) instead of being planned each time.
      const { rows } = await sql<WebhookStore>`/* statement: webhook.stores */
        select account_id, id, platform, currency, webhook_secret from stores where id = any(${[...waiting.keys()]}::bigint[])`.execute(
        this.db,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const [id, list] of waiting) for (const w of list) w.resolve(byId.get(id));
    } catch (error) {
      for (const list of waiting.values()) for (const w of list) w.reject(error);
    }
  }
}
