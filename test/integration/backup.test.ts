import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { takeBackup } from '../../src/app/backup/backup.ts';
import { catalogTables } from '../../src/app/backup/catalog.ts';
import { BackupRefused, type DumpHeader } from '../../src/app/backup/dump-format.ts';
import { fingerprintDifferences, fingerprints } from '../../src/app/backup/fingerprints.ts';
import { restoreBackup } from '../../src/app/backup/restore.ts';
import { loadConfig } from '../../src/config.ts';
import { type Connection, connectPostgres } from '../../src/db/connect.ts';
import { type CopySession, postgresCopySession } from '../../src/db/copy-session.ts';
import { connectPglite, createPglite, pgliteCopySession } from '../../src/db/embedded.ts';
import { migrationProvider } from '../../src/db/migrations/index.ts';
import { buildServer } from '../../src/http/server.ts';
import { Client, dbKind, describeDb, newAccount, openTestDb, startTestApp, type TestApp } from '../support/harness.ts';
import { type SignedStore, sendShopify, shopifyOrderBody, shopifyRefundBody } from '../support/store-deliveries.ts';

// `tally backup` / `tally restore` on each database: a backup restored into a database with no
// schema at all holds every row exactly as it was (ids past 2^53, bytea, long numerics,
// timestamps, arrays, jsonb), answers every report alike and goes on numbering after the ids
// it holds; a restore that cannot be done is refused and leaves the database as it was.

interface Empty {
  session: CopySession;
  connection: Connection;
  close(): Promise<void>;
}

