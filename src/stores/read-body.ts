import { JsonBodyError, parseJsonLossless } from './parse-json.ts';

/** The JSON of a signed body, or the reason it is not JSON. */
export function readBody(body: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parseJsonLossless(body) };
  } catch (error) {
    if (error instanceof JsonBodyError) return { ok: false, reason: error.message };
    throw error;
  }
}
