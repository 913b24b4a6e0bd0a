import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Database, SessionRow } from '../db/schema';
import { addMinutes } from '../lib/clock';
import { randomSecret, sha256 } from './secrets';

/** How often a session's last_seen_at is refreshed (the idle timeout counts from it). */
const LAST_SEEN_EVERY_MS = 60_000;

/** Starts a session. The secret for the cookie is returned once; only its hash is stored. */
export async function createSession(db: Kysely<Database>, userId: string, now: Date, config: Config) {
  const cookieValue = randomSecret(32);
  const csrfToken = randomSecret(24);
  const row: SessionRow = {
    id: sha256(cookieValue),
    user_id: userId,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: addMinutes(now, config.sessionMaxHours * 60).toISOString(),
    second_factor_at: null,
    revoked_at: null,
  };
  await db.insertInto('sessions').values(row).execute();
  return { cookieValue, csrfToken, expiresAt: row.expires_at, sessionId: row.id };
}

/**
 * Finds the live session for a presented session secret (the cookie value): not revoked, not past its absolute expiry, not idle too long,
 * and belonging to an active user. Refreshes last_seen_at at most once a minute. `freshUntil` (ms) says until when
 * the answer holds without asking again.
 */
export async function findSession(db: Kysely<Database>, cookieValue: string, now: Date, config: Config) {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.user_id', 'sessions.csrf_token', 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.revoked_at', 'users.active', 'users.must_change_password'])
    .where('sessions.id', '=', sha256(cookieValue))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.active !== 1) return null;
  const nowIso = now.toISOString();
  if (row.expires_at <= nowIso) return null;
  const idleEnd = addMinutes(new Date(row.last_seen_at), config.sessionIdleMinutes);
  if (idleEnd.toISOString() <= nowIso) return null;
  let lastSeen = Date.parse(row.last_seen_at);
  if (now.getTime() - lastSeen > LAST_SEEN_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: nowIso }).where('id', '=', row.id).execute();
    lastSeen = now.getTime();
  }
  // Until when the answer holds without asking again: expiry, idle timeout, or the next last-seen refresh.
  const freshUntil = Math.min(Date.parse(row.expires_at), lastSeen + Math.min(LAST_SEEN_EVERY_MS + 1, config.sessionIdleMinutes * 60_000));
  return { ...row, freshUntil };
}

/** Revokes one session (sign-out). */
export async function revokeSession(db: Kysely<Database>, sessionId: string, now: Date) {
  await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Revokes every session of a user (password reset, deactivation). */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, now: Date) {
  await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}
