import { sql, type Kysely } from 'kysely';
import type { AccessGrantRow, Database } from '../db/schema';
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
 * Two queries (sent together), run on every request: the account with its roles and its acceptance of the latest
 * policy document (accepted when no policy is loaded), then the active grants. (It was five; each costs a round
 * trip on PostgreSQL and compile + execute time on both engines.) Written as SQL text: on this hot path the query
 * builder's own work was ~4× the cost of running the queries (bench/http.ts, --cpu-prof).
 */
export async function loadActor(db: Kysely<Database>, userId: string, nowIso: string): Promise<Actor | null> {
  const account = sql<{ id: string; username: string; role: string | null; policy_id: string | null; accepted_by: string | null }>`
    select u.id, u.username, r.role,
      (select pd.id from policy_documents pd order by pd.version desc limit 1) as policy_id,
      (select pa.user_id from policy_acceptances pa
        where pa.user_id = u.id and pa.policy_document_id = (select pd.id from policy_documents pd order by pd.version desc limit 1)) as accepted_by
    from users u left join user_roles r on r.user_id = u.id
    where u.id = ${userId} and u.active = 1
    order by r.role`.execute(db);
  const active = sql<Pick<AccessGrantRow, 'id' | 'kind' | 'person_id' | 'case_id' | 'organisation_id' | 'classifications' | 'expires_at'>>`
    select id, kind, person_id, case_id, organisation_id, classifications, expires_at from access_grants
    where user_id = ${userId} and status = 'approved' and expires_at > ${nowIso}`.execute(db);
  const [{ rows }, { rows: grantRows }] = await Promise.all([account, active]); // concurrent round trips on PostgreSQL
  if (rows.length === 0) return null;
  const { id, username, policy_id: policyId, accepted_by: acceptedBy } = rows[0];
  const roles = rows.map((r) => r.role).filter((r): r is Role => r !== null && (ROLES as readonly string[]).includes(r));
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
    id,
    username,
    roles,
    roleMask: roles.reduce((m, r) => m | roleBit(r), 0),
    policyAccepted: policyId == null || acceptedBy != null,
    grants,
  };
}
