import fc from 'fast-check';
import type { ShopifyVersion, SignedStore } from './store-deliveries.ts';
import { shopifyOrderBody, shopifyRefundBody } from './store-deliveries.ts';

// Random histories of a brand's orders, as the deliveries its stores would send, for property
// tests of the ledger: Shopify orders created pending or paid, paid, edited, partly refunded
// (the refund in the order's payload, on its own, or both; on its own possibly before the order),
// fully refunded, cancelled; WooCommerce orders with refunds and deletions; custom-store orders
// in a currency without a rate until one is added. The brand's own operations (reject, undo, a
// code added later and a backfill, a rate added later) come with them.

export type Delivery =
  | { platform: 'shopify'; topic: string; body: string; key: string }
  | { platform: 'woocommerce'; topic: string; body: string; key: string };

export interface CustomPut {
  externalId: string;
  body: Record<string, unknown>;
}

export type Step =
  | { kind: 'delivery'; delivery: Delivery }
  | { kind: 'put'; put: CustomPut }
  | { kind: 'review'; externalId: string; store: 'shopify' | 'woocommerce' | 'custom'; action: 'reject' | 'approve' };

export interface History {
  steps: Step[];
  /** Orders placed with a code only added to the member later, then backfilled. */
  lateCode: boolean;
  /** The custom store's currency gets its rate only later. */
  lateRate: boolean;
}

const money = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
const hour = (n: number) => new Date(Date.UTC(2026, 2, 2, 9) + n * 3_600_000).toISOString().replace('.000Z', 'Z');

type ShopifyAction = 'pay' | 'edit' | 'refund' | 'refund-alone' | 'refund-both' | 'refund-early' | 'cancel';

const shopifyOrder = fc.record({
  subtotal: fc.integer({ min: 100, max: 90_000 }),
  paid: fc.boolean(),
  code: fc.constantFrom('MIA10', 'mia10 ', 'LATE', 'NONE'),
  actions: fc.array(fc.constantFrom<ShopifyAction>('pay', 'edit', 'refund', 'refund-alone', 'refund-both', 'refund-early', 'cancel'), {
    maxLength: 5,
  }),
  reviews: fc.integer({ min: 0, max: 3 }),
  cuts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 5, maxLength: 5 }),
});

type WooAction = 'complete' | 'refund' | 'cancel' | 'delete';
const wooOrder = fc.record({
  lines: fc.array(fc.integer({ min: 50, max: 40_000 }), { minLength: 1, maxLength: 3 }),
  code: fc.constantFrom('MIA10', 'LATE', ''),
  actions: fc.array(fc.constantFrom<WooAction>('complete', 'refund', 'cancel', 'delete'), { maxLength: 3 }),
  reviews: fc.integer({ min: 0, max: 2 }),
});

const customOrder = fc.record({
  subtotal: fc.integer({ min: 1, max: 5_000_000 }),
  refunds: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }),
  status: fc.constantFrom('pending', 'paid', 'canceled', 'refunded'),
  code: fc.constantFrom('MIA10', 'LATE', ''),
  reviews: fc.integer({ min: 0, max: 2 }),
});

