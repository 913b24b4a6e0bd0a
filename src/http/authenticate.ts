import type { FastifyRequest } from 'fastify';
import type { Services } from '../context';
import { findSession, SESSION_COOKIE } from './auth/sessions';
import { findToken, type TokenScope } from './auth/tokens';

/** Who is calling, and how they proved it. */
export interface Authenticated {
  userId: string;
  kind: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
  scopes: readonly TokenScope[];
  mustChangePassword: boolean;
}

/** Reads the bearer token or the session cookie. Returns null when neither identifies a live account. */
export async function authenticate(services: Services, request: FastifyRequest, now: Date): Promise<Authenticated | null> {
  const db = services.db.kysely;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer (\S+)$/.exec(header);
    const token = m ? await findToken(db, m[1], now.toISOString()) : null;
    if (!token) return null;
    return { userId: token.user_id, kind: 'token', scopes: token.scopes, mustChangePassword: token.must_change_password === 1 };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await findSession(db, cookie, now, services.config);
  if (!session) return null;
  return {
    userId: session.user_id,
    kind: 'session',
    sessionId: session.id,
    csrfToken: session.csrf_token,
    scopes: ['read', 'write'],
    mustChangePassword: session.must_change_password === 1,
  };
}
