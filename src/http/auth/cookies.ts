import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { refused, unsupportedMediaType } from '../../lib/errors';
import { sha256 } from '../../accounts/secrets';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'confide_session';

/**
 * Whether the session cookie gets the Secure flag (clause 3.7 secure conditions): always when SECURE_COOKIES=1,
 * never when 0, and on `auto` when the request arrived over TLS (behind a proxy, only with TRUST_PROXY=1).
 */
export function cookieIsSecure(request: FastifyRequest, config: Config): boolean {
  return config.secureCookies === true || (config.secureCookies === 'auto' && request.protocol === 'https');
}

const cookieOptions = (request: FastifyRequest, config: Config) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: cookieIsSecure(request, config),
});

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over TLS; a browser-session cookie. */
export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, config: Config, value: string) {
  reply.setCookie(SESSION_COOKIE, value, cookieOptions(request, config));
}

/** Clears the session cookie (sign-out). */
export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, config: Config) {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, config));
}

/** The stored id of the session the request's cookie names (its hash), or null when there is no cookie. */
export function presentedSessionId(request: FastifyRequest): string | null {
  const value = request.cookies?.[SESSION_COOKIE];
  return value ? sha256(value) : null;
}

/** host[:port] of a URL with the scheme's default port dropped, or null when it does not parse. */
function sameSiteHost(url: string): string | null {
  try {
    return url === 'null' ? null : new URL(url).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * Login CSRF defence for the public sign-in route: the body must be JSON (a cross-site HTML form cannot send it
 * without a CORS preflight) and a browser's Origin must be this site. Sec-Fetch-Site, when sent, must not be
 * cross-site.
 */
export function assertSameOriginJson(request: FastifyRequest): void {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) {
    throw unsupportedMediaType('Send JSON (application/json).', [{ path: 'header.content-type', message: 'must be application/json' }]);
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const from = sameSiteHost(origin);
    if (!from || from !== sameSiteHost(`${request.protocol}://${request.host}`)) {
      throw refused('Cross-site sign-in requests are refused.', { errors: [{ path: 'header.origin', message: 'must be this site' }] });
    }
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw refused('Cross-site sign-in requests are refused.', { errors: [{ path: 'header.sec-fetch-site', message: 'cross-site' }] });
  }
}

/** Whether the request authenticates with a bearer token (authenticate() prefers it over a cookie when present). */
export const viaBearer = (request: FastifyRequest) => request.headers.authorization !== undefined;
