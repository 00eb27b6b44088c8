import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// One process per embedded data directory. The lock file names its holder (pid, host, and on
// Linux the boot, pid namespace and start time of the process), so a start after a crash
// (SIGKILL, power loss, out of memory) sees at once that the holder is gone and takes the lock
// over, while a live holder keeps it. A holder that cannot be checked from here (another host
// or pid namespace sharing the directory) is judged by the heartbeat it writes: the file's
// modification time, renewed every 5 s, stale after 15 s.

export const LOCK_FILE = 'tally.lock';
const HEARTBEAT_MS = 5_000;
const STALE_MS = 15_000;
// Taking over a dead holder's lock happens under this guard, so that two processes that both
// found the holder dead cannot both win. It is held for a few file operations; one left behind
// by a crash in between is broken after GUARD_STALE_MS.
const GUARD = `${LOCK_FILE}.takeover`;
const GUARD_STALE_MS = 10_000;

export interface Holder {
  pid: number;
  host: string;
  /** Linux: the boot id, the pid namespace and the process's start time (clock ticks after boot). */
  boot: string | null;
  pidns: string | null;
  start: string | null;
  /** Tells this holding from any other, even of the same process. */
  token: string;
}

export class LockHeldError extends Error {
  constructor(readonly holder: Holder | null) {
    super('the lock is held by a live process');
  }
}

const readOr = (read: () => string): string | null => {
  try {
    return read().trim();
  } catch {
    return null;
  }
};

/** The start time of a process: field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces). */
export function startTimeOf(pid: number): string | null {
  const stat = readOr(() => fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

const BOOT = readOr(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
const PIDNS = readOr(() => fs.readlinkSync('/proc/self/ns/pid'));

/** The tokens of the locks this process holds: a lock naming this pid with another token is a previous process's. */
const held = new Set<string>();

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lock (naming `holder`, or unreadable) still belongs to a live process. */
function holderAlive(holder: Holder | null, stat: fs.Stats): boolean {
  // An unreadable file, or a pid that is not one (kill(0) or kill(-1) would ask about a group).
  if (holder === null || !Number.isInteger(holder.pid) || holder.pid <= 0) return Date.now() - stat.mtimeMs < STALE_MS;
  if (held.has(holder.token)) return true;
  const checkable = holder.host === os.hostname() && holder.boot === BOOT && holder.pidns === PIDNS;
  if (!checkable) return Date.now() - stat.mtimeMs < STALE_MS;
  // The same pid in the same namespace is this process: the lock is from a previous one that
  // had this pid (a container's first process always has the same pid).
  if (holder.pid === process.pid || !exists(holder.pid)) return false;
  // A live process with the holder's pid but another start time took the pid over.
  return holder.start === null || startTimeOf(holder.pid) === holder.start;
}

function readHolder(file: string): { text: string; holder: Holder | null; stat: fs.Stats } | null {
  try {
    const stat = fs.statSync(file);
    // A directory is the lock an earlier Tally took (proper-lockfile): judged by its age alone.
    if (stat.isDirectory()) return { text: '', holder: null, stat };
    const text = fs.readFileSync(file, 'utf8');
    return { text, holder: JSON.parse(text) as Holder, stat };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof SyntaxError) return { text: '', holder: null, stat: fs.statSync(file) };
    throw error;
  }
}

/** Creates `file` with `content` only if it does not exist: written aside, then hard-linked into place. */
function createExclusive(file: string, content: string): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(aside, content, { flag: 'wx' });
  try {
    fs.linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.unlinkSync(aside);
  }
}

/** Runs `work` holding the takeover guard; false when another process holds it now. */
function underGuard(dir: string, work: () => void): boolean {
  const guard = path.join(dir, GUARD);
  try {
    fs.mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = readOr(() => String(fs.statSync(guard).mtimeMs));
    if (since !== null && Date.now() - Number(since) > GUARD_STALE_MS) fs.rmSync(guard, { recursive: true, force: true });
    return false;
  }
  try {
    work();
  } finally {
    fs.rmdirSync(guard);
  }
  return true;
}

/**
 * Takes the lock of `dir`, or throws LockHeldError while a live process holds it. Returns the
 * release; the lock is also released when the process exits normally.
 */
export async function lockDirectory(dir: string): Promise<() => void> {
  const file = path.join(dir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    host: os.hostname(),
    boot: BOOT,
    pidns: PIDNS,
    start: startTimeOf(process.pid),
    token: randomBytes(12).toString('hex'),
  };
  const content = JSON.stringify(me);
  // Each pass either takes the lock, finds it live, or removes a dead holder's and tries again.
  for (let pass = 0; ; pass++) {
    if (createExclusive(file, content)) break;
    const found = readHolder(file);
    if (found === null) continue;
    if (holderAlive(found.holder, found.stat)) throw new LockHeldError(found.holder);
    // Removed only if it is still the dead holder's lock: another process may have taken it over.
    const guarded = underGuard(dir, () => {
      const now = readHolder(file);
      if (now !== null && now.text === found.text && now.stat.mtimeMs === found.stat.mtimeMs)
        fs.rmSync(file, { recursive: true, force: true });
    });
    if (!guarded) {
      if (pass > 400) throw new LockHeldError(found.holder);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  held.add(me.token);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // Renewed again in 5 s; only holders on other hosts read it.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const release = () => {
    clearInterval(heartbeat);
    process.off('exit', release);
    if (!held.delete(me.token)) return;
    // Only this holding's own file: never one another process took over meanwhile.
    if (readOr(() => fs.readFileSync(file, 'utf8')) === content) fs.unlinkSync(file);
  };
  process.on('exit', release);
  return release;
}
