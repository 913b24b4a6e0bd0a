import type { Kysely } from 'kysely';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { loadActor } from './actor';
import type { Caller } from './caller-cache';
import { sha256 } from './secrets';
import { findSession } from './sessions';
import { findToken, type TokenScope } from './tokens';

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

/**
 * The credential a caller presented, as the transport read it: an Authorization header (preferred when sent, even
 * when it is not a bearer token), or the session secret from a cookie.
 */
export type PresentedCredential = { kind: 'authorization'; header: string } | { kind: 'session'; secret: string };

/** Checks a presented credential. Returns null when it does not identify a live account. */
async function authenticate(services: Services, db: Kysely<Database>, credential: PresentedCredential, now: Date): Promise<Authenticated | null> {
  if (credential.kind === 'authorization') {
    const m = /^Bearer (\S+)$/.exec(credential.header);
    const token = m ? await findToken(db, m[1], now.toISOString()) : null;
    if (!token) return null;
    return { userId: token.user_id, kind: 'token', scopes: token.scopes, mustChangePassword: token.must_change_password === 1, freshUntil: token.freshUntil };
  }
  const session = await findSession(db, credential.secret, now, services.config);
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
const credentialKey = (credential: PresentedCredential) =>
  credential.kind === 'authorization' ? `token:${sha256(credential.header)}` : `session:${sha256(credential.secret)}`;

/**
 * The caller a credential identified recently, and the access epoch that answer was loaded at, from the caller
 * cache alone: for a unit runner that checks the epoch after the work (UnitRunner.checksEpochAfter).
 */
export function recentCaller(services: Services, credential: PresentedCredential | null, now: Date): { caller: Caller; epoch: number } | undefined {
  return credential ? services.callers.peek(credentialKey(credential), now.getTime()) : undefined;
}

/**
 * Identifies the caller and loads the facts decisions need about them ({@link authenticate} + loadActor) through
 * `db` (the unit of work's transaction), served from the services' caller cache while the access `epoch` (read by
 * the caller, before anything is loaded: an entry can then only be older than its epoch says, never newer) is
 * unchanged and the answer is fresh. Returns null for no, unknown, expired or revoked credentials and for
 * deactivated accounts.
 */
export async function identifyCaller(services: Services, db: Kysely<Database>, credential: PresentedCredential | null, now: Date, epoch: number): Promise<Caller | null> {
  if (!credential) return null;
  const key = credentialKey(credential);
  const cached = services.callers.get(key, epoch, now.getTime());
  if (cached) return cached;
  const auth = await authenticate(services, db, credential, now);
  if (!auth) return null;
  const facts = await loadActor(db, auth.userId, now.toISOString());
  if (!facts) return null;
  const caller = { auth, actor: { ...facts, policy: await services.policy.at(db, epoch) } };
  services.callers.set(key, caller, epoch, auth.freshUntil);
  return caller;
}
