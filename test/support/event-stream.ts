import type { FastifyInstance } from 'fastify';
import { type Client, newAccount } from './harness.ts';

// GET /api/events over real HTTP: the stream stays open, so app.inject cannot read it.

export interface Frame {
  id?: string;
  event?: string;
  data?: any;
}

/** Opens an event stream, by API key or by session cookie, and collects its frames until closed. */
export async function openStream(app: FastifyInstance, auth: string | { cookie: string }, lastEventId?: string) {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening');
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${address.port}/api/events`, {
    headers: {
      ...(typeof auth === 'string' ? { authorization: `Bearer ${auth}` } : { cookie: auth.cookie }),
      accept: 'text/event-stream',
      ...(lastEventId && { 'last-event-id': lastEventId }),
    },
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
    /** 'closed' once the server has ended the stream, 'open' if it has not within 5 s. */
    async ended(): Promise<'closed' | 'open'> {
      let timer: NodeJS.Timeout | undefined;
      const open = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), 5_000)));
      const result = await Promise.race([reading.then(() => 'closed' as const), open]);
      clearTimeout(timer);
      return result;
    },
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

/** An account with a coded creator, a custom store, a viewer key for streams, and `put` to send that store an order. */
export async function eventLedger(app: FastifyInstance) {
  const account = await newAccount(app);
  const { admin } = account;
  const creator = (await admin.post('/api/creators', { name: 'Live creator' })).body.id;
  const campaign = (await admin.post('/api/campaigns', { name: 'Live', commission: { percent: '10' } })).body.id;
  await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['LIVE'] });
  const store = (await admin.post('/api/stores', { platform: 'custom', name: 'S', currency: 'EUR' })).body.id;
  const key = (await admin.post('/api/api-keys', { name: 'stream', role: 'viewer' })).body.key as string;
  const put = (id: string, over: Record<string, unknown> = {}) =>
    admin.put(`/api/stores/${store}/orders/${id}`, {
      number: id,
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      subtotal: '10.00',
      status: 'paid',
      codes: ['live'],
      ...over,
    });
  return { admin: admin as Client, key, put };
}
