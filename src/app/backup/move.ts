import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { CopySession } from '../../db/copy-session.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import { takeBackup } from './backup.ts';
import { currentMigration } from './catalog.ts';
import { BackupRefused } from './dump-format.ts';
import { type FingerprintDifference, fingerprintDifferences, fingerprints } from './fingerprints.ts';
import { restoreBackup } from './restore.ts';

// `tally move --to postgres://…`: an embedded database backed up into a temporary file and
// restored into an empty PostgreSQL database, then every table of every account compared
// between the two (fingerprints.ts). The embedded database is only read.

export interface MoveResult {
  accounts: Array<{ id: string; name: string; rows: number; equal: boolean }>;
  differences: FingerprintDifference[];
}

export async function moveDatabase(
  source: CopySession,
  target: CopySession,
  log: (line: string) => void,
  onTable: (name: string, rows: number) => void,
): Promise<MoveResult> {
  const latest = Object.keys(await migrationProvider.getMigrations()).at(-1)!;
  const at = await currentMigration(source.db);
  if (at !== latest) {
    // The comparison holds the two databases equal, so the source must not need migrating.
    throw new BackupRefused(
      at === null
        ? 'The embedded database has no Tally schema: there is nothing to move.'
        : `The embedded database is at migration ${at}, this Tally's latest is ${latest}: run \`tally migrate\` on it first.`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-move-'));
  const file = path.join(dir, 'backup.gz');
  try {
    log('Reading the embedded database:');
    await takeBackup(source, fs.createWriteStream(file, { mode: 0o600 }), onTable);
    log(`Loading into PostgreSQL (${(fs.statSync(file).size / 1e6).toFixed(1)} MB compressed):`);
    await restoreBackup(target, fs.createReadStream(file), onTable);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  log('Comparing every table of every account:');
  const before = await fingerprints(source.db);
  const after = await fingerprints(target.db);
  const differences = fingerprintDifferences(before, after);
  const { rows } = await sql<{ id: string; name: string }>`select id, name from accounts order by id`.execute(source.db);
  const accounts = rows.map((a) => {
    const own = before.filter((f) => f.accountId === a.id);
    const equal = !differences.some((d) => d.accountId === a.id);
    return { id: a.id, name: a.name, rows: own.reduce((n, f) => n + Number(f.rows), 0), equal };
  });
  return { accounts, differences };
}
