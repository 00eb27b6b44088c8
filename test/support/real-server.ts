import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

// `tally serve` as a user starts it, from the sources, in a process of its own: for the tests
// of what only the real process shows (its output, a crash, the command line, the demo).

export const ROOT = new URL('../../', import.meta.url).pathname;

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

export interface RealServer {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, and wait until it exited. */
  stop(): Promise<void>;
}

/**
 * Starts the server on a free port of 127.0.0.1 and waits until /healthz answers. The embedded
 * database in `dataDir`, whatever the environment running the tests says, without the demo and
 * logging warnings only, unless `env` says otherwise.
 */
export async function startRealServer(dataDir: string, env: Record<string, string> = {}, port?: number): Promise<RealServer> {
  const at = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      TALLY_DEMO: '0',
      PORT: String(at),
      HOST: '127.0.0.1',
      TALLY_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${at}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port: at,
    base,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