export const histories = (stores: { shopify: SignedStore; woo: SignedStore; custom: { currency: string } }) =>
  fc
    .record({
      shopify: fc.array(shopifyOrder, { minLength: 1, maxLength: 3 }),
      woo: fc.array(wooOrder, { maxLength: 2 }),
      custom: fc.array(customOrder, { maxLength: 2 }),
      lateRate: fc.boolean(),
      order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    })
    .map((plan): History => {
      let clock = 0;
      let refundSeq = 0;
      const perOrder: Step[][] = [];

      plan.shopify.forEach((o, n) => {
        const orderId = `${5_000_000_000_000_000_001n + BigInt(n)}`;
        const steps: Step[] = [];
        const early: Step[] = [];
        let financial = o.paid ? 'paid' : 'pending';
        let current = o.subtotal;
        let cancelledAt: string | null = null;
        const refunds: Array<{ id: string; lines: string[] }> = [];
        const created = hour(clock++);
        const body = (updatedAt: string) =>
          shopifyOrderBody(stores.shopify, {
            orderId,
            number: `#${1001 + n}`,
            createdAt: created,
            updatedAt,
            financialStatus: financial,
            cancelledAt,
            subtotal: money(o.subtotal),
            current: money(current),
            codes: o.code === 'NONE' ? [] : [o.code],
            refunds: [...refunds],
          } satisfies ShopifyVersion);
        const delivery = (topic: string, text: string): Step => ({
          kind: 'delivery',
          delivery: { platform: 'shopify', topic, body: text, key: orderId },
        });
        steps.push(delivery('orders/create', body(created)));
        for (const [i, action] of o.actions.entries()) {
          const updatedAt = hour(clock++);
          if (action === 'pay') financial = 'paid';
          else if (action === 'edit') current -= Math.floor(current * (o.cuts[i]! / 100));
          else if (action === 'cancel') {
            cancelledAt = updatedAt;
            financial = financial === 'paid' ? 'refunded' : 'voided';
          } else {
            const amount = Math.floor(current * (o.cuts[i]! / 100));
            if (amount === 0) continue;
            const refund = { id: `${9_000_000_000_000_000_000n + BigInt(++refundSeq)}`, lines: [money(amount)] };
            current -= amount;
            financial = current === 0 ? 'refunded' : 'partially_refunded';
            const alone = delivery('refunds/create', shopifyRefundBody(stores.shopify, orderId, refund));
            if (action === 'refund-early') early.push(alone);
            if (action === 'refund-alone') {
              steps.push(alone);
              continue;
            }
            refunds.push(refund);
            if (action === 'refund-both') steps.push(alone);
          }
          steps.push(delivery(cancelledAt ? 'orders/cancelled' : 'orders/updated', body(updatedAt)));
        }
        for (let r = 0; r < o.reviews; r++) {
          steps.splice(1 + r, 0, { kind: 'review', externalId: orderId, store: 'shopify', action: r % 2 === 0 ? 'reject' : 'approve' });
        }
        perOrder.push([...early, ...steps]);
      });

      plan.woo.forEach((o, n) => {
        const id = 700 + n;
        const steps: Step[] = [];
        const created = hour(clock++);
        let status = 'processing';
        const refunds: Array<{ id: number; total: string }> = [];
        const body = (modified: string) =>
          JSON.stringify({
            id,
            number: String(id),
            status,
            currency: stores.woo.currency,
            date_created_gmt: created.slice(0, 19),
            date_modified_gmt: modified.slice(0, 19),
            line_items: o.lines.map((total) => ({ total: money(total) })),
            refunds: [...refunds],
            coupon_lines: o.code ? [{ code: o.code }] : [],
          });
        const delivery = (topic: string, text: string): Step => ({
          kind: 'delivery',
          delivery: { platform: 'woocommerce', topic, body: text, key: `w${id}` },
        });
        steps.push(delivery('order.created', body(created)));
        for (const action of o.actions) {
          const modified = hour(clock++);
          if (action === 'delete') steps.push(delivery('order.deleted', JSON.stringify({ id })));
          else {
            if (action === 'complete') status = 'completed';
            if (action === 'cancel') status = 'cancelled';
            if (action === 'refund') refunds.push({ id: 8000 + refunds.length + n * 10, total: `-${money(o.lines[0]!)}` });
            steps.push(delivery('order.updated', body(modified)));
          }
        }
        for (let r = 0; r < o.reviews; r++)
          steps.splice(1 + r, 0, {
            kind: 'review',
            externalId: String(id),
            store: 'woocommerce',
            action: r % 2 === 0 ? 'reject' : 'approve',
          });
        perOrder.push(steps);
      });

      plan.custom.forEach((o, n) => {
        const externalId = `C-${n + 1}`;
        const created = hour(clock++);
        const steps: Step[] = [];
        let refunded = 0;
        const put = (updatedAt: string, status: string): Step => ({
          kind: 'put',
          put: {
            externalId,
            body: {
              number: externalId,
              createdAt: created,
              updatedAt,
              currency: stores.custom.currency,
              subtotal: money(o.subtotal),
              refunded: money(refunded),
              status,
              codes: o.code ? [o.code] : [],
            },
          },
        });
        steps.push(put(created, 'paid'));
        for (const percent of o.refunds) {
          refunded = Math.min(o.subtotal, refunded + Math.floor((o.subtotal * percent) / 100));
          steps.push(put(hour(clock++), 'paid'));
        }
        steps.push(put(hour(clock++), o.status));
        for (let r = 0; r < o.reviews; r++)
          steps.splice(1 + r, 0, { kind: 'review', externalId, store: 'custom', action: r % 2 === 0 ? 'reject' : 'approve' });
        perOrder.push(steps);
      });

      // The orders' steps interleaved, each order's own in its order.
      const steps: Step[] = [];
      const queues = perOrder.map((s) => [...s]);
      for (let i = 0; queues.some((q) => q.length > 0); i++) {
        const open = queues.filter((q) => q.length > 0);
        steps.push(open[(plan.order[i % plan.order.length] ?? 0) % open.length]!.shift()!);
      }
      const lateCode =
        plan.shopify.some((o) => o.code === 'LATE') ||
        plan.woo.some((o) => o.code === 'LATE') ||
        plan.custom.some((o) => o.code === 'LATE');
      return { steps, lateCode, lateRate: plan.lateRate };
    });
