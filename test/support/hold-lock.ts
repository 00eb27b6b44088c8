// Takes a directory's lock in a process of its own, for the lock's tests: prints "locked" and
// holds it until killed (with "exit": exits normally at once, without releasing it), or prints
// "refused" when a live process holds it. With "wait" it first prints "ready" and waits for a
// line on stdin naming an instant (ms), and starts at that instant, so that several of them race.
import { once } from 'node:events';
import { LockHeldError, lockDirectory } from '../../src/db/data-dir-lock.ts';

const [dir, then] = process.argv.slice(2);
if (then === 'wait') {
  console.log('ready');
  const [line] = await once(process.stdin, 'data');
  const at = Number(String(line));
  while (Date.now() < at);
}
try {
  await lockDirectory(dir!);
} catch (error) {
  if (!(error instanceof LockHeldError)) throw error;
  console.log('refused');
  process.exit(0);
}
console.log('locked');
if (then !== 'exit') setInterval(() => undefined, 60_000);
