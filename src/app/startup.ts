import fs from 'node:fs/promises';
import { ecbFileRates, type Rate } from '../core/fx.ts';
import type { Db } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { storeRates } from './rates.ts';

export const ECB_SNAPSHOT = new URL('../../assets/fx/eurofxref-hist.zip', import.meta.url);

/** Rates per insert while loading the snapshot. */
const RATES_PER_INSERT = 5_000;

/**
 * Brings a database to the current schema and, on first start, loads the shipped ECB rates.
 * The snapshot (217,000 rates) is read and stored a chunk at a time, so a server never holds
 * the parsed history: what it would leave behind is the largest part of a server's memory.
 */
export async function prepareDatabase(db: Db): Promise<{ ratesLoaded: number }> {
  await migrateToLatest(db);
  const any = await db.selectFrom('fx_rates').select('day').limit(1).executeTakeFirst();
  if (any) return { ratesLoaded: 0 };
  const rates = ecbFileRates(new Uint8Array(await fs.readFile(ECB_SNAPSHOT)));
  let ratesLoaded = 0;
  await db.transaction().execute(async (trx) => {
    let chunk: Rate[] = [];
    for (const rate of rates) {
      chunk.push(rate);
      if (chunk.length === RATES_PER_INSERT) {
        ratesLoaded += await storeRates(trx, null, chunk);
        chunk = [];
      }
    }
    ratesLoaded += await storeRates(trx, null, chunk);
  });
  return { ratesLoaded };
}
