import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/stores/verify-signature.ts';

// Published vectors (see test/fixtures/SOURCES.md, "Signature test vectors").
const WOO = { secret: '', body: 'secret', signature: 'GBDo00G55h6IiV+6CxqivQPLbI//KzaOZm747971tPs=' };
const SHOPIFY = {
  secret: 'test-webhook-secret',
  body: '{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}',
  signature: 'QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=',
};

describe('verifySignature', () => {
  it.each([
    ['WooCommerce (empty secret)', WOO],
    ['Shopify', SHOPIFY],
  ])('accepts the %s vector', (_name, v) => {
    expect(verifySignature(Buffer.from(v.body, 'utf8'), v.secret, v.signature)).toBe(true);
  });

  it.each([
    ['WooCommerce', WOO, 'secreT'],
    ['WooCommerce', WOO, 'secret '],
    ['Shopify', SHOPIFY, SHOPIFY.body.replace('123.45', '123.46')],
    // Same JSON, re-serialised with a space: the signature is over bytes, not over values.
    ['Shopify', SHOPIFY, SHOPIFY.body.replace('"id":', '"id": ')],
  ])('rejects a tampered %s body', (_name, v, body) => {
    expect(verifySignature(Buffer.from(body, 'utf8'), v.secret, v.signature)).toBe(false);
  });

  it('rejects the right body under the wrong secret', () => {
    expect(verifySignature(Buffer.from(SHOPIFY.body), 'other-secret', SHOPIFY.signature)).toBe(false);
    expect(verifySignature(Buffer.from(WOO.body), 'x', WOO.signature)).toBe(false);
  });

  it.each<[string, string | undefined]>([
    ['missing', undefined],
    ['empty', ''],
    ['not base64', 'not a signature at all!!!!!!!!!!!!!!!!!!!!!'],
    ['truncated', SHOPIFY.signature.slice(0, 20)],
    ['unpadded', SHOPIFY.signature.slice(0, -1)],
    ['with junk that base64 decoding would skip', `${SHOPIFY.signature.slice(0, 10)}*${SHOPIFY.signature.slice(10)}`],
    ['hex instead of base64', Buffer.from(SHOPIFY.signature, 'base64').toString('hex')],
    ['a digest of another length', createHmac('sha1', SHOPIFY.secret).update(SHOPIFY.body).digest('base64')],
  ])('rejects a %s header without throwing', (_name, header) => {
    expect(verifySignature(Buffer.from(SHOPIFY.body), SHOPIFY.secret, header)).toBe(false);
  });

  it('is computed over raw bytes, including non-UTF-8 ones', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const signature = createHmac('sha256', 's').update(body).digest('base64');
    expect(verifySignature(body, 's', signature)).toBe(true);
    expect(verifySignature(Buffer.from(body.toString('utf8')), 's', signature)).toBe(false);
  });
});
