import { createHmac, randomUUID } from 'node:crypto';
import { formatMoney } from '../../core/money.ts';
import type { DemoStore, DemoWorkspace } from './seed.ts';

// Keeps the demo dashboard moving: every few seconds it sends one signed delivery, as the
// demo's Shopify or WooCommerce store would, to this server's own webhook endpoints — a new
// order (usually with a demo code), the payment of an earlier pending one, or a refund.
// It goes through HTTP like a real store, so it exercises the whole path.

export interface SimulatorLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

interface SimOrder {
  store: DemoStore;
  id: string;
  number: string;
  createdAt: Date;
  grossMinor: bigint;
  paid: boolean;
  refunded: boolean;
  codes: string[];
  ref: string | null;
  country: string;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
/** Shopify ids are 64-bit integers written raw into the JSON; they are built as digit strings. */
const rawIds = (json: string) => json.replace(/"(id|order_id)":"(\d+)"/g, '"$1":$2');
const wooTime = (d: Date) => d.toISOString().slice(0, 19);

export class DemoSimulator {
  private timer: NodeJS.Timeout | null = null;
  private readonly orders: SimOrder[] = [];
  private counter = 0;
  private busy = false;
  /** Deliveries sent and acknowledged, for tests and logs. */
  sent = 0;

  constructor(
    private readonly workspace: DemoWorkspace,
    private readonly baseUrl: string,
    private readonly logger: SimulatorLogger,
    private readonly intervalMs = 3_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends one delivery; errors are logged, never thrown. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const stores = this.workspace.stores.filter((s) => s.platform === 'shopify' || s.platform === 'woocommerce');
      if (stores.length === 0) return;
      const r = Math.random();
      const pending = this.orders.filter((o) => !o.paid);
      const paid = this.orders.filter((o) => o.paid && !o.refunded);
      if (r < 0.2 && pending.length > 0) await this.pay(pending[Math.floor(Math.random() * pending.length)]!);
      else if (r < 0.3 && paid.length > 0) await this.refund(paid[Math.floor(Math.random() * paid.length)]!);
      else await this.create(stores[Math.floor(Math.random() * stores.length)]!);
    } catch (error) {
      this.logger.warn({ err: error }, 'demo simulator: a delivery failed');
    } finally {
      this.busy = false;
    }
  }

  private nextId(): number {
    this.counter = (this.counter + 1) % 1000;
    return Date.now() * 1000 + this.counter;
  }

  private async create(store: DemoStore): Promise<void> {
    const { codes, slugs } = this.workspace;
    const r = Math.random();
    let orderCodes: string[] = [];
    let ref: string | null = null;
    // The first delivery is always a coded order, so a fresh start shows movement at once.
    if ((r < 0.75 || this.orders.length === 0) && codes.length > 0) orderCodes = [codes[Math.floor(Math.random() * codes.length)]!];
    else if (r < 0.85 && slugs.length > 0) {
      ref = slugs[Math.floor(Math.random() * slugs.length)]!;
      // A visitor follows the creator's link first, as a real customer would.
      await fetch(`${this.baseUrl}/r/${ref}`, { redirect: 'manual', headers: { 'user-agent': `tally-demo/${Math.random()}` } });
    }
    const usd = store.currency !== 'JPY';
    const grossMinor = usd
      ? BigInt(1_500 + Math.floor(Math.random() * 180) * 100 + 99)
      : BigInt(2_000 + Math.floor(Math.random() * 250) * 100);
    const n = this.nextId();
    const order: SimOrder = {
      store,
      // Shopify: a 16-digit id beyond 2^53; WooCommerce: a post id that is a safe integer.
      id: store.platform === 'shopify' ? `${n}7` : String(Math.floor(n / 1000) % 10_000_000_000),
      number: store.platform === 'shopify' ? `#D${n % 1_000_000}` : String(Math.floor(n / 1000) % 10_000_000_000),
      createdAt: new Date(),
      grossMinor,
      paid: Math.random() < 0.6,
      refunded: false,
      codes: orderCodes,
      ref,
      country: store.platform === 'shopify' ? 'US' : 'FR',
    };
    this.orders.push(order);
    if (this.orders.length > 50) this.orders.shift();
    await this.sendOrder(order, 'created', new Date());
  }

