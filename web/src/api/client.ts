import createClient from 'openapi-fetch';
import type { paths } from './schema.d.ts';

// The one way this app calls the API: openapi-fetch over the types generated from the served
// OpenAPI document (schema.d.ts, `npm run gen:api`), so tsc checks every path, query, body
// and answer. Errors are ApiErrors carrying the server's message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent with every mutating request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
/** The session's CSRF token, for requests the client cannot make (a file download, a raw file body). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

export const client = createClient<paths>({ credentials: 'same-origin', headers: { accept: 'application/json' } });
client.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
});

/** The answer of a call, or its ApiError: `ok(client.GET('/api/me'))`. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call.catch((e: unknown) => {
    throw new ApiError(0, 'unreachable', `Could not reach the server: ${(e as Error).message}`);
  });
  if (!response.ok) throw errorOf(response.status, error);
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
