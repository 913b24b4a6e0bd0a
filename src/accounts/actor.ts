import { sql, type Kysely } from 'kysely';
import type { AccessGrantRow, Database } from '../db/schema';
import { classMask, ROLES, roleBit, type ActiveGrant, type ActorFacts, type Classification, type Role } from '../policy/types';

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

/*
 * What an approved grant or a break-glass on a *person* opens (3.4 need to know; practice 4.2 emergency access):
 * - an access request on a person opens that person's own record only, at the classifications a manager approved —
 *   need to know down to the item (3.4); whoever needs a case's notes asks for the case;
 * - a break-glass on a person opens the person and every case about them, with its notes and attachments: in an
 *   emergency the user cannot wait for a manager to find the right case, and the risk and session notes are what
 *   the emergency needs. The reads are decided by rule break-glass/emergency-access (practice 4.2, 4.3), every
 *   manager is told at once, and a manager reviews the use afterwards.
 * The actor's grants list such a break-glass once for the person and once for each of their cases (opened before or
 * during the emergency: opening a case moves the access epoch, migration 0009).
 */

/**
 * Loads everything a decision needs about a user in one go: roles, whether they accepted the current policy,
 * and their active access grants. Returns null for unknown or deactivated users.
 * Two queries (sent together), run on every request: the account with its roles and its acceptance of the latest
 * policy document (accepted when no policy is loaded), then the active grants. (It was five; each costs a round
 * trip on PostgreSQL and compile + execute time on both engines.) Written as SQL text: on this hot path the query
 * builder's own work was ~4× the cost of running the queries (bench/http.ts, --cpu-prof).
 */
export async function loadActor(db: Kysely<Database>, userId: string, nowIso: string): Promise<ActorFacts | null> {
  const account = sql<{ id: string; username: string; role: string | null; policy_id: string | null; accepted_by: string | null }>`
    select u.id, u.username, r.role,
      (select pd.id from policy_documents pd order by pd.version desc limit 1) as policy_id,
      (select pa.user_id from policy_acceptances pa
        where pa.user_id = u.id and pa.policy_document_id = (select pd.id from policy_documents pd order by pd.version desc limit 1)) as accepted_by
    from users u left join user_roles r on r.user_id = u.id
    where u.id = ${userId} and u.active = 1
    order by r.role`.execute(db);
  // A break-glass on a person opens the whole of that person's record — each of their cases with its notes and
  // attachments — so the second part lists it once more per case (see above).
  const active = sql<Pick<AccessGrantRow, 'id' | 'kind' | 'person_id' | 'case_id' | 'organisation_id' | 'classifications' | 'expires_at'>>`
    select id, kind, person_id, case_id, organisation_id, classifications, expires_at from access_grants
    where user_id = ${userId} and status = 'approved' and expires_at > ${nowIso}
    union all
    select g.id, g.kind, null, c.id, null, g.classifications, g.expires_at
    from access_grants g join cases c on c.person_id = g.person_id
    where g.user_id = ${userId} and g.status = 'approved' and g.expires_at > ${nowIso} and g.kind = 'break_glass' and g.case_id is null`.execute(db);
  const [{ rows }, { rows: grantRows }] = await Promise.all([account, active]); // side by side when on the pool, else one after the other
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
