import fs from 'node:fs';
import type { Config } from '../../config.ts';
import { type CopySession, postgresCopySession } from '../../db/copy-session.ts';
import { takeBackup } from './backup.ts';
import { BackupRefused } from './dump-format.ts';
import { moveDatabase } from './move.ts';
import { restoreBackup } from './restore.ts';

// `tally backup | restore | move`: arguments, the database to open and what is printed. Each
// returns the process's exit code: 0 done, 1 failed (move: the databases differ), 2 refused.

interface Opened {
  session: CopySession;
  /** How the database is named in messages. */
  where: string;
  close(): Promise<void>;
}

/** PostgreSQL without its password, for messages. */
const describeUrl = (url: string) => {
  const u = new URL(url);
  return `PostgreSQL at ${u.host}${u.pathname}`;
};

async function openPostgres(url: string): Promise<Opened> {
  const session = await postgresCopySession(url);
  return { session, where: describeUrl(url), close: () => session.close() };
}

async function openEmbedded(dataDir: string): Promise<Opened> {
  const { DataDirLockedError, openDataDir, pgliteCopySession } = await import('../../db/embedded.ts');
  try {
    const connection = await openDataDir(dataDir);
    return { session: pgliteCopySession(connection.pglite), where: `the embedded database in ${dataDir}`, close: () => connection.close() };
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    throw new BackupRefused(
      `The data directory ${dataDir} is in use by a running Tally server. ` +
        `The embedded database admits one process at a time: stop the server, then run this again. ` +
        `(On PostgreSQL, backups are taken while servers run.)`,
    );
  }
}

const openConfigured = (config: Config) => (config.databaseUrl ? openPostgres(config.databaseUrl) : openEmbedded(config.dataDir));

/** Runs a command, turning a refusal into its message (and what it left as it was) and exit code 2. */
async function refusable(run: () => Promise<number>, unchanged = ''): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    console.error(`${error.message}${unchanged}`);
    return 2;
  }
}

const rowsOf = (n: number) => (n === 1 ? '1 row' : `${n} rows`);

/** `tally backup FILE` (or `--out FILE`; `-` writes to stdout). */
export function backupCommand(args: string[], config: Config, usage: () => number): Promise<number> {
  const file = args[0] === '--out' ? args[1] : args[0];
  if (!file || args.length !== (args[0] === '--out' ? 2 : 1)) return Promise.resolve(usage());
  return refusable(async () => {
    const toStdout = file === '-';
    // Progress goes where the backup does not.
    const log = toStdout ? (line: string) => console.error(line) : (line: string) => console.log(line);
    const opened = await openConfigured(config);
    const partial = `${file}.partial`;
    try {
      log(`Backing up ${opened.where}:`);
      // It holds password hashes and webhook secrets: readable by its owner only.
      const out = toStdout ? process.stdout : fs.createWriteStream(partial, { mode: 0o600 });
      const header = await takeBackup(opened.session, out, (table, rows) => log(`  ${table}: ${rowsOf(rows)}`));
      // A backup appears under its name only once it is whole.
      if (!toStdout) fs.renameSync(partial, file);
      const rows = header.tables.reduce((n, t) => n + t.rows, 0);
      log(`Backed up ${header.tables.length} tables (${rows} rows) at migration ${header.migration}${toStdout ? '' : ` to ${file}`}.`);
      return 0;
    } finally {
      if (!toStdout) fs.rmSync(partial, { force: true });
      await opened.close();
    }
  });
}

/** `tally restore FILE` (`-` reads stdin) into the configured database, which must hold no account. */
export function restoreCommand(args: string[], config: Config, usage: () => number): Promise<number> {
  const file = args[0];
  if (!file || args.length !== 1) return Promise.resolve(usage());
  return refusable(async () => {
    if (file !== '-' && !fs.existsSync(file)) throw new BackupRefused(`There is no file ${file}.`);
    const opened = await openConfigured(config);
    try {
      console.log(`Restoring ${file === '-' ? 'the backup on stdin' : file} into ${opened.where}:`);
      const input = file === '-' ? process.stdin : fs.createReadStream(file);
      const header = await restoreBackup(opened.session, input, (table, rows) => console.log(`  ${table}: ${rowsOf(rows)}`));
      const rows = header.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `Restored ${header.tables.length} tables (${rows} rows) of the backup taken at ${header.takenAt} ` +
          `(migration ${header.migration}); every table holds the backup's count of rows.`,
      );
      return 0;
    } finally {
      await opened.close();
    }
  }, ' Nothing was restored: the database is as it was.');
}

/** `tally move --to postgres://…`: the embedded database (TALLY_DATA_DIR) into an empty PostgreSQL database. */
export function moveCommand(args: string[], config: Config, usage: () => number): Promise<number> {
  const url = args[0] === '--to' && args.length === 2 ? args[1]! : '';
  if (!/^postgres(ql)?:\/\/./.test(url)) return Promise.resolve(usage());
  return refusable(async () => {
    const source = await openEmbedded(config.dataDir);
    try {
      const target = await openPostgres(url);
      try {
        const result = await moveDatabase(
          source.session,
          target.session,
          (line) => console.log(line),
          (table, rows) => console.log(`  ${table}: ${rowsOf(rows)}`),
        );
        for (const a of result.accounts)
          console.log(`  account ${a.id} (${a.name}): ${rowsOf(a.rows)}, ${a.equal ? 'equal' : 'DIFFERENT'}`);
        for (const d of result.differences) console.log(`  ${d.message}`);
        if (result.differences.length > 0) {
          console.log(`${result.differences.length} differences between ${source.where} and ${target.where}.`);
          return 1;
        }
        console.log(
          `Moved ${source.where} into ${target.where}: every table of every account is equal. ` +
            `Start Tally with DATABASE_URL set to it; ${config.dataDir} is left as it was.`,
        );
        return 0;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  }, ' Nothing was written to PostgreSQL.');
}
