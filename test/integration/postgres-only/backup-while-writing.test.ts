import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { takeBackup } from '../../../src/app/backup/backup.ts';
import type { DumpHeader } from '../../../src/app/backup/dump-format.ts';
import { restoreBackup } from '../../../src/app/backup/restore.ts';
import { type Connection, connectPostgres } from '../../../src/db/connect.ts';
import { postgresCopySession } from '../../../src/db/copy-session.ts';
import { type Ledger, newLedger } from '../../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../../support/harness.ts';

// On PostgreSQL a backup is taken while servers write: it must hold one moment of the database,
// every table as of the same snapshot. Orders keep arriving while it is read; the restored
// copy's rollups must still sum exactly the conversions it holds, and its orders be as many as
// the database had at some moment between the backup's start and end. PGlite admits one process,
// so this file runs in the PostgreSQL project only (vitest.config.ts).

describeDb('a backup taken while orders arrive', () => {
  let t: TestApp;
  let ledger: Ledger;
  let store: string;
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  const name = `tally_test_restore_${randomBytes(6).toString('hex')}`;
  let copy: Connection;

  beforeAll(async () => {
    t = await startTestApp();
    ledger = await newLedger(t.app, { defaultCurrency: 'EUR' });
    store = await ledger.store('USD');
    const campaign = await ledger.campaign('Spring', { percent: '10', fixed: { value: '1.00', currency: 'EUR' } });
    await ledger.member(campaign, await ledger.creator('Mia'), ['MIA']);
    await admin.connect();
    await admin.query(`create database ${name}`);
  });

  afterAll(async () => {
    await copy?.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    await t?.close();
  });

  const orders = async () => Number((await sql<{ n: string }>`select count(*) as n from orders`.execute(t.db)).rows[0]!.n);

  it('holds one moment of every table', async () => {
    for (let i = 0; i < 20; i += 1)
      await ledger.order(store, {
        createdAt: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
        subtotal: '20.00',
        status: 'paid',
        codes: ['MIA'],
      });
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await ledger.order(store, {
          createdAt: `2026-03-${String(1 + (written % 28)).padStart(2, '0')}T11:00:00Z`,
          subtotal: '10.00',
          status: 'paid',
          codes: ['MIA'],
        });
        written += 1;
      }
    })();

    const url = new URL(inject('postgresUrl'));
    const chunks: Buffer[] = [];
    let before: number;
    let after: number;
    let header: DumpHeader;
    try {
      before = await orders();
      url.pathname = `/${t.testDb.name}`;
      const session = await postgresCopySession(url.toString());
      const out = new PassThrough();
      out.on('data', (c: Buffer) => chunks.push(c));
      header = await takeBackup(session, out).finally(() => session.close());
      after = await orders();
    } finally {
      writing = false;
      await writer;
    }
    // Orders did arrive while the backup was read.
    expect(written).toBeGreaterThan(0);

    url.pathname = `/${name}`;
    const target = await postgresCopySession(url.toString());
    await restoreBackup(target, Readable.from([Buffer.concat(chunks)]));
    await target.close();
    copy = await connectPostgres(url.toString());

    const held = header.tables.find((table) => table.name === 'orders')!.rows;
    expect(held).toBeGreaterThanOrEqual(before);
    expect(held).toBeLessThanOrEqual(after);
    const { rows } = await sql<{
      conversions: string;
      sales: string;
      commission: string;
      rolled_orders: string;
      rolled_sales: string;
      rolled_commission: string;
    }>`
      select (select count(*) from conversions where counted)::text as conversions,
             (select sum(converted_minor) from conversions where counted)::text as sales,
             (select sum(commission_minor) from conversions where counted)::text as commission,
             (select sum(orders) from rollup_account_days)::text as rolled_orders,
             (select sum(sales) from rollup_account_days)::text as rolled_sales,
             (select sum(commission) from rollup_account_days)::text as rolled_commission`.execute(copy.db);
    const r = rows[0]!;
    expect(r.conversions).toBe(String(held));
    expect({ orders: r.rolled_orders, sales: r.rolled_sales, commission: r.rolled_commission }).toEqual({
      orders: r.conversions,
      sales: r.sales,
      commission: r.commission,
    });
  }, 120_000);
});
