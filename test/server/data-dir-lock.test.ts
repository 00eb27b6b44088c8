import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Holder, LOCK_FILE, LockHeldError, lockDirectory, startTimeOf } from '../../src/db/data-dir-lock.ts';

// The embedded data directory's lock: a live holder keeps it, a dead one (crashed, or whose pid
// another process now has) loses it at once, and of processes racing for a dead holder's lock
// exactly one wins. Holders in other processes are real child processes.

const ROOT = new URL('../../', import.meta.url).pathname;
const linux = process.platform === 'linux';

/** Starts a process that takes the lock (see hold-lock.ts). */
function holder(dir: string, then: 'hold' | 'exit' | 'wait' = 'hold') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-lock.ts', dir, then], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  /** The next line it prints. */
  const says = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const end = out.indexOf('\n');
        if (end >= 0) {
          const line = out.slice(0, end);
          out = out.slice(end + 1);
          resolve(line);
        } else if (child.exitCode !== null) reject(new Error(`the holder exited with ${child.exitCode}`));
        else setTimeout(look, 20);
      };
      look();
    });
  return { child, says };
}

/** Starts a process that takes the lock; resolves with it and what it said. */
async function holding(dir: string, then: 'hold' | 'exit' = 'hold') {
  const h = holder(dir, then);
  return { child: h.child, said: await h.says() };
}

const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  return child.pid!;
}

describe('the data directory lock', () => {
  let dir: string;
  let file: string;
  const children: ChildProcess[] = [];
  const me = (over: Partial<Holder>): Holder => ({
    ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Holder),
    ...over,
  });
  /** Writes a lock file as another holder would have left it, `ageMs` old. */
  const leave = (h: Holder | string, ageMs = 0) => {
    fs.writeFileSync(file, typeof h === 'string' ? h : JSON.stringify(h));
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(file, at, at);
  };
  /** This machine's holder record for `pid`, as a process with that pid would write it. */
  async function recordOf(pid: number): Promise<Holder> {
    const release = await lockDirectory(dir);
    const record = me({ pid, start: startTimeOf(pid), token: 'someone-else' });
    release();
    return record;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-lock-'));
    file = path.join(dir, LOCK_FILE);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is taken on a free directory, names its holder, refuses a second taking and is gone once released', async () => {
    const release = await lockDirectory(dir);
    const held = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname() });
    if (linux) expect(held.start).toBe(startTimeOf(process.pid));
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    release();
    expect(fs.existsSync(file)).toBe(false);
    (await lockDirectory(dir))();
  });

  it('is refused while another live process holds it, and taken at once after that process is killed', async () => {
    const first = await holding(dir);
    children.push(first.child);
    expect(first.said).toBe('locked');
    expect((await holding(dir)).said).toBe('refused');
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    first.child.kill('SIGKILL');
    await exited(first.child);
    // The killed holder left its file behind; it is taken over without waiting.
    expect(fs.existsSync(file)).toBe(true);
    const release = await lockDirectory(dir);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as Holder).pid).toBe(process.pid);
    release();
  });

  it('is taken from a holder whose process is gone', async () => {
    leave(await recordOf(await deadPid()));
    const release = await lockDirectory(dir);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as Holder).pid).toBe(process.pid);
    release();
  });

  it.runIf(linux)('is taken from a holder whose pid another process now has (another start time)', async () => {
    // Any live process will do as the pid's owner: with its own start time it holds the lock.
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)']);
    children.push(live);
    const record = await recordOf(live.pid!);
    leave(record);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    leave({ ...record, start: String(Number(record.start) - 1) });
    (await lockDirectory(dir))();
  });

  it('is taken from a previous process with this pid (a container restarted), but not from this one', async () => {
    leave(await recordOf(process.pid));
    const release = await lockDirectory(dir);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    release();
  });

  it('judges a holder on another host by its heartbeat: refused within 15 s, taken after', async () => {
    const foreign = { ...(await recordOf(1)), host: 'another-host' };
    leave(foreign, 10_000);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    leave(foreign, 16_000);
    (await lockDirectory(dir))();
    // An unreadable file is judged the same way, and so is a pid that names no one process.
    leave('{"pid": 12', 1_000);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    leave({ ...foreign, host: os.hostname(), pid: -1 }, 1_000);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    leave({ ...foreign, host: os.hostname(), pid: -1 }, 16_000);
    (await lockDirectory(dir))();
  });

  it("judges an earlier Tally's lock directory by its age", async () => {
    fs.mkdirSync(file);
    await expect(lockDirectory(dir)).rejects.toBeInstanceOf(LockHeldError);
    const old = new Date(Date.now() - 16_000);
    fs.utimesSync(file, old, old);
    const release = await lockDirectory(dir);
    expect(fs.statSync(file).isFile()).toBe(true);
    release();
  });

  it('is released when its holder exits normally without releasing it', async () => {
    const { child, said } = await holding(dir, 'exit');
    expect(said).toBe('locked');
    await exited(child);
    expect(fs.existsSync(file)).toBe(false);
  });

  // The race is real only when the racers' attempts overlap; starting them at one instant makes
  // that likely, and three rounds make a lock that lets two win fail here.
  it('goes to exactly one of several processes racing for a dead holder’s lock', async () => {
    for (let round = 0; round < 3; round++) {
      leave(await recordOf(await deadPid()));
      const racers = [1, 2, 3, 4, 5, 6].map(() => holder(dir, 'wait'));
      children.push(...racers.map((r) => r.child));
      for (const r of racers) expect(await r.says()).toBe('ready');
      const at = Date.now() + 300;
      for (const r of racers) r.child.stdin!.write(`${at}\n`);
      const said = await Promise.all(racers.map(async (r) => ({ child: r.child, said: await r.says() })));
      expect(said.map((r) => r.said).sort()).toEqual(['locked', 'refused', 'refused', 'refused', 'refused', 'refused']);
      const winner = said.find((r) => r.said === 'locked')!;
      expect((JSON.parse(fs.readFileSync(file, 'utf8')) as Holder).pid).toBe(winner.child.pid);
      for (const r of racers) r.child.kill('SIGKILL');
      await Promise.all(racers.map((r) => exited(r.child)));
    }
  }, 60_000);
});
