import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newLedger } from '../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// A field holding a lone line feed or carriage return must be quoted, on either export path.
// Names refuse control characters where they enter (SPEC §8); these are written straight into
// the table, as a row kept before that rule would hold them.

describeDb('export quoting (both databases)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('quotes a field holding a lone line feed or carriage return, so the record stays whole', async () => {
    const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'UTC' });
    const store = await l.store('EUR');
    const campaign = await l.campaign('Plain');
    const lf = await l.creator('Ana Beth');
    const cr = await l.creator('Carl Dee');
    await sql`update creators set name = replace(name, ' ', ${'\n'}) where id = ${lf}`.execute(t.db);
    await sql`update creators set name = replace(name, ' ', ${'\r'}) where id = ${cr}`.execute(t.db);
    await l.member(campaign, lf, ['LF']);
    await l.member(campaign, cr, ['CR']);
    await l.order(store, { number: '#1', createdAt: '2026-03-06T10:00:00Z', subtotal: '10.00', status: 'paid', codes: ['LF'] }, 'O-LF');
    await l.order(store, { number: '#2', createdAt: '2026-03-06T11:00:00Z', subtotal: '20.00', status: 'paid', codes: ['CR'] }, 'O-CR');
    const res = await l.admin.get('/api/sales/export');
    expect(res.status).toBe(200);
    expect(res.text.split('\r\n').slice(1)).toEqual([
      'O-CR,#2,2026-03-06 11:00:00,Plain,"Carl\rDee",CR,Paid,Approved,20.00,EUR,20.00,EUR,2.00',
      'O-LF,#1,2026-03-06 10:00:00,Plain,"Ana\nBeth",LF,Paid,Approved,10.00,EUR,10.00,EUR,1.00',
      '',
    ]);
  });
});
