// The API's shapes this app reads (see GET /api/openapi.json) and one fetch helper.

export interface Money { value: string; currency: string }
export type Role = 'admin' | 'member' | 'viewer';
export interface Account { id: string; name: string; defaultCurrency: string; timeZone: string }
export interface User { id: string; email: string; role: Role }
export interface SessionReply { account: Account; user: User; csrfToken: string }
/** GET /api/me: the caller now; `user` is null for an API key. */
export interface Me { account: Account; user: User | null; role: Role }

export interface Figures { orders: number; sales: Money; commission: Money }
export interface CampaignFigures extends Figures { campaignId: string; name: string }
/** Clicks on affiliate links and orders per click ("0.2500"), null without clicks. */
export interface ClickFigures { clicks: number; conversionRate: string | null }
export interface CreatorFigures extends Figures, ClickFigures { creatorId: string; name: string }
export interface Dashboard {
  currency: string;
  totalSales: Money;
  orders: number;
  commission: Money;
  fxMissing: number;
  campaigns: CampaignFigures[];
  series: Array<{ date: string; sales: Money }>;
}
export interface Performance { currency: string; totals: Figures & ClickFigures; creators: CreatorFigures[] }
export interface Campaign { id: string; name: string; commission: { percent: string | null; fixed: Money | null } }

export type StoreStatus = 'pending' | 'paid' | 'partially_refunded' | 'refunded' | 'canceled';
export interface Conversion {
  id: string;
  orderId: string;
  orderNumber: string;
  orderDate: string;
  campaignId: string;
  creatorId: string;
  creatorName: string;
  via: { type: 'code' | 'link'; value: string };
  status: StoreStatus;
  approval: 'approved' | 'rejected';
  amount: Money;
  converted: Money | null;
  fxMissing: boolean;
  commission: Money | null;
  counted: boolean;
}
export interface ConversionPage { items: Conversion[]; nextCursor: string | null }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent with every mutating request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
/** The session's CSRF token, for requests `api` cannot make (a file download, a raw file body). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Calls the API; JSON in and out, errors as ApiError with the server's message. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(method !== 'GET' && { body: JSON.stringify(body ?? {}) }),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) throw errorOf(res.status, data);
  return data as T;
}

/** The ApiError of a failed answer, from its JSON body `{ error: { code, message } }` if any. */
export function errorOf(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ApiError(status, error?.code ?? 'http_error', error?.message ?? `Request failed (${status}).`);
}

/** `?from=…&to=…` for a range; absent bounds are left out. */
export function rangeQuery(range: { from?: string; to?: string }): string {
  const params = new URLSearchParams();
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', range.to);
  const text = params.toString();
  return text ? `?${text}` : '';
}
