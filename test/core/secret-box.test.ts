import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretKey, openSecret, parseSecretKey, SECRET_KEY_FILE, SecretError, sealSecret } from '../../src/app/secrets/secret-box.ts';

// Store credentials sealed at rest: what opens, what does not, and where the key comes from.

const key = Buffer.alloc(32, 7);
const other = Buffer.alloc(32, 8);

describe('sealing a secret', () => {
  it('opens what it sealed, with the same key and context only', () => {
    const sealed = sealSecret(key, 'shpat_0123456789abcdef', 'store:1:2');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('shpat');
    expect(openSecret(key, sealed, 'store:1:2')).toBe('shpat_0123456789abcdef');
    // A fresh IV each time: the same secret never seals the same way twice.
    expect(sealSecret(key, 'shpat_0123456789abcdef', 'store:1:2')).not.toBe(sealed);
    expect(() => openSecret(other, sealed, 'store:1:2')).toThrow(SecretError);
    expect(() => openSecret(key, sealed, 'store:1:3')).toThrow(SecretError);
  });

  it('refuses a changed or foreign value with SecretError, never a wrong plaintext', () => {
    const sealed = sealSecret(key, 'ck_secret', 'store:1:2');
    const body = Buffer.from(sealed.slice(3), 'base64url');
    body[body.length - 1]! ^= 1;
    const cases = [`v1.${body.toString('base64url')}`, sealed.slice(0, -4), 'v1.', 'v2.abc', 'ck_secret', ''];
    for (const value of cases) expect(() => openSecret(key, value, 'store:1:2'), value).toThrow(SecretError);
  });

  it('keeps empty and non-ASCII secrets exactly', () => {
    for (const secret of ['', 'ключ-🔑', 'a'.repeat(10_000)]) expect(openSecret(key, sealSecret(key, secret, 'c'), 'c')).toBe(secret);
  });
});

describe('the key', () => {
  it('reads TALLY_SECRET_KEY as base64 or hex, and refuses anything else saying what to give', () => {
    const bytes = randomBytes(32);
    expect(parseSecretKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseSecretKey(` ${bytes.toString('hex')}\n`)).toEqual(bytes);
    for (const bad of ['', 'secret', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'g'.repeat(64)]) {
      expect(() => parseSecretKey(bad), bad).toThrow(/32 random bytes/);
    }
  });

  it('makes a key file in the data directory once, readable by its owner only, and reads it after', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tally-key-'));
    try {
      const first = await loadSecretKey({ dataDir: dir });
      const file = path.join(dir, SECRET_KEY_FILE);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect(first).toEqual(parseSecretKey(await fs.readFile(file, 'utf8')));
      expect(await loadSecretKey({ dataDir: dir })).toEqual(first);
      // The setting wins over the file; without either (PostgreSQL, no key), there is none.
      const given = randomBytes(32);
      expect(await loadSecretKey({ secretKey: given.toString('base64'), dataDir: dir })).toEqual(given);
      expect(await loadSecretKey({})).toBeNull();
      await fs.writeFile(file, 'not a key\n');
      await expect(loadSecretKey({ dataDir: dir })).rejects.toThrow(`The key file ${file} is not a key`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
