import { createHmac, timingSafeEqual } from 'node:crypto';

// Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature) sign the same way:
// base64 of HMAC-SHA256 over the raw request bytes, keyed with the webhook secret. The check
// runs on the bytes as received — re-serialised JSON would not hash the same.

// Canonical padded base64 of a 32-byte digest: 43 characters then one '='.
const DIGEST_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

export function verifySignature(rawBody: Buffer, secret: string, header: string | undefined): boolean {
  if (typeof header !== 'string') return false;
  const claimed = header.trim();
  // Buffer.from(…, 'base64') skips characters it does not understand, so an unchecked header
  // could decode to the right bytes from a different string; accept the canonical form only.
  if (!DIGEST_BASE64.test(claimed)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(claimed, 'base64');
  // timingSafeEqual throws on different lengths; the shape check makes both 32 bytes.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
