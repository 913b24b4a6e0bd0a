import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { classMask, ROLES, roleBit, type ActiveGrant, type Actor, type Classification, type Role } from '../policy/types';

/** The current policy document's id, or null when none is loaded. */
export async function currentPolicyId(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

/** Parses a stored JSON list of classifications into the engine's bit mask (general always included). */
export function parseGrantMask(json: string): number {
  const list = JSON.parse(json) as Classification[];
  return classMask(['general', ...list]);
}

/**
 * Loads everything a decision needs about a user in one go: roles, whether they accepted the current policy,
 * and their active access grants. Returns null for unknown or deactivated users.
 */
export async function loadActor(db: Kysely<Database>, userId: string, nowIso: string): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('id', '=', userId)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!user) return null;
  const [roleRows, policyId, grantRows] = await Promise.all([
    db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute(),
    currentPolicyId(db),
    db
      .selectFrom('access_grants')
      .select(['id', 'kind', 'person_id', 'case_id', 'organisation_id', 'classifications', 'expires_at'])
      .where('user_id', '=', userId)
      .where('status', '=', 'approved')
      .where('expires_at', '>', nowIso)
      .execute(),
  ]);
  const accepted = policyId
    ? !!(await db
        .selectFrom('policy_acceptances')
        .select('user_id')
        .where('user_id', '=', userId)
        .where('policy_document_id', '=', policyId)
        .executeTakeFirst())
    : true;
  const roles = roleRows.map((r) => r.role).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  const grants: ActiveGrant[] = grantRows.map((g) => ({
    id: g.id,
    kind: g.kind === 'break_glass' ? 'break_glass' : 'request',
    personId: g.person_id,
    caseId: g.case_id,
    organisationId: g.organisation_id,
    mask: parseGrantMask(g.classifications),
    expiresAt: g.expires_at!,
  }));
  return {
    id: user.id,
    username: user.username,
    roles,
    roleMask: roles.reduce((m, r) => m | roleBit(r), 0),
    policyAccepted: accepted,
    grants,
  };
}
