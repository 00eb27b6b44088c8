// The real `tally serve` process on a benchmark database, called over HTTP like a browser would.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import type { Target } from './dataset.ts';

export interface BenchServer {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface StartOptions {
  /** Node options for the server, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
  /** Where the server's standard output goes (its errors always show). */
  stdout?: 'inherit' | 'ignore';
}

/** Starts `tally serve` on the database (a URL, or an embedded data directory) and resolves once /healthz answers. */
export async function startServer(database: string | Target, options: StartOptions = {}): Promise<BenchServer> {
  const port = await freePort();
  const target = typeof database === 'string' ? { url: database } : database;
  const { DATABASE_URL: _inherited, ...env } = process.env;
  const where = 'url' in target ? { DATABASE_URL: target.url } : { TALLY_DATA_DIR: target.dataDir };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...env, ...where, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TALLY_DEMO: '0' },
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600 || child.exitCode !== null) {
      await stop();
      throw new Error('the server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, process: child, stop };
}

/** Percentile (0–100) of durations, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
