import { ApiError, errorOf, getCsrfToken } from '../api/client.ts';

// File downloads that need a request a link cannot make (a POST with a body and the CSRF
// header): the answer is read as a Blob and saved under the server's file name.

/** The file name of a Content-Disposition header: `filename*` (RFC 6266 / 8187) first, then `filename`. */
export function dispositionFilename(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2] && /^utf-8$/i.test(extended[1] ?? '')) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // A malformed escape: the plain filename below still names the file.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  return name || fallback;
}

/** Saves a Blob through a temporary object URL and an `<a download>`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; revoking later frees the memory.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Starts the browser's own download of a GET URL (streamed to disk, never held in memory). */
function downloadUrl(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Downloads a GET URL once the server has answered it with success. The browser would save a
 * failed answer (an ended session's 401, a bad range's 400) as the file itself: this throws an
 * ApiError with the server's message instead. The check's request is cancelled as soon as its
 * status is known; the file comes by the browser's own request, streamed to disk.
 */
export async function downloadChecked(url: string): Promise<void> {
  const check = new AbortController();
  const res = await fetch(url, {
    credentials: 'same-origin',
    headers: { accept: 'text/csv, application/json' },
    signal: check.signal,
  }).catch((e: unknown) => {
    throw new ApiError(0, 'unreachable', `Could not reach the server: ${(e as Error).message}`);
  });
  if (!res.ok) throw errorOf(res.status, await res.json().catch(() => null));
  check.abort();
  downloadUrl(url);
}

/**
 * POSTs JSON and saves the answer as a file named by its Content-Disposition. A failed answer
 * throws an ApiError with the server's message; nothing is saved. Returns the file name.
 */
export async function postForDownload(path: string, body: unknown, fallbackName: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/csv, application/json' };
  const csrf = getCsrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  if (!res.ok) throw errorOf(res.status, await res.json().catch(() => null));
  const filename = dispositionFilename(res.headers.get('content-disposition'), fallbackName);
  saveBlob(await res.blob(), filename);
  return filename;
}
