// Scenario 6, start: what `npm start` runs (the build checks, then the bundled server)
// until /healthz answers, on a fresh empty embedded database — migrations, the ECB snapshot
// and the demo seed included — then, stopped and started again on the same directory, the
// restart, several times. Ceiling: a bare `node -e` HTTP server started the same way.
// Targets: first start ≤ 20 s, restart ≤ 3 s.   npm run bench -- start --restarts 5
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/server.ts';
import type { Figures, Scenario } from '../scenario.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const scenario: Scenario = {
  name: 'start',
  summary:
    'npm start to a healthy /healthz: first start on an empty embedded database (demo seeded), then restarts; vs a bare node HTTP server; targets ≤ 20 s and ≤ 3 s',
  flags: {
    restarts: { default: '5', help: 'restarts timed on the same data directory (the median is reported)' },
  },
  run: (flags, log) => run(Number(flags.restarts), log),
};
export default scenario;

interface Started {
  child: ChildProcess;
  seconds: number;
  rssMb: number;
  /** CPU time (user + system) of the process tree so far: steadier than wall time on a busy machine. */
  cpuSeconds: number;
}

/** Spawns `command` and times it to the first 200 from http://127.0.0.1:port/healthz. */
async function startAndTime(command: string, env: NodeJS.ProcessEnv, port: number, limitSeconds: number): Promise<Started> {
  const t0 = performance.now();
  // `exec` makes the timed process the server itself, so SIGTERM reaches it and nothing else.
  const child = spawn('sh', ['-c', command], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was healthy:\n${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - t0 > limitSeconds * 1000) throw new Error(`not healthy after ${limitSeconds} s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (performance.now() - t0) / 1000;
  return { child, seconds, ...usageOfTree(child.pid!) };
}

const TICKS_PER_SECOND = 100;

/**
 * Resident memory and CPU time of a process and its descendants; CPU includes children that
 * have ended (the build checks).
 */
function usageOfTree(pid: number): { rssMb: number; cpuSeconds: number } {
  let kb = 0;
  let ticks = 0;
  const walk = (p: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      // Fields after the command name: utime, stime, cutime, cstime are the 12th to 15th.
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(' ') : []) walk(Number(c));
    } catch {
      // The process ended meanwhile.
    }
  };
  walk(pid);
  return { rssMb: kb / 1024, cpuSeconds: ticks / TICKS_PER_SECOND };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

async function run(restarts: number, log: (line: string) => void): Promise<Figures> {
  if (!Number.isInteger(restarts) || restarts < 1) throw new Error(`--restarts must be a positive integer, got ${restarts}`);
  // The web app is built once per checkout, not per database: build it (untimed) if needed.
  const b0 = performance.now();
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' }).on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the build checks exited with ${code}`)),
    ),
  );
  log(`web and server build checks before timing: ${((performance.now() - b0) / 1000).toFixed(1)} s`);

  // Ceiling: node itself, listening and answering.
  const bare: number[] = [];
  const bareCpu: number[] = [];
  for (let i = 0; i < restarts; i++) {
    const port = await freePort();
    const server = `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
    const started = await startAndTime(`exec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)}`, process.env, port, 30);
    bare.push(started.seconds);
    bareCpu.push(started.cpuSeconds);
    await stop(started.child);
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-bench-start-'));
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  // What `npm start` runs (package.json "start"), with the server's own binary exec'd.
  const command = 'node scripts/build.mjs > /dev/null && exec node --enable-source-maps .build/server/cli.js serve';
  try {
    const port = await freePort();
    const env = { ...inherited, TALLY_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TALLY_DEMO: '1' };
    const first = await startAndTime(command, env, port, 300);
    log(`first start ${first.seconds.toFixed(2)} s (CPU ${first.cpuSeconds.toFixed(1)} s), RSS ${first.rssMb.toFixed(0)} MB`);
    await stop(first.child);
    const again: Started[] = [];
    for (let i = 0; i < restarts; i++) {
      const started = await startAndTime(command, env, port, 120);
      log(`restart ${i + 1}: ${started.seconds.toFixed(2)} s (CPU ${started.cpuSeconds.toFixed(1)} s), RSS ${started.rssMb.toFixed(0)} MB`);
      again.push(started);
      await stop(started.child);
    }
    const restart = median(again.map((s) => s.seconds));
    const ceiling = median(bare);
    return {
      restarts,
      firstStartSeconds: round2(first.seconds),
      firstStartCpuSeconds: round2(first.cpuSeconds),
      restartSecondsMedian: round2(restart),
      restartSecondsMax: round2(Math.max(...again.map((s) => s.seconds))),
      restartCpuSecondsMedian: round2(median(again.map((s) => s.cpuSeconds))),
      bareNodeSecondsMedian: round2(ceiling),
      bareNodeCpuSecondsMedian: round2(median(bareCpu)),
      ratioBareToRestart: round2(ceiling / restart),
      rssAfterFirstStartMb: Math.round(first.rssMb),
      rssAfterRestartMb: Math.round(median(again.map((s) => s.rssMb))),
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