  private async pay(order: SimOrder): Promise<void> {
    order.paid = true;
    await this.sendOrder(order, 'paid', new Date());
  }

  private async refund(order: SimOrder): Promise<void> {
    order.refunded = true;
    const amount = (order.grossMinor * BigInt(20 + Math.floor(Math.random() * 40))) / 100n;
    const refundId = String(this.nextId());
    if (order.store.platform === 'shopify') {
      const money = { amount: formatMoney(amount, order.store.currency), currency_code: order.store.currency };
      const body = rawIds(
        JSON.stringify({
          id: refundId,
          admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
          order_id: order.id,
          created_at: new Date().toISOString(),
          note: 'Demo refund',
          restock: true,
          refund_line_items: [
            {
              id: String(this.nextId()),
              quantity: 1,
              subtotal: money.amount,
              subtotal_set: { shop_money: money, presentment_money: money },
            },
          ],
          transactions: [],
        }),
      );
      await this.post(order.store, 'refunds/create', body);
    } else {
      await this.sendOrder(order, 'paid', new Date(), { id: refundId, minor: amount });
    }
  }

  private async sendOrder(
    order: SimOrder,
    event: 'created' | 'paid',
    updatedAt: Date,
    refund?: { id: string; minor: bigint },
  ): Promise<void> {
    const { store } = order;
    const value = formatMoney(order.grossMinor, store.currency);
    if (store.platform === 'shopify') {
      const money = { amount: value, currency_code: store.currency };
      const body = rawIds(
        JSON.stringify({
          id: order.id,
          admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
          name: order.number,
          created_at: order.createdAt.toISOString(),
          updated_at: updatedAt.toISOString(),
          currency: store.currency,
          financial_status: order.paid ? 'paid' : 'pending',
          cancelled_at: null,
          subtotal_price: value,
          subtotal_price_set: { shop_money: money, presentment_money: money },
          current_subtotal_price: value,
          current_subtotal_price_set: { shop_money: money, presentment_money: money },
          discount_codes: order.codes.map((code) => ({ code, amount: '0.00', type: 'percentage' })),
          landing_site: order.ref ? `/?ref=${order.ref}` : '/',
          note_attributes: [],
          refunds: [],
          line_items: [{ id: `${order.id.slice(0, -1)}1`, title: 'Glow serum', quantity: 1, price: value }],
          billing_address: { country_code: order.country },
        }),
      );
      await this.post(store, event === 'created' ? 'orders/create' : 'orders/paid', body);
    } else {
      const body = JSON.stringify({
        id: Number(order.id),
        number: order.number,
        status: order.paid ? 'processing' : 'on-hold',
        currency: store.currency,
        date_created_gmt: wooTime(order.createdAt),
        date_modified_gmt: wooTime(updatedAt),
        line_items: [{ id: 1, name: 'Glow serum', quantity: 1, subtotal: value, total: value }],
        refunds: refund
          ? [{ id: Number(refund.id.slice(-9)), reason: 'Demo refund', total: `-${formatMoney(refund.minor, store.currency)}` }]
          : [],
        coupon_lines: order.codes.map((code) => ({ id: 1, code })),
        meta_data: order.ref ? [{ id: 1, key: 'ref', value: order.ref }] : [],
        billing: { country: order.country },
      });
      await this.post(store, event === 'created' ? 'order.created' : 'order.updated', body);
    }
  }

  private async post(store: DemoStore, topic: string, body: string): Promise<void> {
    const shopify = store.platform === 'shopify';
    const headers: Record<string, string> = shopify
      ? { 'x-shopify-topic': topic, 'x-shopify-webhook-id': randomUUID(), 'x-shopify-hmac-sha256': sign(store.secret, body) }
      : { 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': randomUUID(), 'x-wc-webhook-signature': sign(store.secret, body) };
    const res = await fetch(`${this.baseUrl}/webhooks/${store.platform}/${store.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await res.arrayBuffer();
    if (res.ok) this.sent++;
    const log = { store: store.id, topic, status: res.status };
    // 202 means the server kept the delivery as a dead letter: the simulator built a bad body.
    if (res.status !== 200) this.logger.warn(log, 'demo simulator: delivery not accepted');
    else this.logger.debug(log, 'demo simulator: delivery sent');
  }
}
