import fs from 'node:fs/promises';
import { sql } from 'kysely';
import { ecbFileRates, type Rate } from '../core/fx.ts';
import type { Db } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';

export const ECB_SNAPSHOT = new URL('../../assets/fx/eurofxref-hist.zip', import.meta.url);

/** Rates per insert while loading the snapshot. */
const RATES_PER_INSERT = 20_000;
/** Held while the snapshot loads, so that servers starting together on one database load it once. */
const SNAPSHOT_LOCK = 7_270_001;

/**
 * Brings a database to the current schema and, on first start, loads the shipped ECB rates.
 * The snapshot (217,000 rates) is read and stored a chunk at a time, so a server never holds
 * the parsed history: what it would leave behind is the largest part of a server's memory.
 */
export async function prepareDatabase(db: Db): Promise<{ ratesLoaded: number }> {
  await migrateToLatest(db);
  const empty = async (trx: Db) => !(await trx.selectFrom('fx_rates').select('day').limit(1).executeTakeFirst());
  if (!(await empty(db))) return { ratesLoaded: 0 };
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SNAPSHOT_LOCK})`.execute(trx);
    if (!(await empty(trx))) return { ratesLoaded: 0 };
    // The table is empty and locked, and the file has one rate per currency and day (the
    // parser refuses a repeated day), so a plain insert does: half the time of an upsert.
    const rates = ecbFileRates(new Uint8Array(await fs.readFile(ECB_SNAPSHOT)));
    let ratesLoaded = 0;
    let chunk: Rate[] = [];
    const flush = async () => {
      await sql`
        insert into fx_rates (currency, day, per_eur)
        select * from unnest(${chunk.map((r) => r.currency)}::text[], ${chunk.map((r) => r.day)}::date[],
                             ${chunk.map((r) => r.perEur)}::numeric[])`.execute(trx);
      ratesLoaded += chunk.length;
      chunk = [];
    };
    for (const rate of rates) {
      chunk.push(rate);
      if (chunk.length === RATES_PER_INSERT) await flush();
    }
    if (chunk.length > 0) await flush();
    return { ratesLoaded };
  });
}
