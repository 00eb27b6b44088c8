import type { Role } from '../../api/client.ts';

// The shapes the Settings page reads (see GET /api/openapi.json: stores, webhooks, users,
// api keys, fx rates). Account and User live in ../api.ts with the session.

export type Platform = 'shopify' | 'woocommerce' | 'custom';

export interface Store {
  id: string;
  platform: Platform;
  name: string;
  currency: string;
  domain: string | null;
  /** Absolute, built on the server's PUBLIC_URL. */
  webhookUrl: string;
  /** Admins only; null for other roles. */
  webhookSecret: string | null;
  createdAt: string;
}

export interface DeadLetter { id: string; receivedAt: string; topic: string; reason: string }
export interface Replay { id: string; status: 'pending' | 'done' | 'dead'; reason: string | null }

export interface ApiKey { id: string; name: string; role: Role; createdAt: string; revokedAt: string | null }
export interface ApiKeyCreated { id: string; name: string; role: Role; key: string }

export interface RateInEffect { currency: string; perEur: string; day: string; source: 'ecb' | 'account' }
export interface RatesReply { date: string; items: RateInEffect[] }
export interface RateAdded { currency: string; date: string; perEur: string; refigured: number }
export interface ImportReply { rates: number; currencies: string[]; from: string; to: string; refigured: number }

export interface Items<T> { items: T[] }
