import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { createLogger } from '../../src/logging.ts';

// The integration suite's servers log at info, through the server's own options, into one
// file per test process; when the run ends, the files are searched for what no log may hold
// (SPEC §9): client addresses, session cookies, API keys, passwords, signatures, creator pages'
// tokens and the customer data of the fixtures. The real server's log is searched by test/server/logs.test.ts.

const FORBIDDEN: Array<[string, RegExp]> = [
  ['a client address', /127\.0\.0\.1|198\.51\.100\.|203\.0\.113\./],
  ['an API key', /tly_/],
  ['a session cookie', /tally_session/],
  ['the test password', /correct horse battery/],
  ['a webhook signature (base64 of 32 bytes)', /[A-Za-z0-9+/]{43}=/],
  ["a creator page's token", /\/portal\/[A-Za-z0-9_-]{43}/],
  [
    'customer data of the fixtures',
    /john@example\.com|jon@example\.com|555-555-SHIP|bob\.norman@hostmail\.com|24\.52\.34\.206|108\.30\.4\.3|scrambled@scrambled/,
  ],
];

/** A logger writing to this process's file in `dir`. */
export function captureLogger(dir: string) {
  const file = path.join(dir, `${process.pid}.log`);
  return createLogger('info', { destination: pino.destination({ dest: file, append: true, sync: true }), terminal: false });
}

/** The lines of the captured logs that hold what no log may hold, each with what it holds. */
export async function forbiddenLogLines(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await fs.readdir(dir)) {
    const text = await fs.readFile(path.join(dir, name), 'utf8');
    for (const line of text.split('\n')) {
      // The one address a log names is the server's own, where it listens.
      if (line.includes('"msg":"Server listening at ')) continue;
      for (const [what, pattern] of FORBIDDEN) if (pattern.test(line)) found.push(`${what}: ${line.slice(0, 300)}`);
    }
  }
  return found;
}
