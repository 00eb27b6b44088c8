import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

// Secrets Tally must be able to read back — a connected store's API credentials (SPEC §12) —
// are kept sealed with AES-256-GCM under one key: TALLY_SECRET_KEY, or, for the embedded
// database when it is not set, a key file made once in the data directory. Each sealed value is
// bound to where it belongs (its `context`, such as the store it is for), so a value copied to
// another row does not open there. Sealed text: `v1.` + base64url(iv ‖ tag ‖ ciphertext).

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_FILE = 'secret.key';

export class SecretError extends Error {}

const HEX_KEY = /^[0-9a-f]{64}$/i;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

/** The 32-byte key from TALLY_SECRET_KEY's text (base64 or hex), or an error naming what to give. */
export function parseSecretKey(text: string): Buffer {
  const value = text.trim();
  if (HEX_KEY.test(value)) return Buffer.from(value, 'hex');
  if (BASE64_KEY.test(value)) return Buffer.from(value, 'base64');
  throw new SecretError(
    'TALLY_SECRET_KEY must be 32 random bytes, as 44 characters of base64 or 64 hexadecimal digits (openssl rand -base64 32).',
  );
}

/**
 * The key to seal with: TALLY_SECRET_KEY when given; otherwise, for the embedded database, the
 * key file in its data directory, made on first use (readable by its owner only); otherwise
 * (PostgreSQL without a key) null: nothing can be sealed until one is set.
 */
export async function loadSecretKey(options: { secretKey?: string | undefined; dataDir?: string | undefined }): Promise<Buffer | null> {
  if (options.secretKey !== undefined) return parseSecretKey(options.secretKey);
  if (options.dataDir === undefined) return null;
  const file = path.join(options.dataDir, SECRET_KEY_FILE);
  try {
    await fs.writeFile(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    return parseSecretKey(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if (error instanceof SecretError) throw new SecretError(`The key file ${file} is not a key: ${error.message}`);
    throw error;
  }
}

export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext, or a SecretError when the value was sealed under another key or context, or changed. */
export function openSecret(key: Buffer, sealed: string, context: string): string {
  const raw = sealed.startsWith(VERSION) ? Buffer.from(sealed.slice(VERSION.length), 'base64url') : null;
  if (!raw || raw.length < IV_BYTES + TAG_BYTES) throw new SecretError('The sealed value is not one Tally wrote.');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretError(
      'The sealed value does not open with this key: it was sealed under another TALLY_SECRET_KEY, for another place, or changed.',
    );
  }
}
