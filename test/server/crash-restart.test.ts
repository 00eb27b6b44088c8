import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A supervisor restarts Tally at once after a crash: the embedded data directory's lock, left
// behind by the killed process, must not keep the new one out, and what was stored is there.
const ROOT = new URL('../../', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function serve(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      TALLY_DEMO: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
      TALLY_DATA_DIR: dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not become healthy:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a restart right after a crash', () => {
  let dir: string;
  let server: ChildProcess | undefined;

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves again at once with the data intact after SIGKILL', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-crash-'));
    const port = await freePort();
    server = await serve(dir, port);
    const base = `http://127.0.0.1:${port}`;
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

    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    // The killed process left its lock file.
    await expect(fs.stat(path.join(dir, 'tally.lock'))).resolves.toBeTruthy();

    server = await serve(dir, port);
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
