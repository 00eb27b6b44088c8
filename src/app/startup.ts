import fs from 'node:fs/promises';
import { parseEcbFile } from '../core/fx.ts';
import type { Db } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { storeRates } from './rates.ts';

export const ECB_SNAPSHOT = new URL('../../assets/fx/eurofxref-hist.zip', import.meta.url);

/** Brings a database to the current schema and, on first start, loads the shipped ECB rates. */
export async function prepareDatabase(db: Db): Promise<{ ratesLoaded: number }> {
  await migrateToLatest(db);
  const any = await db.selectFrom('fx_rates').select('day').limit(1).executeTakeFirst();
  if (any) return { ratesLoaded: 0 };
  const rates = parseEcbFile(new Uint8Array(await fs.readFile(ECB_SNAPSHOT)));
  await db.transaction().execute((trx) => storeRates(trx, null, rates));
  return { ratesLoaded: rates.length };
}
