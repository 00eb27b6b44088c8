import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { type Client, dbKind, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// GET /api/events over real HTTP: the stream stays open, so app.inject cannot read it.

interface Frame {
  id?: string;
  event?: string;
  data?: any;
}

/** Opens an event stream and collects its frames until closed. */
async function openStream(app: FastifyInstance, bearer: string, lastEventId?: string) {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening');
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${address.port}/api/events`, {
    headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream', ...(lastEventId && { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  let heartbeats = 0;
  let buffer = '';
  const reader = res.body!.getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value: chunk, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'id') frame.id = value;
            if (field === 'event') frame.event = value;
            if (field === 'data') frame.data = JSON.parse(value);
          }
          if (frame.event) frames.push(frame);
          else if (block.startsWith(':')) heartbeats += 1;
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    frames,
    heartbeats: () => heartbeats,
    /** Waits until `count` frames have arrived (or fails after 5 s). */
    async until(count: number) {
      for (let waited = 0; frames.length < count; waited += 20) {
        if (waited > 5_000) throw new Error(`expected ${count} frames, got ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return frames;
    },
    async close() {
      await reader.cancel().catch(() => undefined);
      controller.abort();
      await reading;
    },
  };
}

describeDb('live conversion events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ heartbeatMs: 200 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  async function ledger() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const creator = (await admin.post('/api/creators', { name: 'Live creator' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Live', commission: { percent: '10' } })).body.id;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['LIVE'] });
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'S', currency: 'EUR' })).body.id;
    const key = (await admin.post('/api/api-keys', { name: 'stream', role: 'viewer' })).body.key as string;
    const put = (id: string, over: Record<string, unknown> = {}) =>
      admin.put(`/api/stores/${store}/orders/${id}`, {
        number: id, createdAt: '2026-03-06T10:00:00Z', updatedAt: '2026-03-06T10:00:00Z', currency: 'EUR', subtotal: '10.00', status: 'paid', codes: ['live'], ...over,
      });
    return { admin: admin as Client, key, put };
  }

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

  // Log ids are taken at the write and seen at commit: a transaction that wrote first may commit
  // after one that wrote later. Two transactions at once need PostgreSQL's pool.
  it.runIf(dbKind === 'postgres')('sends a change whose log id is below one already sent, once its transaction commits', async () => {
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
