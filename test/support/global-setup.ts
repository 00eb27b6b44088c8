import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../../src/app/startup.ts';
import { connectPostgres } from '../../src/db/connect.ts';
import { connectPglite, createPglite } from '../../src/db/embedded.ts';
import { forbiddenLogLines } from './log-search.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresUrl: string;
    postgresTemplate: string;
    postgresSkipReason: string;
    logDir: string;
  }
}

// Creating and migrating a database takes seconds, so it is done once per run: each test file
// then starts from a copy of this template (a PGlite dump, or a PostgreSQL TEMPLATE database).
export default async function setup(project: TestProject) {
  // The servers' logs of the run (harness.ts), searched when it ends (log-search.ts).
  const logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-test-logs-'));
  project.provide('logDir', logDir);
  const searchLogs = async () => {
    const found = await forbiddenLogLines(logDir);
    await fs.rm(logDir, { recursive: true, force: true });
    if (found.length > 0) throw new Error(`The servers' logs hold what no log may hold:\n${found.slice(0, 20).join('\n')}`);
  };
  if (project.name === 'pglite') {
    const pglite = createPglite();
    const connection = await connectPglite(pglite);
    await prepareDatabase(connection.db);
    const dump = await pglite.dumpDataDir('none');
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'tally-test-')), 'template.tar');
    await fs.writeFile(file, Buffer.from(await dump.arrayBuffer()));
    await connection.close();
    project.provide('pgliteTemplate', file);
    return async () => {
      await fs.rm(path.dirname(file), { recursive: true, force: true });
      await searchLogs();
    };
  }

  const baseUrl = process.env.TALLY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${baseUrl} (${(error as Error).message}); the PostgreSQL suite is skipped. Start PostgreSQL or set TALLY_TEST_DATABASE_URL.`;
    console.warn(`\n${reason}\n`);
    project.provide('postgresSkipReason', reason);
    return searchLogs;
  }
  const template = `tally_test_template_${process.pid}`;
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const url = new URL(baseUrl);
  url.pathname = `/${template}`;
  const connection = await connectPostgres(url.toString(), { max: 1 });
  await prepareDatabase(connection.db);
  await connection.close();
  project.provide('postgresUrl', baseUrl);
  project.provide('postgresTemplate', template);
  project.provide('postgresSkipReason', '');
  return async () => {
    await admin.query(`drop database if exists ${template}`);
    await admin.end();
    await searchLogs();
  };
}
