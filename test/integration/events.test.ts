import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventLedger, openStream } from '../support/event-stream.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// GET /api/events over real HTTP: the stream stays open, so app.inject cannot read it.
// (The case that needs two transactions at once is in postgres-only/events-gaps.test.ts.)

describeDb('live conversion events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ heartbeatMs: 200 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  const ledger = () => eventLedger(t.app);

  it("sends every change to the account's conversions, and nothing of other accounts", async () => {
    const mine = await ledger();
    const theirs = await ledger();
    const stream = await openStream(t.app, mine.key);
    const other = await openStream(t.app, theirs.key);
    expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream']);

    const created = await mine.put('E-1');
    const id = created.body.conversionId;
    await stream.until(1);
    await mine.put('E-1', { refunded: '4.00', updatedAt: '2026-03-06T11:00:00Z' });
    await stream.until(2);
    await mine.admin.post(`/api/conversions/${id}/reject`, { reason: 'test' });
    const frames = await stream.until(3);
    expect(frames.map((f) => [f.event, f.data.id, f.data.status, f.data.approval, f.data.amount.value, f.data.commission.value])).toEqual([
      ['conversion', id, 'paid', 'approved', '10.00', '1.00'],
      ['conversion', id, 'partially_refunded', 'approved', '6.00', '0.60'],
      ['conversion', id, 'partially_refunded', 'rejected', '6.00', '0.00'],
    ]);
    expect(frames.map((f) => /^\d+$/.test(f.id ?? ''))).toEqual([true, true, true]);
    await new Promise((r) => setTimeout(r, 200));
    expect(other.frames).toEqual([]);
    await stream.close();
    await other.close();
  });

  it('replays what a reconnecting client missed, or tells it to reload', async () => {
    const mine = await ledger();
    const stream = await openStream(t.app, mine.key);
    await mine.put('R-1');
    const [first] = await stream.until(1);
    await stream.close();
    const missed = await mine.put('R-2');
    await mine.put('R-1', { status: 'canceled', updatedAt: '2026-03-06T12:00:00Z' });

    const again = await openStream(t.app, mine.key, first!.id);
    const frames = await again.until(2);
    expect(frames.map((f) => [f.data.orderId, f.data.status])).toEqual([
      [missed.body.externalId, 'paid'],
      ['R-1', 'canceled'],
    ]);
    await again.close();

    const lost = await openStream(t.app, mine.key, '999999999');
    expect((await lost.until(1)).map((f) => f.event)).toEqual(['reload']);
    await lost.close();
  });

  it('tells the streams to reload once when a currency or time zone change rewrites every figure', async () => {
    const mine = await ledger();
    await mine.put('C-1');
    await mine.put('C-2');
    await mine.put('C-3');
    const stream = await openStream(t.app, mine.key);
    await mine.put('C-4');
    const [before] = await stream.until(1);
    expect([before!.event, before!.data.orderId]).toEqual(['conversion', 'C-4']);

    expect((await mine.admin.patch('/api/account', { defaultCurrency: 'USD' })).status).toBe(200);
    const frames = await stream.until(2);
    expect(frames[1]).toEqual({ event: 'reload', data: { reason: 'every figure of the account changed' } });
    // The four rewritten conversions are not sent one by one.
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.frames.map((f) => f.event)).toEqual(['conversion', 'reload']);

    // A client that was away across the change reloads rather than replays.
    const again = await openStream(t.app, mine.key, before!.id);
    expect((await again.until(1)).map((f) => f.event)).toEqual(['reload']);
    await again.close();

    expect((await mine.admin.patch('/api/account', { timeZone: 'Asia/Tokyo' })).status).toBe(200);
    expect((await stream.until(3))[2]!.event).toBe('reload');
    await mine.put('C-5');
    const after = await stream.until(4);
    expect([after[3]!.event, after[3]!.data.orderId, after[3]!.data.converted.currency]).toEqual(['conversion', 'C-5', 'USD']);
    await stream.close();
  });

  it('reaches a listener on another server sharing the database', async () => {
    const mine = await ledger();
    const second = await t.second();
    await second.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(second, mine.key);
    // The delivery goes to the first server; the listener is on the second.
    const created = await mine.put('X-1');
    const frames = await stream.until(1);
    expect(frames.map((f) => [f.event, f.data.id, f.data.status])).toEqual([['conversion', created.body.conversionId, 'paid']]);
    await stream.close();
  });

  it('sends a payouts event when payouts or adjustments change, and replays it', async () => {
    const mine = await ledger();
    await mine.put('P-1');
    const stream = await openStream(t.app, mine.key);
    const payout = (await mine.admin.post('/api/payouts', {})).body.items[0];
    const [authorized] = await stream.until(1);
    expect([authorized!.event, authorized!.data]).toEqual(['payouts', {}]);
    await mine.admin.post(`/api/payouts/${payout.id}/paid`, { method: 'bank' });
    await mine.admin.post(`/api/creators/${payout.creatorId}/adjustments`, { amount: { value: '2.00', currency: 'EUR' }, reason: 'x' });
    const frames = await stream.until(3);
    expect(frames.map((f) => f.event)).toEqual(['payouts', 'payouts', 'payouts']);
    await stream.close();
    // A refund after the payout: the conversion's event, which also tells that its creator's amount due moved (the clawback).
    await mine.put('P-1', { status: 'refunded', updatedAt: '2026-03-06T11:00:00Z' });
    const again = await openStream(t.app, mine.key, frames[2]!.id);
    expect((await again.until(1)).map((f) => [f.event, f.data.status])).toEqual([['conversion', 'refunded']]);
    await again.close();
  });

  it('keeps an idle stream alive with heartbeats', async () => {
    const mine = await ledger();
    const stream = await openStream(t.app, mine.key);
    await new Promise((r) => setTimeout(r, 700));
    expect(stream.heartbeats()).toBeGreaterThanOrEqual(2);
    expect(stream.frames).toEqual([]);
    await stream.close();
  });

  it('refuses a stream without credentials', async () => {
    const address = t.app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}/api/events`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(401);
  });
});