/** A database with nothing in it, not even Tally's schema. */
async function emptyDatabase(): Promise<Empty> {
  if (dbKind === 'pglite') {
    const pglite = createPglite();
    const connection = await connectPglite(pglite);
    return { session: pgliteCopySession(pglite), connection, close: () => pglite.close() };
  }
  const base = inject('postgresUrl');
  const name = `tally_test_restore_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const session = await postgresCopySession(url.toString());
  const connection = await connectPostgres(url.toString());
  return {
    session,
    connection,
    async close() {
      await session.close();
      await connection.close();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

async function backupBytes(session: CopySession): Promise<{ bytes: Buffer; header: DumpHeader }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const header = await takeBackup(session, out);
  return { bytes: Buffer.concat(chunks), header };
}

/** The backup with its header changed by `edit` and its data by `rows`. */
function rewrite(bytes: Buffer, edit: (h: DumpHeader) => void, rows: (data: string) => string = (d) => d): Buffer {
  const text = gunzipSync(bytes).toString('utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as DumpHeader;
  edit(header);
  return gzipSync(`${JSON.stringify(header)}\n${rows(text.slice(nl + 1))}`);
}

/** Every row of every table as text, in UTC, sorted; the shipped ECB rates only counted. */
async function everyRow(db: Kysely<any>): Promise<Record<string, string[] | number>> {
  return db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const result: Record<string, string[] | number> = {};
    for (const { name } of await catalogTables(trx)) {
      if (name === 'fx_rates') {
        result[name] = Number((await sql<{ n: string }>`select count(*) as n from fx_rates`.execute(trx)).rows[0]!.n);
      } else {
        const { rows } = await sql<{ r: string }>`select t::text as r from ${sql.table(name)} t order by t::text collate "C"`.execute(trx);
        result[name] = rows.map((r) => r.r);
      }
    }
    return result;
  });
}

const latestMigration = async () => Object.keys(await migrationProvider.getMigrations()).at(-1)!;

const hasSchema = async (db: Kysely<any>) =>
  (await sql<{ present: boolean }>`select to_regclass('public.accounts') is not null as present`.execute(db)).rows[0]!.present;

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupRefused);
  return (error as Error).message;
};

describeDb('backup and restore', () => {
  let t: TestApp;
  let admin: Client;
  let accountId: string;
  let campaign: string;
  let backup: { bytes: Buffer; header: DumpHeader };
  let target: Empty;
  let restored: FastifyInstance;
  const reports: Record<string, string> = {};
  const REPORTS = () => [
    '/api/dashboard',
    '/api/dashboard?from=2026-03-01&to=2026-03-31',
    '/api/community',
    `/api/campaigns/${campaign}/performance`,
    `/api/campaigns/${campaign}/conversions?limit=500`,
    '/api/sales/export',
    '/api/fx-rates?date=2026-03-06',
  ];

  beforeAll(async () => {
    // No sweep: once the deliveries are applied, nothing touches the database while it is backed up.
    t = await startTestApp({ sweepIntervalMs: 0 });
    const brand = await newAccount(t.app, { defaultCurrency: 'EUR', timeZone: 'Europe/Paris' });
    ({ admin, accountId } = brand);
    const shop = (await admin.post('/api/stores', { platform: 'shopify', name: 'US', currency: 'USD' })).body;
    const store: SignedStore = { id: shop.id, secret: shop.webhookSecret, currency: 'USD' };
    const custom = (await admin.post('/api/stores', { platform: 'custom', name: 'Web', currency: 'EUR' })).body.id as string;
    const mia = (await admin.post('/api/creators', { name: "Zoë \\ O'Neil", handle: '@zoë' })).body.id as string;
    campaign = (
      await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10', fixed: { value: '1.00', currency: 'EUR' } } })
    ).body.id;
    expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: mia, codes: ['MIA10', 'ZOË'] })).status).toBe(201);
    const v = {
      orderId: '5000000000000000123',
      number: '#1001',
      createdAt: '2026-03-06T10:00:00.123Z',
      updatedAt: '2026-03-06T10:00:00.123Z',
      financialStatus: 'paid',
      subtotal: '115.61',
      current: '115.61',
      codes: ['MIA10'],
      refunds: [],
    };
    expect(await sendShopify(t.app, store, 'orders/create', shopifyOrderBody(store, v))).toBe(200);
    expect(
      await sendShopify(
        t.app,
        store,
        'refunds/create',
        shopifyRefundBody(store, v.orderId, { id: '9000000000000000001', lines: ['15.61'] }),
      ),
    ).toBe(200);
    // A dead letter, whose raw bytes are kept: the order is in another currency than the store's.
    expect(
      await sendShopify(
        t.app,
        store,
        'orders/create',
        shopifyOrderBody({ ...store, currency: 'GBP' }, { ...v, orderId: '5000000000000000124' }),
      ),
    ).toBe(202);
    await t.settle();
    expect(
      (
        await admin.put(`/api/stores/${custom}/orders/C-1`, {
          number: 'C-1',
          createdAt: '2026-03-10T09:00:00Z',
          updatedAt: '2026-03-10T09:00:00Z',
          currency: 'EUR',
          subtotal: '40.00',
          status: 'paid',
          codes: [' zoë '],
        })
      ).status,
    ).toBe(200);
    const c1 = (await admin.get(`/api/stores/${custom}/orders/C-1`)).body.conversionId as string;
    expect((await admin.post(`/api/conversions/${c1}/reject`, { reason: 'self-purchase\twith a tab' })).status).toBe(200);
    expect(
      (await admin.post('/api/fx-rates', { currency: 'NGN', date: '2026-01-01', perEur: '1600.123456789012345678901234567891' })).status,
    ).toBe(201);
    for (const url of REPORTS()) {
      const reply = await admin.get(url);
      expect(reply.status).toBe(200);
      reports[url] = reply.text;
    }
    const session = await t.testDb.copySession();
    backup = await backupBytes(session);
    if (dbKind === 'postgres') await session.close();

    target = await emptyDatabase();
    expect(await hasSchema(target.connection.db)).toBe(false);
    await restoreBackup(target.session, Readable.from([backup.bytes]));
    const config = { ...loadConfig({ PUBLIC_URL: 'http://tally.test' }), demo: false };
    restored = await buildServer({ db: target.connection.db, listen: target.connection.listen, config, logger: false, sweepIntervalMs: 0 });
    await restored.ready();
  }, 180_000);

  afterAll(async () => {
    await restored?.close();
    await target?.close();
    await t?.close();
  });

  it('writes a header naming the migration, every table in load order, its columns and rows', async () => {
    const names = backup.header.tables.map((table) => table.name);
    expect(backup.header).toMatchObject({ format: 'tally-backup', version: 1, migration: await latestMigration(), source: dbKind });
    expect([...names].sort()).toEqual((await catalogTables(t.db)).map((table) => table.name).sort());
    expect(names).toContain('rollup_campaign_hours');
    // A table comes after those it references.
    expect(names.indexOf('accounts')).toBeLessThan(names.indexOf('stores'));
    expect(names.indexOf('orders')).toBeLessThan(names.indexOf('conversions'));
    expect(names.indexOf('conversions')).toBeLessThan(names.indexOf('approval_events'));
    expect(backup.header.tables.find((table) => table.name === 'refunds')).toEqual({
      name: 'refunds',
      columns: ['account_id', 'store_id', 'refund_id', 'order_external_id', 'amount_minor', 'created_at'],
      rows: 1,
    });
  });

  it('restores every row of every table exactly, into a database that had no schema', async () => {
    const before = await everyRow(t.db);
    const after = await everyRow(target.connection.db);
    expect(after).toEqual(before);
    expect(before.fx_rates).toBe(217_555);
    expect(await target.connection.db.selectFrom('orders').select('external_id').orderBy('external_id').execute()).toEqual([
      { external_id: '5000000000000000123' },
      { external_id: 'C-1' },
    ]);
    const dead = await target.connection.db.selectFrom('deliveries').select('raw').where('status', '=', 'dead').execute();
    const original = await t.db.selectFrom('deliveries').select('raw').where('status', '=', 'dead').execute();
    expect(dead).toHaveLength(1);
    expect(Buffer.from(dead[0]!.raw!).equals(Buffer.from(original[0]!.raw!))).toBe(true);
    expect(Buffer.from(dead[0]!.raw!).toString()).toContain('"id":5000000000000000124');
    const rate = await target.connection.db.selectFrom('account_fx_rates').select('per_eur').executeTakeFirstOrThrow();
    expect(rate.per_eur).toBe('1600.123456789012345678901234567891');
    const { rows } = await sql<{
      at: string;
    }>`select to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as at from orders order by id`.execute(
      target.connection.db,
    );
    expect(rows.map((r) => r.at)).toEqual(['2026-03-06 10:00:00.123000', '2026-03-10 09:00:00.000000']);
  });

  it('answers every report, the export and the rates alike; the API key still works', async () => {
    const client = new Client(restored, admin.auth);
    for (const url of REPORTS()) {
      const reply = await client.get(url);
      expect({ url, status: reply.status, text: reply.text }).toEqual({ url, status: 200, text: reports[url] });
    }
  });

  it('numbers new rows after the ids it holds', async () => {
    const client = new Client(restored, admin.auth);
    const highest = (
      await t.db
        .selectFrom('creators')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow()
    ).id;
    const created = await client.post('/api/creators', { name: 'After the restore' });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(String(Number(highest) + 1));
    const events = await target.connection.db
      .selectFrom('conversion_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    const sourceEvents = await t.db
      .selectFrom('conversion_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    expect(events.id).toBe(sourceEvents.id);
  });

  it('fingerprints find the one account and table whose rows differ', async () => {
    const source = await fingerprints(t.db);
    // The creator added by the previous test is the one difference so far.
    expect(fingerprintDifferences(source, await fingerprints(target.connection.db)).map((d) => d.message)).toEqual([
      `creators (account ${accountId}): 1 rows in the source, 2 in the target`,
    ]);
    await sql`delete from creators where name = 'After the restore'`.execute(target.connection.db);
    expect(fingerprintDifferences(source, await fingerprints(target.connection.db))).toEqual([]);
    await sql`update orders set number = '#1001 ' where number = '#1001'`.execute(target.connection.db);
    expect(fingerprintDifferences(source, await fingerprints(target.connection.db))).toEqual([
      { table: 'orders', accountId, message: `orders (account ${accountId}): the same 2 rows in number, but not in content` },
    ]);
  });

  it('restores into a database that is only migrated, replacing the ECB rates its first start loaded', async () => {
    const migrated = await openTestDb();
    try {
      expect(await migrated.db.selectFrom('accounts').select('id').execute()).toEqual([]);
      await sql`delete from fx_rates where currency = 'USD'`.execute(migrated.db);
      const session = await migrated.copySession();
      await restoreBackup(session, Readable.from([backup.bytes]));
      if (dbKind === 'postgres') await session.close();
      expect(await everyRow(migrated.db)).toEqual(await everyRow(t.db));
    } finally {
      await migrated.close();
    }
  }, 120_000);

  it('restores a backup taken at an older migration, then brings it up to date', async () => {
    const [old, fresh] = [await emptyDatabase(), await emptyDatabase()];
    try {
      const migrator = new Migrator({ db: old.session.db, provider: migrationProvider });
      expect((await migrator.migrateTo('0013-delivery-attempts')).error).toBeUndefined();
      await sql`insert into accounts (name, default_currency, time_zone) values ('Old', 'EUR', 'UTC')`.execute(old.session.db);
      await sql`insert into stores (account_id, platform, name, currency, webhook_secret) values (1, 'custom', 'Web', 'EUR', 's')`.execute(
        old.session.db,
      );
      await sql`insert into orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status, gross_minor, status, amount_minor)
                values (1, 1, 'A-1', '#1', 'EUR', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', 'paid', 1000, 'paid', 1000)`.execute(
        old.session.db,
      );
      const older = await backupBytes(old.session);
      expect(older.header.migration).toBe('0013-delivery-attempts');
      expect(older.header.tables.map((table) => table.name)).not.toContain('order_decisions');

      await restoreBackup(fresh.session, Readable.from([older.bytes]));
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(fresh.session.db);
      expect(applied.rows[0]!.name).toBe(await latestMigration());
      // Migration 0014 kept the order that came without a delivery as one, as it does on a live database.
      expect(await fresh.session.db.selectFrom('deliveries').select(['delivery_id', 'topic', 'status']).execute()).toEqual([
        { delivery_id: 'kept:1', topic: 'ledger/kept', status: 'done' },
      ]);
      // A database already at a later migration than the backup's is not taken down to it.
      expect(await refusal(restoreBackup(fresh.session, Readable.from([older.bytes])))).toBe(
        `The database is at migration ${await latestMigration()}, newer than the backup's 0013-delivery-attempts: restore into a new, empty database (the restore brings it up to date after loading).`,
      );
    } finally {
      await old.close();
      await fresh.close();
    }
  }, 120_000);

  it('refuses a database that holds an account, and changes nothing in it', async () => {
    const message = await refusal(restoreBackup(target.session, Readable.from([backup.bytes])));
    expect(message).toBe('The database already holds 1 account(s): a backup is restored only into a database without accounts.');
    expect(await target.connection.db.selectFrom('creators').select('name').execute()).toEqual([{ name: "Zoë \\ O'Neil" }]);
  });

  it('refuses a backup that is not whole or not a backup, leaving an empty database without even a schema', async () => {
    const empty = await emptyDatabase();
    try {
      const bad: Array<[Buffer, string]> = [
        [
          backup.bytes.subarray(0, Math.floor(backup.bytes.length / 2)),
          'This is not a Tally backup, or it is truncated or corrupt (unexpected end of file).',
        ],
        [Buffer.from('{"not":"gzip"}\n'), 'This is not a Tally backup, or it is truncated or corrupt (incorrect header check).'],
        [gzipSync(''), 'This is not a Tally backup: it is empty.'],
        [gzipSync('hello\n'), 'This is not a Tally backup: its first line is not a backup header.'],
        [
          rewrite(backup.bytes, (h) => void (h.version = 2 as 1)),
          'This is not a Tally backup of a version this Tally reads: header version: Invalid input: expected 1.',
        ],
        [
          rewrite(backup.bytes, (h) => void (h.migration = '0099-later')),
          `The backup was taken at migration 0099-later, which this Tally does not know (its latest is ${await latestMigration()}): restore it with a Tally at least as new as the one that took it.`,
        ],
        // The header promises a second account; the rows hold one.
        [
          rewrite(backup.bytes, (h) => void (h.tables[0]!.rows = 2)),
          'The backup holds 1 rows of accounts where its header says 2: it is corrupt.',
        ],
        // The last table's end is cut off.
        [
          rewrite(
            backup.bytes,
            () => undefined,
            (d) => d.slice(0, d.lastIndexOf('\\.\n')),
          ),
          `The backup ends before the end of table ${backup.header.tables.at(-1)!.name}: it is truncated.`,
        ],
        [
          rewrite(
            backup.bytes,
            () => undefined,
            (d) => `${d}1\tmore\n`,
          ),
          'The backup goes on after its last table: it is corrupt.',
        ],
        // A column the schema at that migration does not have.
        [
          rewrite(backup.bytes, (h) => void h.tables[0]!.columns.push('colour')),
          `The backup's table accounts (colour, created_at, default_currency, id, name, payouts_hold_at, time_zone) does not match this database's at migration ${backup.header.migration}.`,
        ],
      ];
      for (const [bytes, expected] of bad) {
        expect(await refusal(restoreBackup(empty.session, Readable.from([bytes])))).toBe(expected);
        expect(await hasSchema(empty.connection.db)).toBe(false);
      }
      // A row the database refuses (a role no key may have) fails the load: nothing is kept either.
      const badRole = rewrite(
        backup.bytes,
        () => undefined,
        (d) => d.replace('\ttests\tadmin\t', '\ttests\towner\t'),
      );
      expect(badRole.equals(backup.bytes)).toBe(false);
      await expect(restoreBackup(empty.session, Readable.from([badRole]))).rejects.toThrow(/api_keys_role_check/);
      expect(await hasSchema(empty.connection.db)).toBe(false);
      // The same database then takes the whole backup.
      await restoreBackup(empty.session, Readable.from([backup.bytes]));
      expect(await empty.connection.db.selectFrom('accounts').select('id').execute()).toEqual([{ id: accountId }]);
    } finally {
      await empty.close();
    }
  }, 180_000);
});
