import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Caller } from '../accounts/caller-cache';
import { identifyCaller as identify, recentCaller, type PresentedCredential } from '../accounts/identify';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { SESSION_COOKIE } from './auth/cookies';

/**
 * The credential a request presents: its Authorization header when sent (a bearer token; preferred over a
 * cookie), otherwise the session cookie, otherwise none.
 */
export function presentedCredential(request: FastifyRequest): PresentedCredential | null {
  const header = request.headers.authorization;
  if (header !== undefined) return { kind: 'authorization', header };
  const secret = request.cookies?.[SESSION_COOKIE];
  return secret ? { kind: 'session', secret } : null;
}

/**
 * Identifies the caller of a request from the credential it presents (accounts/identify.ts does the checking,
 * through `db` and the caller cache, valid while the access `epoch` is unchanged).
 */
export function identifyCaller(services: Services, db: Kysely<Database>, request: FastifyRequest, now: Date, epoch: number): Promise<Caller | null> {
  return identify(services, db, presentedCredential(request), now, epoch);
}

/** The caller of a request as the caller cache recently knew them, with the epoch of that knowledge (accounts/identify.ts). */
export function recentCallerOf(services: Services, request: FastifyRequest, now: Date): { caller: Caller; epoch: number } | undefined {
  return recentCaller(services, presentedCredential(request), now);
}
