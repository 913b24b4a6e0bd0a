import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/actor';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { sha256 } from './auth/secrets';
import { readAccessEpoch, type Caller } from './auth/caller-cache';
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
  /** Milliseconds since the epoch until which this answer holds without asking the database again. */
  freshUntil: number;
}

/** Reads the bearer token or the session cookie. Returns null when neither identifies a live account. */
async function authenticate(services: Services, db: Kysely<Database>, request: FastifyRequest, now: Date): Promise<Authenticated | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer (\S+)$/.exec(header);
    const token = m ? await findToken(db, m[1], now.toISOString()) : null;
    if (!token) return null;
    return { userId: token.user_id, kind: 'token', scopes: token.scopes, mustChangePassword: token.must_change_password === 1, freshUntil: token.freshUntil };
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
    freshUntil: session.freshUntil,
  };
}

/** The key a presented credential is cached under: a hash, never the credential itself. */
function credentialKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) return `token:${sha256(header)}`;
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? `session:${sha256(cookie)}` : null;
}

/**
 * Identifies the caller and loads the facts decisions need about them ({@link authenticate} + loadActor) through
 * `db` (the request's transaction), served
 * from the services' caller cache while the access epoch is unchanged and the answer is fresh. The epoch is read
 * before anything is loaded, so an entry can only be older than its epoch says, never newer (conservative).
 * Returns null for no, unknown, expired or revoked credentials and for deactivated accounts.
 */
export async function identifyCaller(services: Services, db: Kysely<Database>, request: FastifyRequest, now: Date): Promise<Caller | null> {
  const key = credentialKey(request);
  if (!key) return null;
  const epoch = await readAccessEpoch(db);
  const cached = services.callers.get(key, epoch, now.getTime());
  if (cached) return cached;
  const auth = await authenticate(services, db, request, now);
  if (!auth) return null;
  const actor = await loadActor(db, auth.userId, now.toISOString());
  if (!actor) return null;
  const caller = { auth, actor };
  services.callers.set(key, caller, epoch, auth.freshUntil);
  return caller;
}
