import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventLedger, openStream } from '../../support/event-stream.ts';
import { describeDb, startTestApp, type TestApp } from '../../support/harness.ts';

// Log ids are taken at the write and seen at commit: a transaction that wrote first may commit
// after one that wrote later. Two transactions at once need PostgreSQL's pool, so this runs on
// PostgreSQL only.

describeDb('live conversion events, committed out of order', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ heartbeatMs: 200 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());
  const ledger = () => eventLedger(t.app);

  it('sends a change whose log id is below one already sent, once its transaction commits', async () => {
    const mine = await ledger();
    const first = (await mine.put('G-1')).body.conversionId as string;
    const second = (await mine.put('G-2')).body.conversionId as string;
    const stream = await openStream(t.app, mine.key);
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let written!: () => void;
    const firstWritten = new Promise<void>((resolve) => (written = resolve));
    const slow = t.db.transaction().execute(async (trx) => {
      await sql`update conversions set updated_at = now() where id = ${first}`.execute(trx);
      written();
      await held;
    });
    await firstWritten;
    await sql`update conversions set updated_at = now() where id = ${second}`.execute(t.db);
    await stream.until(1);
    commit();
    await slow;
    const frames = await stream.until(2);
    expect(frames.map((f) => [f.event, f.data.id])).toEqual([
      ['conversion', second],
      ['conversion', first],
    ]);
    expect(BigInt(frames[1]!.id!) < BigInt(frames[0]!.id!)).toBe(true);
    await stream.close();
  });
});
