import { describe, expect, it } from 'vitest';
import { conversionRate } from '../../src/core/conversion-rate.ts';

describe('conversionRate', () => {
  it.each([
    [0, 0n, null],
    [0, 5n, '0.0000'],
    [1, 2n, '0.5000'],
    [1, 3n, '0.3333'],
    [2, 3n, '0.6667'],
    [1, 8n, '0.1250'],
    [1, 16n, '0.0625'],
    [1, 32n, '0.0313'],
    [3, 2n, '1.5000'],
    [7, 7n, '1.0000'],
    // 1/20000 is exactly half of the last decimal: it rounds up.
    [1, 20_000n, '0.0001'],
    [1, 20_001n, '0.0000'],
  ])('%i orders over %i clicks → %s', (orders, clicks, expected) => {
    expect(conversionRate(orders, clicks)).toBe(expected);
  });
});
