import { isSafeNumber, parse } from 'lossless-json';

// Store payloads carry ids above 2^53 (Shopify order and refund ids) that JSON.parse would
// silently round. Numbers that survive a round trip through a JS number stay numbers; any
// other (large integers, over-long decimals) comes out as its exact source text.

export class JsonBodyError extends Error {
  readonly code = 'malformed_json' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JsonBodyError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function exactNumber(text: string): number | string {
  return isSafeNumber(text) ? Number(text) : text;
}

export function parseJsonLossless(raw: Buffer | string): unknown {
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    try {
      text = utf8.decode(raw);
    } catch (error) {
      throw new JsonBodyError('malformed JSON: the body is not valid UTF-8', { cause: error });
    }
  }
  if (text.trim() === '') throw new JsonBodyError('malformed JSON: the body is empty');
  try {
    return parse(text, null, exactNumber);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new JsonBodyError(`malformed JSON: ${detail}`, { cause: error });
  }
}
