import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Principal, principalFromApiKey, principalFromSession, roleAllows } from '../app/accounts/credentials.ts';
import { safeEqual } from '../app/accounts/secrets.ts';
import { AppError } from '../app/errors.ts';
import type { Db } from '../db/connect.ts';
import type { Role } from '../db/schema.ts';
import { readSessionCookie } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * The route authorizes by its own token (an operator's in the Authorization header, a
     * creator page's in the path), never by a Tally key or session: neither is read.
     */
    ownAuthorization?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Resolves who is calling on every request; routes then say which role they need.
export function registerAuthentication(app: FastifyInstance, db: Db, publicUrl: string): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.ownAuthorization) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.principal = await principalFromApiKey(db, header.slice(7).trim());
      if (!request.principal) throw new AppError('unauthenticated', 'The API key is unknown or revoked.');
      return;
    }
    const token = readSessionCookie(request, publicUrl);
    if (token) request.principal = await principalFromSession(db, token);
  });
}

// An onRequest hook that admits callers with at least `role`. It runs before the body is
// validated, so a caller without the role learns nothing from validation errors. Under a
// cookie session a mutating request must also carry the session's CSRF token.
export function requireRole(role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = request.principal;
    if (!principal) throw new AppError('unauthenticated');
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
        throw new AppError('csrf_token_invalid');
      }
    }
    if (!roleAllows(principal.role, role)) throw new AppError('forbidden');
  };
}

// The caller of a route guarded by requireRole.
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated');
  return request.principal;
}
