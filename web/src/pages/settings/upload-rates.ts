import { ApiError, getCsrfToken } from '../../api/client.ts';
import type { ImportReply } from './types.ts';

// POST /api/fx-rates/import takes the ECB file itself as the body. The server reads zip, CSV
// or XML by their content; the content type only has to be one it accepts. Browsers name a
// zip differently (Windows says application/x-zip-compressed), so anything else goes as bytes.

const ACCEPTED = new Set(['application/zip', 'application/octet-stream', 'text/csv', 'application/xml', 'text/xml']);

export async function uploadRates(file: File): Promise<ImportReply> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': ACCEPTED.has(file.type) ? file.type : 'application/octet-stream',
  };
  const csrf = getCsrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch('/api/fx-rates/import', { method: 'POST', headers, credentials: 'same-origin', body: file });
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `The import failed (${res.status}).`);
  }
  return data as ImportReply;
}
