import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { newAccount } from './harness.ts';
import type { SignedStore } from './store-deliveries.ts';

// The brand the random order histories (order-histories.ts) are played against: a Shopify
// store in USD, a WooCommerce store in EUR, a custom store in NGN (no rate until a history
// adds one), and a campaign whose member Mia holds the code MIA10.

export async function historyBrand(app: FastifyInstance, name = '') {
  const account = await newAccount(app, { defaultCurrency: 'EUR' });
  const { admin } = account;
  const create = async (platform: string, currency: string) =>
    (await admin.post('/api/stores', { platform, name: `${platform}${name ? ` ${name}` : ''}`, currency })).body;
  const shop = await create('shopify', 'USD');
  const woo = await create('woocommerce', 'EUR');
  const custom = await create('custom', 'NGN');
  const mia = (await admin.post('/api/creators', { name: 'Mia' })).body.id as string;
  const campaign = (
    await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '12.5', fixed: { value: '0.50', currency: 'USD' } } })
  ).body.id as string;
  expect((await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: mia, codes: ['MIA10'] })).status).toBe(201);
  return {
    ...account,
    shopify: { id: shop.id, secret: shop.webhookSecret, currency: 'USD' } as SignedStore,
    woo: { id: woo.id, secret: woo.webhookSecret, currency: 'EUR' } as SignedStore,
    custom: custom.id as string,
    mia,
    campaign,
  };
}

export type HistoryBrand = Awaited<ReturnType<typeof historyBrand>>;

/** The id of the brand's store a history step names. */
export const storeOf = (b: HistoryBrand, store: 'shopify' | 'woocommerce' | 'custom') =>
  store === 'shopify' ? b.shopify.id : store === 'woocommerce' ? b.woo.id : b.custom;
