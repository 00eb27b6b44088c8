import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../support/real-server.ts';

// The real entry point, as `npm start` runs it, on a fresh embedded data directory.

function run(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}

describe('tally serve on the embedded database', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-cli-'));
    port = await freePort();
    server = run(['serve'], { PORT: String(port), HOST: '127.0.0.1', TALLY_DATA_DIR: dir });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error('the server did not become healthy');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((r) => server.on('exit', r));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz, serves the API and its OpenAPI document', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const doc = (await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/stores/{id}/orders/{externalId}');
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/dashboard`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a second process on the same data directory', async () => {
    const second = await finish(run(['serve'], { PORT: String(await freePort()), TALLY_DATA_DIR: dir }));
    expect(second.code).toBe(1);
    expect(second.out).toContain(`The data directory ${dir} is in use by another Tally process`);
  }, 60_000);

  it('loaded the ECB snapshot on first start', async () => {
    const signup = await fetch(`http://127.0.0.1:${port}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accountName: 'CLI',
        email: 'cli@example.com',
        password: 'correct horse battery',
        defaultCurrency: 'EUR',
        timeZone: 'UTC',
      }),
    });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
    const rates = (await (await fetch(`http://127.0.0.1:${port}/api/fx-rates?date=2026-04-13`, { headers: { cookie } })).json()) as {
      items: Array<{ currency: string; day: string }>;
    };
    // 41 currencies over the history; 29 of them quoted on the snapshot's last day.
    expect(rates.items).toHaveLength(41);
    expect(rates.items.filter((r: { day: string }) => r.day === '2026-04-13')).toHaveLength(29);
    expect(rates.items.find((r: { currency: string }) => r.currency === 'USD')).toMatchObject({ day: '2026-04-13', source: 'ecb' });
  });
});

describe('tally fx import and bad configuration', () => {
  it('imports an ECB file into a data directory', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-fx-'));
    const file = new URL('../fixtures/fx/ecb-eurofxref-daily-2010-04-20.xml', import.meta.url).pathname;
    const result = await finish(run(['fx', 'import', file], { TALLY_DATA_DIR: dir }));
    expect(result.out).toContain('Imported 34 rates for 34 currencies (2010-04-20 to 2010-04-20); 0 conversions refigured.');
    expect(result.code).toBe(0);
    const bad = await finish(run(['fx', 'import', path.join(ROOT, 'package.json')], { TALLY_DATA_DIR: dir }));
    expect(bad.code).toBe(1);
    await fs.rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('names the variable that is wrong', async () => {
    const result = await finish(run(['serve'], { DATABASE_URL: 'mysql://nope', TALLY_DATA_DIR: '/nonexistent' }));
    expect(result.code).toBe(1);
    expect(result.out).toContain('DATABASE_URL: DATABASE_URL must be a postgres:// URL');
  });
});
