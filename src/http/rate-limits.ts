import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.ts';

// Limits on attempts (login, signup), counted in this process's memory: each Tally process
// counts on its own (README). Each limit has its own count, so one route can have several.

export interface Limit {
  max: number;
  timeWindow: string;
  /** What is counted: the client's address, an e-mail… */
  key: (request: FastifyRequest) => string;
}

/** A hook that refuses the request past the limit: 429 rate_limited with Retry-After. */
export function limitAttempts(app: FastifyInstance, limit: Limit) {
  const count = app.createRateLimit({ max: limit.max, timeWindow: limit.timeWindow, keyGenerator: limit.key });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await count(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw new AppError('rate_limited', `Too many attempts. Try again in ${result.ttlInSeconds} seconds.`);
  };
}

/** The client's address as TRUST_PROXY yields it; IPv6 by its /64, which one client usually holds whole. */
export const byAddress = (request: FastifyRequest): string => normalizeIP(request.ip);

/** The e-mail of a validated body, as accounts compare it. */
export const byEmail = (request: FastifyRequest): string =>
  String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase();
