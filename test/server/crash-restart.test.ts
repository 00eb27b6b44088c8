import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../support/real-server.ts';

// A supervisor restarts Tally at once after a crash: the embedded data directory's lock, left
// behind by the killed process, must not keep the new one out, and what was stored is there.

describe('a restart right after a crash', () => {
  let dir: string;
  let server: RealServer | undefined;

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves again at once with the data intact after SIGKILL', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-crash-'));
    server = await startRealServer(dir);
    const { base, port } = server;
    const signup = await fetch(`${base}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accountName: 'Crash',
        email: 'crash@example.com',
        password: 'correct horse battery',
        defaultCurrency: 'EUR',
        timeZone: 'UTC',
      }),
    });
    expect(signup.status).toBe(201);
    const { csrfToken } = (await signup.json()) as { csrfToken: string };
    const headers = {
      cookie: signup.headers.get('set-cookie')!.split(';')[0]!,
      'x-csrf-token': csrfToken,
      'content-type': 'application/json',
    };
    const store = await fetch(`${base}/api/stores`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ platform: 'custom', name: 'Shop', currency: 'EUR' }),
    });
    expect(store.status).toBe(201);
    const storeId = ((await store.json()) as { id: string }).id;
    const order = {
      number: '#1',
      createdAt: '2026-03-06T10:00:00Z',
      updatedAt: '2026-03-06T10:00:00Z',
      currency: 'EUR',
      subtotal: '42.00',
      status: 'paid',
    };
    expect((await fetch(`${base}/api/stores/${storeId}/orders/A-1`, { method: 'PUT', headers, body: JSON.stringify(order) })).status).toBe(
      200,
    );

    const killed = server.child;
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));
    // The killed process left its lock file.
    await expect(fs.stat(path.join(dir, 'tally.lock'))).resolves.toBeTruthy();

    server = await startRealServer(dir, {}, port);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const kept = await fetch(`${base}/api/stores/${storeId}/orders/A-1`, { headers });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({
      externalId: 'A-1',
      number: '#1',
      status: 'paid',
      subtotal: { value: '42.00', currency: 'EUR' },
    });
  }, 180_000);
});
