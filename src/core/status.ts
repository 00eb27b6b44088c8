// Store status of an order (SPEC §2). The store is the only source of truth for this axis;
// nothing here knows about approval, and nothing in approval touches this.

export const STORE_STATUSES = ['pending', 'paid', 'partially_refunded', 'refunded', 'canceled'] as const;
export type StoreStatus = (typeof STORE_STATUSES)[number];

/**
 * What the store's own status field says, before the refunds we know of are weighed.
 * Same words as StoreStatus, kept as a separate name so a caller cannot pass a raw platform
 * reading where the resolved status is expected without going through resolveOrderState.
 */
export type BaseStatus = 'pending' | 'paid' | 'partially_refunded' | 'refunded' | 'canceled';

export class StatusError extends Error {
  readonly code = 'unknown_store_status' as const;
  readonly value: string;

  constructor(platform: 'shopify' | 'woocommerce' | 'custom', value: string) {
    super(`unknown ${platform} order status: ${JSON.stringify(value)}`);
    this.name = 'StatusError';
    this.value = value;
  }
}

const SHOPIFY_FINANCIAL: Readonly<Record<string, BaseStatus>> = {
  pending: 'pending',
  authorized: 'pending',
  partially_paid: 'pending',
  paid: 'paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  voided: 'canceled',
  // An authorisation that lapsed uncaptured: the money is never collected.
  expired: 'canceled',
};

const WOO_STATUS: Readonly<Record<string, BaseStatus>> = {
  pending: 'pending',
  'on-hold': 'pending',
  // Block checkout creates the order before payment is attempted.
  'checkout-draft': 'pending',
  processing: 'paid',
  completed: 'paid',
  refunded: 'refunded',
  cancelled: 'canceled',
  failed: 'canceled',
  // A trashed order is no longer a sale as far as the brand is concerned.
  trash: 'canceled',
};

const CUSTOM_STATUS: Readonly<Record<string, BaseStatus>> = {
  pending: 'pending',
  paid: 'paid',
  canceled: 'canceled',
  refunded: 'refunded',
};

// Object.hasOwn keeps 'constructor' / '__proto__' from reading through to Object.prototype.
function lookup(table: Readonly<Record<string, BaseStatus>>, key: string): BaseStatus | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function shopifyBaseStatus(args: { financialStatus: string | null; cancelledAt: string | null }): BaseStatus {
  // Cancellation is decided before the financial status is even read, so a cancelled order
  // with a status we do not know still resolves instead of dead-lettering.
  if (args.cancelledAt !== null && args.cancelledAt.trim() !== '') return 'canceled';
  // REST sends lower case, GraphQL upper case (PARTIALLY_REFUNDED); both mean the same.
  const raw = args.financialStatus?.trim().toLowerCase() ?? '';
  // Orders created by draft/API flows can lack a financial status until payment happens.
  if (raw === '') return 'pending';
  const base = lookup(SHOPIFY_FINANCIAL, raw);
  if (base === undefined) throw new StatusError('shopify', args.financialStatus ?? '');
  return base;
}

export function wooBaseStatus(status: string): BaseStatus {
  // The 'wc-' prefix is how WooCommerce stores statuses internally; some plugins leak it.
  let raw = status.trim().toLowerCase();
  if (raw.startsWith('wc-')) raw = raw.slice(3);
  const base = lookup(WOO_STATUS, raw);
  if (base === undefined) throw new StatusError('woocommerce', status);
  return base;
}

export function customBaseStatus(status: 'pending' | 'paid' | 'canceled' | 'refunded'): BaseStatus {
  // The type says it is valid, but the value may come from unvalidated JSON at runtime.
  const base = lookup(CUSTOM_STATUS, status);
  if (base === undefined) throw new StatusError('custom', String(status));
  return base;
}

/**
 * The single place where a store reading plus known refunds become a status and an amount.
 *
 * Decisions, in order of precedence:
 * 1. canceled wins over everything, amount 0 — a cancelled order is not a sale, even if it
 *    was paid and partly refunded first.
 * 2. refunded when the store says so, or when refunds cover the whole sale value (gross > 0),
 *    amount 0. This applies to a pending base too: money that came back in full is not a
 *    sale whatever the payment state claims. A gross of 0 never counts as "fully refunded"
 *    on its own, so a free order stays paid rather than flipping to refunded.
 * 3. partially_refunded when the store says so, or when a paid order has some refund
 *    (0 < refunded < gross); amount is the remainder, never below 0. A refund can arrive
 *    (refunds/create) before the order update that changes financial_status, which is why
 *    the refund amount alone is enough to move paid → partially_refunded.
 * 4. A pending order with a partial refund stays pending: it is not counted either way, and
 *    calling it partially_refunded would make it count as a sale that was never paid.
 *    Its amount still shows the remaining value.
 * 5. paid → the gross value.
 */
export function resolveOrderState(args: { base: BaseStatus; grossMinor: bigint; refundedMinor: bigint }): {
  status: StoreStatus;
  amountMinor: bigint;
} {
  const { base, grossMinor, refundedMinor } = args;
  // Negative inputs mean an upstream parsing bug; failing loudly beats a silently wrong total.
  if (grossMinor < 0n) throw new RangeError(`grossMinor must be >= 0, got ${grossMinor}`);
  if (refundedMinor < 0n) throw new RangeError(`refundedMinor must be >= 0, got ${refundedMinor}`);

  const remaining = grossMinor > refundedMinor ? grossMinor - refundedMinor : 0n;

  if (base === 'canceled') return { status: 'canceled', amountMinor: 0n };
  if (base === 'refunded' || (grossMinor > 0n && refundedMinor >= grossMinor)) {
    return { status: 'refunded', amountMinor: 0n };
  }
  if (base === 'partially_refunded') return { status: 'partially_refunded', amountMinor: remaining };
  if (base === 'pending') return { status: 'pending', amountMinor: remaining };
  // base === 'paid' from here on.
  if (refundedMinor > 0n) return { status: 'partially_refunded', amountMinor: remaining };
  return { status: 'paid', amountMinor: grossMinor };
}

const STATUS_LABELS = {
  pending: 'Pending',
  paid: 'Paid',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  canceled: 'Canceled',
} as const satisfies Record<StoreStatus, string>;

export type StatusLabel = (typeof STATUS_LABELS)[StoreStatus];

export function statusLabel(s: StoreStatus): StatusLabel {
  return STATUS_LABELS[s];
}
