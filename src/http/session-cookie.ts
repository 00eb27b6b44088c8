import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../app/accounts/accounts.ts';
import { overHttps } from './proxy.ts';

// The session cookie: HttpOnly and SameSite=Lax always; over https also Secure and named with
// the __Host- prefix, which browsers accept only from a secure origin, for path / and without a
// Domain, so no other host (a sibling subdomain) can plant one. Only the name that applies to
// the request is read: over https a plain `tally_session` is ignored.

export const SESSION_COOKIE = 'tally_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

const cookieName = (request: FastifyRequest, publicUrl: string) => (overHttps(request, publicUrl) ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

export const readSessionCookie = (request: FastifyRequest, publicUrl: string): string | undefined =>
  request.cookies[cookieName(request, publicUrl)];

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, publicUrl: string, session: Session): void {
  reply.setCookie(cookieName(request, publicUrl), session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: overHttps(request, publicUrl),
    path: '/',
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(cookieName(request, publicUrl), { httpOnly: true, sameSite: 'lax', secure: overHttps(request, publicUrl), path: '/' });
}
