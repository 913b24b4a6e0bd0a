/**
 * An independent statement of the need-to-know policy, written from its plain meaning rather than from the rule
 * table, so the property test can check decide() and the SQL filter against it. Keep it simple and literal.
 */

export type Cls = 'general' | 'personal' | 'special' | 'safeguarding' | 'session' | 'commercial';
export type Kind = 'person' | 'case' | 'note' | 'attachment' | 'organisation';

export interface OracleUser {
  id: string;
  roles: Set<string>;
  accepted: boolean;
}

export interface OracleGrant {
  userId: string;
  personId: string | null;
  caseId: string | null;
  organisationId: string | null;
  classes: Set<Cls>; // general included
  active: boolean; // approved and not expired
}

export interface OracleRecord {
  kind: Kind;
  id: string;
  personId: string | null; // the subject person (person itself, or the case's person)
  caseId: string | null; // the case (case itself, or the note's / attachment's case)
  organisationId: string | null;
}

export interface OracleWorld {
  caseTeam: Map<string, Set<string>>; // case id → user ids
  orgTeam: Map<string, Set<string>>; // organisation id → user ids
  casesOfPerson: Map<string, string[]>;
  grants: OracleGrant[];
}

const CASE_RECORDS: Kind[] = ['person', 'case', 'note', 'attachment'];

function onTeam(w: OracleWorld, user: OracleUser, r: OracleRecord): boolean {
  if (r.kind === 'organisation') return w.orgTeam.get(r.organisationId!)?.has(user.id) ?? false;
  if (r.kind === 'person') return (w.casesOfPerson.get(r.id) ?? []).some((c) => w.caseTeam.get(c)?.has(user.id));
  return w.caseTeam.get(r.caseId!)?.has(user.id) ?? false;
}

function grantedClasses(w: OracleWorld, user: OracleUser, r: OracleRecord): Set<Cls> {
  const out = new Set<Cls>();
  for (const g of w.grants) {
    if (!g.active || g.userId !== user.id) continue;
    const covers =
      r.kind === 'person' ? g.personId === r.id
      : r.kind === 'organisation' ? g.organisationId === r.id
      : g.caseId === r.caseId;
    if (covers) for (const c of g.classes) out.add(c);
  }
  return out;
}

/** May `user` read a field of classification `cls` on record `r`? */
export function oracleMayRead(w: OracleWorld, user: OracleUser, r: OracleRecord, cls: Cls): boolean {
  // 3.5: nothing confidential before the current policy is accepted.
  if (!user.accepted) return false;
  const team = onTeam(w, user, r);
  const granted = grantedClasses(w, user, r);
  // practice 2: session details stay with the staff team (or someone explicitly granted them).
  if (cls === 'session' && !team && !granted.has('session')) return false;
  if (granted.has(cls)) return true;
  const has = (role: string) => user.roles.has(role);
  if (CASE_RECORDS.includes(r.kind)) {
    if (has('staff') && team && ['general', 'personal', 'special', 'session'].includes(cls)) return true;
    if ((has('volunteer') || has('student')) && team && cls === 'general') return true;
    if (has('manager') && ['general', 'personal', 'special', 'safeguarding'].includes(cls)) return true;
    if (has('manager') && team && cls === 'session') return true; // a manager on the team is part of the staff team
    if (has('guardian') && cls === 'general') return true;
    return false;
  }
  // organisations
  if (cls === 'general' && ['manager', 'guardian', 'staff', 'volunteer', 'student'].some(has)) return true;
  if (cls === 'personal' && (has('manager') || has('staff'))) return true;
  if (team && (has('manager') || has('staff')) && ['general', 'personal', 'commercial'].includes(cls)) return true;
  return false;
}
