import { describe, expect, it } from 'vitest';
import {
  amountProblem,
  amountWithinLimits,
  hasControlCharacters,
  instantProblem,
  isInt8Id,
  maxMinor,
  storeIdProblem,
  textProblem,
} from '../../src/core/limits.ts';

describe('what the ledger can hold', () => {
  it.each([
    ['EUR', 100_000_000_000_000n],
    ['JPY', 1_000_000_000_000n],
    ['KWD', 1_000_000_000_000_000n],
  ])('10^12 major units of %s are %s minor units', (currency, max) => {
    expect(maxMinor(currency)).toBe(max);
    expect(amountWithinLimits(max, currency)).toBe(true);
    expect(amountWithinLimits(max + 1n, currency)).toBe(false);
  });

  it('refuses negative amounts and unknown currencies, naming the field', () => {
    expect(amountWithinLimits(-1n, 'EUR')).toBe(false);
    expect(amountProblem('subtotal', -1n, 'EUR')).toBe('subtotal is below zero');
    expect(amountProblem('subtotal', 10n ** 14n + 1n, 'EUR')).toBe('subtotal is beyond 10^12 EUR');
    expect(amountProblem('subtotal', 1n, 'XXQ')).toBe('subtotal is in XXQ, which is not an ISO 4217 currency');
    expect(amountProblem('subtotal', 10n ** 14n, 'EUR')).toBeNull();
  });

  it.each([
    ['a\u0000b', true],
    ['tab\there', true],
    ['line\nbreak', true],
    ['del\u007f', true],
    ['c1\u0085', true],
    ['Café #1001 ✓', false],
    ['', false],
  ])('control characters in %j: %s', (text, found) => {
    expect(hasControlCharacters(text)).toBe(found);
  });

  it('names the field of a text it refuses', () => {
    expect(textProblem('name', 'x\u0000')).toBe('name holds a control character (such as NUL), which cannot be kept');
    expect(textProblem('name', 'x'.repeat(1_001))).toBe('name is longer than 1000 characters');
    expect(textProblem('name', 'x'.repeat(1_000))).toBeNull();
    expect(textProblem('name', 'a\ud800b')).toBe('name holds a lone surrogate (not valid Unicode), which cannot be kept');
    expect(textProblem('name', 'a\udc00')).toBe('name holds a lone surrogate (not valid Unicode), which cannot be kept');
    expect(textProblem('name', 'emoji \ud83d\ude00')).toBeNull();
  });

  it('refuses store ids of more than 20 digits', () => {
    expect(storeIdProblem('id', '1'.repeat(20))).toBeNull();
    expect(storeIdProblem('id', '1'.repeat(21))).toBe('id has more than 20 digits');
    expect(storeIdProblem('id', 'JP-000001')).toBeNull();
  });

  it.each([
    ['1970-01-01T00:00:00.000Z', null],
    ['9999-12-31T23:59:59.999Z', null],
    ['1969-12-31T23:59:59.999Z', 'placedAt is before 1970 or after 9999'],
    ['+010000-01-01T00:00:00.000Z', 'placedAt is before 1970 or after 9999'],
    ['not a date', 'placedAt is not a valid date'],
  ])('an instant %s: %s', (text, problem) => {
    expect(instantProblem('placedAt', new Date(text))).toBe(problem);
  });

  it.each([
    ['1', true],
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['12345678901234567890', false],
    ['0', false],
    ['01', false],
    ['-1', false],
  ])('database id %s fits int8: %s', (text, fits) => {
    expect(isInt8Id(text)).toBe(fits);
  });
});
