import type { FastifyInstance } from 'fastify';
import { type Client, newAccount, type Reply } from './harness.ts';

// Seeds a brand's ledger through the real API: stores, creators, campaigns, members and
// custom-store orders. Every call asserts its status so a broken seed fails where it happens.

function expectStatus<T>(reply: Reply<T>, status: number, what: string): T {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
  return reply.body;
}

export interface OrderInput {
  number?: string;
  createdAt: string;
  updatedAt?: string;
  subtotal: string;
  refunded?: string;
  status: 'pending' | 'paid' | 'canceled' | 'refunded';
  codes?: string[];
}

export interface SeededOrder {
  externalId: string;
  conversionId: string | null;
  status: string;
}

export type Commission = { percent?: string; fixed?: { value: string; currency: string } };

export async function newLedger(app: FastifyInstance, account: { defaultCurrency?: string; timeZone?: string } = {}) {
  const brand = await newAccount(app, { defaultCurrency: 'USD', timeZone: 'Europe/Paris', ...account });
  const { admin } = brand;
  const storeCurrency = new Map<string, string>();
  let orders = 0;

  const ledger = {
    ...brand,

    async store(currency: string, name = `${currency} shop`): Promise<string> {
      const body = expectStatus(await admin.post('/api/stores', { platform: 'custom', name, currency }), 201, 'create store');
      storeCurrency.set(body.id, currency);
      return body.id as string;
    },

    async creator(name: string): Promise<string> {
      return expectStatus(await admin.post('/api/creators', { name }), 201, `create creator ${name}`).id as string;
    },

    async campaign(name: string, commission: Commission = { percent: '10' }): Promise<string> {
      return expectStatus(await admin.post('/api/campaigns', { name, commission }), 201, `create campaign ${name}`).id as string;
    },

    async member(campaignId: string, creatorId: string, codes: string[] = []): Promise<void> {
      expectStatus(await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId, codes }), 201, 'add member');
    },

    async removeMember(campaignId: string, creatorId: string): Promise<void> {
      expectStatus(await admin.delete(`/api/campaigns/${campaignId}/members/${creatorId}`), 204, 'remove member');
    },

    async removeCreator(creatorId: string): Promise<void> {
      expectStatus(await admin.delete(`/api/creators/${creatorId}`), 204, 'remove creator');
    },

    /** Creates or updates an order; `externalId` defaults to a fresh one. */
    async order(storeId: string, input: OrderInput, externalId?: string): Promise<SeededOrder> {
      orders += 1;
      const id = externalId ?? `ORD-${orders}`;
      const currency = storeCurrency.get(storeId);
      if (!currency) throw new Error(`unknown store ${storeId}`);
      const body = expectStatus(
        await admin.put(`/api/stores/${storeId}/orders/${encodeURIComponent(id)}`, {
          number: input.number ?? `#${1000 + orders}`,
          createdAt: input.createdAt,
          updatedAt: input.updatedAt ?? input.createdAt,
          currency,
          subtotal: input.subtotal,
          ...(input.refunded !== undefined && { refunded: input.refunded }),
          status: input.status,
          codes: input.codes ?? [],
        }),
        200,
        `put order ${id}`,
      );
      return { externalId: id, conversionId: body.conversionId, status: body.status };
    },
  };
  return ledger;
}

export type Ledger = Awaited<ReturnType<typeof newLedger>>;

/** Reads a page and asserts it answered 200. */
export async function read<T = any>(client: Client, url: string): Promise<T> {
  return expectStatus(await client.get<T>(url), 200, `GET ${url}`);
}

/** The sum of Money values of one currency, exactly, as a decimal string with its decimals. */
export function sumMoney(values: ReadonlyArray<{ value: string; currency: string }>, currency: string, digits = 2): string {
  let minor = 0n;
  for (const v of values) {
    if (v.currency !== currency) throw new Error(`expected ${currency}, got ${v.currency}`);
    minor += BigInt(v.value.replace('.', ''));
  }
  const text = minor.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
