#!/usr/bin/env -S npx tsx
import fs from 'node:fs/promises';
import { backupCommand, moveCommand, restoreCommand } from './app/backup/commands.ts';
import { prepareDemo, startDemo } from './app/demo/index.ts';
import { importRates } from './app/fx/fx-rates.ts';
import { rebuildLedger } from './app/ledger/rebuild-ledger.ts';
import { prepareDatabase } from './app/startup.ts';
import { loadConfig } from './config.ts';
import { type Connection, connectPostgres } from './db/connect.ts';
import type { ConnectionLog } from './db/outage.ts';
import { buildServer } from './http/server.ts';
import { createLogger } from './logging.ts';

const USAGE = `Usage: tally <command>

  serve               run the server (the default)
  fx import FILE      add ECB reference rates from an eurofxref CSV, XML or zip file
  migrate             bring the database schema up to date
  rebuild --account ID [--check]
                      replay the account's kept deliveries into a fresh ledger; with
                      --check, print each difference from the live ledger and exit 1 if
                      there is any; without, make the live ledger equal to the rebuilt one
  backup FILE         write a backup of the whole database to FILE (- for stdout)
  restore FILE        load a backup into a database that holds no account (- for stdin)
  move --to URL       copy the embedded database (TALLY_DATA_DIR) into the empty
                      PostgreSQL database at URL and check that every table is equal

Configuration comes from the environment: PORT, HOST, DATABASE_URL, TALLY_DATA_DIR,
PUBLIC_URL, TALLY_DEMO, TALLY_METRICS_TOKEN (see README.md).`;

async function open(config: ReturnType<typeof loadConfig>, log?: ConnectionLog): Promise<Connection> {
  // The pools and the LISTEN connection survive the database restarting; `log` hears of it.
  if (config.databaseUrl) return connectPostgres(config.databaseUrl, { log });
  // Loaded only here: PGlite's build costs tens of MB a server on PostgreSQL does not need.
  const { openDataDir } = await import('./db/embedded.ts');
  return openDataDir(config.dataDir);
}

async function serve() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const connection = await open(config, logger);
  const { ratesLoaded } = await prepareDatabase(connection.db);
  if (ratesLoaded > 0) logger.info({ rates: ratesLoaded }, 'loaded the ECB reference-rate snapshot');
  const demo = await prepareDemo(connection.db, config, logger);
  // On PostgreSQL, two batches of a backlog of deliveries are applied at once, on their own
  // connections (more would queue on the same rollup rows; see DeliveryProcessor).
  const processorWorkers = connection.kind === 'postgres' ? 2 : 1;
  const app = await buildServer({
    db: connection.db,
    listen: connection.listen,
    copyOut: connection.copyOut,
    poolUse: connection.poolUse,
    config,
    logger,
    processorWorkers,
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`;
  logger.info(`Tally is serving ${config.publicUrl} on ${where}`);
  if (demo) startDemo(app, demo, logger);
}

async function main(argv: string[]) {
  const [command = 'serve', ...rest] = argv;
  if (command === 'serve') return serve();
  if (command === 'migrate') {
    const connection = await open(loadConfig());
    await prepareDatabase(connection.db);
    await connection.close();
    console.log('The database is up to date.');
    return;
  }
  if (command === 'fx' && rest[0] === 'import' && rest[1]) {
    const connection = await open(loadConfig());
    try {
      await prepareDatabase(connection.db);
      const result = await importRates(connection.db, null, new Uint8Array(await fs.readFile(rest[1])));
      console.log(
        `Imported ${result.rates} rates for ${result.currencies.length} currencies (${result.from} to ${result.to}); ` +
          `${result.refigured} conversions refigured.`,
      );
    } finally {
      await connection.close();
    }
    return;
  }
  if (command === 'rebuild') return rebuild(rest);
  if (command === 'backup' || command === 'restore' || command === 'move') {
    const run = { backup: backupCommand, restore: restoreCommand, move: moveCommand }[command];
    process.exitCode = await run(rest, loadConfig(), () => {
      console.error(USAGE);
      return 2;
    });
    return;
  }
  console.error(USAGE);
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
}

async function rebuild(args: string[]) {
  const at = args.indexOf('--account');
  const accountId = at >= 0 ? args[at + 1] : undefined;
  const check = args.includes('--check');
  const unknown = args.filter((a, i) => a !== '--check' && i !== at && i !== at + 1);
  if (!accountId || !/^[1-9][0-9]{0,18}$/.test(accountId) || unknown.length > 0) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const connection = await open(loadConfig());
  try {
    await prepareDatabase(connection.db);
    const account = await connection.db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
    if (!account) {
      console.error(`There is no account ${accountId}.`);
      process.exitCode = 2;
      return;
    }
    const result = await rebuildLedger(connection.db, accountId, { check });
    for (const d of result.differences) {
      console.log(`${d.table}: ${d.key}: ${d.column}: live ${d.live ?? '(none)'}, rebuilt ${d.rebuilt ?? '(none)'}`);
    }
    const counts = `${result.deliveries} kept deliveries and ${result.reviews} reviews`;
    const replayed = `Replayed ${counts} of account ${accountId} (${account.name})`;
    if (result.differences.length === 0) console.log(`${replayed}: the rebuilt ledger equals the live one.`);
    else if (result.repaired)
      console.log(`${replayed}: ${result.differences.length} differences; the live ledger now equals the rebuilt one.`);
    else console.log(`${replayed}: ${result.differences.length} differences.`);
    if (check && result.differences.length > 0) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
