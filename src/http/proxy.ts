import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

// Who the client is and how it reached Tally, as far as TRUST_PROXY lets X-Forwarded-* say.

/**
 * fastify's `trustProxy` for TRUST_PROXY. fastify ignores a bare hop count (it cannot check
 * the nearest peer's address), so a count becomes a function trusting the nearest N hops:
 * the operator's word that every request comes through that many proxies (README).
 */
export function trustProxyOption(setting: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** Whether the client uses https: the public address is https, or a trusted proxy says so. */
export const overHttps = (request: FastifyRequest, publicUrl: string): boolean =>
  publicUrl.startsWith('https://') || request.protocol === 'https';
