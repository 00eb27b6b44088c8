import { describe, expect, it } from 'vitest';
import { destinationHost, normalizeDomain, onDomains, storeDomain } from '../../src/core/link-domains.ts';

describe('link domains', () => {
  it.each([
    ['example.com', 'example.com'],
    ['Shop.Example.COM', 'shop.example.com'],
    ['example.com.', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['a-b.co.uk', 'a-b.co.uk'],
  ])('keeps %s as %s', (text, domain) => expect(normalizeDomain(text)).toBe(domain));

  it.each([
    'https://example.com',
    'example.com/shop',
    'example.com:8080',
    'user@example.com',
    'localhost',
    'com',
    '1.2.3.4',
    '[::1]',
    '*.example.com',
    '-bad.example.com',
    'bad-.example.com',
    'exa mple.com',
    '',
    '.',
    'example..com',
    `${'a'.repeat(64)}.com`,
  ])('refuses %j', (text) => expect(normalizeDomain(text)).toBeNull());

  it.each([
    ['shop.example.com', 'shop.example.com'],
    ['https://Shop.Example.com/', 'shop.example.com'],
    ['http://example.com:8080/path', 'example.com'],
    ['not a domain', null],
  ])("reads a store's domain %j as %j", (text, domain) => expect(storeDomain(text)).toBe(domain));

  it('allows a domain and its subdomains, not its parent nor a look-alike', () => {
    const domains = ['example.com', 'shop.brand.test'];
    expect(onDomains('example.com', domains)).toBe(true);
    expect(onDomains('www.example.com', domains)).toBe(true);
    expect(onDomains('a.b.example.com', domains)).toBe(true);
    expect(onDomains('shop.brand.test', domains)).toBe(true);
    expect(onDomains('brand.test', domains)).toBe(false);
    expect(onDomains('badexample.com', domains)).toBe(false);
    expect(onDomains('example.com.evil.test', domains)).toBe(false);
    expect(onDomains('example.com', [])).toBe(false);
  });

  it('reads the host a destination leads to as a browser would', () => {
    expect(destinationHost('https://EXAMPLE.com./x')).toBe('example.com');
    expect(destinationHost('https://example.com@evil.test/')).toBe('evil.test');
    expect(destinationHost('https://evil.test\\@example.com/')).toBe('evil.test');
    expect(destinationHost('https://bücher.de/')).toBe('xn--bcher-kva.de');
  });
});
