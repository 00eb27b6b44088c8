import { describe, expect, it } from 'vitest';
import {
  type BaseStatus,
  customBaseStatus,
  resolveOrderState,
  STORE_STATUSES,
  StatusError,
  type StoreStatus,
  shopifyBaseStatus,
  statusLabel,
  wooBaseStatus,
} from '../../src/core/status.ts';

describe('shopifyBaseStatus', () => {
  it.each<[string | null, string | null, BaseStatus]>([
    ['pending', null, 'pending'],
    ['authorized', null, 'pending'],
    ['partially_paid', null, 'pending'],
    ['paid', null, 'paid'],
    ['partially_refunded', null, 'partially_refunded'],
    ['refunded', null, 'refunded'],
    ['voided', null, 'canceled'],
    ['expired', null, 'canceled'],
    [null, null, 'pending'],
    ['', null, 'pending'],
    ['PARTIALLY_REFUNDED', null, 'partially_refunded'],
    // cancelled_at wins over every financial status
    ['pending', '2024-05-01T10:00:00Z', 'canceled'],
    ['authorized', '2024-05-01T10:00:00Z', 'canceled'],
    ['paid', '2024-05-01T10:00:00Z', 'canceled'],
    ['partially_refunded', '2024-05-01T10:00:00Z', 'canceled'],
    ['refunded', '2024-05-01T10:00:00Z', 'canceled'],
    [null, '2024-05-01T10:00:00Z', 'canceled'],
    ['something_new', '2024-05-01T10:00:00Z', 'canceled'],
    ['paid', '', 'paid'],
  ])('financial_status %j, cancelled_at %j → %s', (financialStatus, cancelledAt, expected) => {
    expect(shopifyBaseStatus({ financialStatus, cancelledAt })).toBe(expected);
  });

  it.each(['expired_unknown', 'constructor', '__proto__', 'toString'])('unknown %j → StatusError', (value) => {
    const call = () => shopifyBaseStatus({ financialStatus: value, cancelledAt: null });
    expect(call).toThrow(StatusError);
    try {
      call();
    } catch (e) {
      expect((e as StatusError).code).toBe('unknown_store_status');
      expect((e as StatusError).value).toBe(value);
    }
  });
});

describe('wooBaseStatus', () => {
  it.each<[string, BaseStatus]>([
    ['pending', 'pending'],
    ['on-hold', 'pending'],
    ['checkout-draft', 'pending'],
    ['processing', 'paid'],
    ['completed', 'paid'],
    ['refunded', 'refunded'],
    ['cancelled', 'canceled'],
    ['failed', 'canceled'],
    ['trash', 'canceled'],
    ['wc-completed', 'paid'],
  ])('%j → %s', (status, expected) => {
    expect(wooBaseStatus(status)).toBe(expected);
  });

  it.each(['shipped', '', 'canceled', 'hasOwnProperty'])('unknown %j → StatusError', (status) => {
    expect(() => wooBaseStatus(status)).toThrow(StatusError);
  });
});

describe('customBaseStatus', () => {
  it.each<['pending' | 'paid' | 'canceled' | 'refunded', BaseStatus]>([
    ['pending', 'pending'],
    ['paid', 'paid'],
    ['canceled', 'canceled'],
    ['refunded', 'refunded'],
  ])('%j → %s', (status, expected) => {
    expect(customBaseStatus(status)).toBe(expected);
  });

  it('rejects a value outside the type at runtime', () => {
    expect(() => customBaseStatus('partially_refunded' as never)).toThrow(StatusError);
  });
});

describe('resolveOrderState', () => {
  it.each<[BaseStatus, bigint, bigint, StoreStatus, bigint]>([
    // paid, no refunds
    ['paid', 12345n, 0n, 'paid', 12345n],
    ['paid', 0n, 0n, 'paid', 0n],
    // partial refunds on a paid order, even before the store updates its status
    ['paid', 10000n, 2550n, 'partially_refunded', 7450n],
    ['paid', 10000n, 1n, 'partially_refunded', 9999n],
    ['paid', 10000n, 9999n, 'partially_refunded', 1n],
    ['partially_refunded', 10000n, 2550n, 'partially_refunded', 7450n],
    ['partially_refunded', 10000n, 0n, 'partially_refunded', 10000n],
    // refund equal to or larger than the sale value → refunded, 0
    ['paid', 10000n, 10000n, 'refunded', 0n],
    ['paid', 10000n, 15000n, 'refunded', 0n],
    ['partially_refunded', 10000n, 10000n, 'refunded', 0n],
    ['partially_refunded', 10000n, 12000n, 'refunded', 0n],
    ['pending', 10000n, 10000n, 'refunded', 0n],
    // the store says refunded
    ['refunded', 10000n, 0n, 'refunded', 0n],
    ['refunded', 10000n, 500n, 'refunded', 0n],
    ['refunded', 0n, 0n, 'refunded', 0n],
    // canceled wins over everything
    ['canceled', 10000n, 0n, 'canceled', 0n],
    ['canceled', 10000n, 2550n, 'canceled', 0n],
    ['canceled', 10000n, 10000n, 'canceled', 0n],
    ['canceled', 10000n, 20000n, 'canceled', 0n],
    // pending with a partial refund stays pending, showing the remainder
    ['pending', 10000n, 0n, 'pending', 10000n],
    ['pending', 10000n, 3000n, 'pending', 7000n],
    // JPY: exponent 0, minor unit = yen
    ['paid', 1235n, 0n, 'paid', 1235n],
    ['paid', 1235n, 235n, 'partially_refunded', 1000n],
    ['paid', 1235n, 1235n, 'refunded', 0n],
    ['paid', 1235n, 99999n, 'refunded', 0n],
    // a free order with a stray refund figure is not "fully refunded" (gross must be > 0)
    ['paid', 0n, 100n, 'partially_refunded', 0n],
    // beyond 2^53
    ['paid', 9007199254740993n, 1n, 'partially_refunded', 9007199254740992n],
  ])('%s, gross %s, refunded %s → %s %s', (base, grossMinor, refundedMinor, status, amountMinor) => {
    expect(resolveOrderState({ base, grossMinor, refundedMinor })).toEqual({ status, amountMinor });
  });

  it.each<[bigint, bigint]>([
    [-1n, 0n],
    [100n, -1n],
  ])('negative input (gross %s, refunded %s) → RangeError', (grossMinor, refundedMinor) => {
    expect(() => resolveOrderState({ base: 'paid', grossMinor, refundedMinor })).toThrow(RangeError);
  });
});

describe('statusLabel', () => {
  it.each<[StoreStatus, string]>([
    ['pending', 'Pending'],
    ['paid', 'Paid'],
    ['partially_refunded', 'Partially refunded'],
    ['refunded', 'Refunded'],
    ['canceled', 'Canceled'],
  ])('%s → %s', (status, label) => {
    expect(statusLabel(status)).toBe(label);
  });

  it('covers every status', () => {
    expect(STORE_STATUSES).toEqual(['pending', 'paid', 'partially_refunded', 'refunded', 'canceled']);
  });
});
