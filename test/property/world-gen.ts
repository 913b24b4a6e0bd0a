/**
 * Random worlds for the need-to-know property test: users with any set of roles (none, one, several) who did or did
 * not accept the current policy (or only an older version), people, their cases with teams, notes, attachments of
 * every classification, organisations with their teams, and access grants and break-glass uses in every state.
 * {@link insertWorld} writes one into a real database the way the app stores it and returns the same world in the
 * oracle's plain terms.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';
import { sortKey } from '../../src/records/paging';
import type { Cls, OracleConsent, OracleGrant, OraclePurpose, OracleRecord, OracleUser, OracleWorld } from '../support/oracle';

const ROLE_NAMES = ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'] as const;
const CLASSES: Cls[] = ['general', 'personal', 'special', 'safeguarding', 'session', 'commercial'];
/** Family names chosen so that name searches and sort-key ties (and their cursors) are exercised. */
export const FAMILY_NAMES = ['Ng', 'Nguyen', 'Smith', 'Smithson', 'Smith', "O'Brien", 'Okafor', 'Abara'] as const;
/**
 * Name searches the test runs: prefixes of several family names, one full name, one that matches nobody, and (issue
 * 13) given names ("g1": G1, G10…) and preferred names ("o": Olu, as well as O'Brien and Okafor).
 */
export const SEARCHES = ['ng', 'smith', 'o', 'nguyen g', 'zz', 'g1'] as const;

/** Recipients consents name and checks ask about ('org:N' is the N-th organisation of the world). */
export const RECIPIENTS = ['internal', 'category:gp practice', 'category:local authority', 'org:0', 'org:1'] as const;
/** The review date of a purpose: later, today (still in force), or yesterday (overdue). */
export const REVIEW_OFFSET_DAYS = { future: 30, today: 0, past: -1 } as const;

/** How big a world may grow. */
export interface WorldSize {
  users: number;
  people: number;
  cases: number;
  notes: number;
  attachments: number;
  orgs: number;
  grants: number;
  concerns: number;
  consents: number;
  /** Share of each maximum a world holds at least (0: may be empty). */
  fill: number;
}

export const SIZES: Record<'small' | 'medium' | 'large', WorldSize> = {
  small: { users: 8, people: 8, cases: 10, notes: 12, attachments: 6, orgs: 3, grants: 12, concerns: 4, consents: 10, fill: 0 },
  medium: { users: 14, people: 20, cases: 30, notes: 40, attachments: 16, orgs: 5, grants: 30, concerns: 8, consents: 30, fill: 0.3 },
  large: { users: 24, people: 40, cases: 64, notes: 80, attachments: 32, orgs: 8, grants: 64, concerns: 12, consents: 60, fill: 0.6 },
};

const archived = fc.constantFrom(false, false, false, false, false, false, true);

/** Roles: a random set, or exactly one role, or none — so single-role users are common, not 1 in 64. */
const roles = fc.oneof(
  fc.subarray([...ROLE_NAMES]),
  fc.constantFrom(...ROLE_NAMES).map((r) => [r]),
  fc.constant([] as string[]),
);

/** The generator of world specifications (plain indexes; insertWorld resolves them modulo the list lengths). */
export function worldArb(size: WorldSize) {
  const n = (max: number, least = 0) => ({ minLength: Math.max(least, Math.floor(max * size.fill)), maxLength: max, size: 'max' as const });
  return fc.record({
    users: fc.array(fc.record({ roles, accepted: fc.constantFrom('current', 'current', 'current', 'current', 'older', 'none') }), n(size.users, 2)),
    people: fc.array(fc.record({ family: fc.nat({ max: FAMILY_NAMES.length - 1 }), archived }), n(size.people, 1)),
    cases: fc.array(fc.record({
      person: fc.nat(), archived,
      team: fc.array(fc.record({ user: fc.nat(), role: fc.constantFrom('lead', 'worker', 'volunteer', 'student') }), { maxLength: 4 }),
    }), n(size.cases)),
    notes: fc.array(fc.record({ case: fc.nat(), author: fc.nat(), archived, minute: fc.nat({ max: 5 }) }), n(size.notes)),
    attachments: fc.array(fc.record({ case: fc.nat(), uploader: fc.nat(), classification: fc.constantFrom(...CLASSES), archived }), n(size.attachments)),
    orgs: fc.array(fc.record({ team: fc.array(fc.nat(), { maxLength: 3 }), archived, name: fc.constantFrom('Alpha Trust', 'Beacon', 'alpha fund') }), n(size.orgs)),
    grants: fc.array(fc.record({
      user: fc.nat(), target: fc.constantFrom('person', 'case', 'organisation') as fc.Arbitrary<OracleGrant['on']>, index: fc.nat(),
      status: fc.constantFrom('approved', 'approved', 'approved', 'requested', 'refused', 'revoked') as fc.Arbitrary<OracleGrant['status']>,
      // 'now': ends exactly at this instant, so it is no longer in force
      expiry: fc.constantFrom('future', 'future', 'past', 'now'),
      kind: fc.constantFrom('request', 'break_glass'),
      classes: fc.subarray(CLASSES),
    }), n(size.grants)),
    concerns: fc.array(fc.record({
      raiser: fc.nat(), person: fc.option(fc.nat(), { nil: null }), immediate: fc.boolean(),
      status: fc.constantFrom('raised', 'acknowledged', 'closed'), minute: fc.nat({ max: 5 }),
    }), n(size.concerns)),
    purposes: fc.array(fc.record({
      status: fc.constantFrom('active', 'active', 'active', 'draft', 'retired') as fc.Arbitrary<OraclePurpose['status']>,
      review: fc.constantFrom('future', 'future', 'today', 'past'),
    }), { minLength: 1, maxLength: 3 }),
    consents: fc.array(fc.record({
      person: fc.nat(), purpose: fc.nat(), recorder: fc.nat(),
      decision: fc.constantFrom('given', 'given', 'given', 'refused', 'withdrawn') as fc.Arbitrary<OracleConsent['decision']>,
      recipients: fc.subarray([...RECIPIENTS], { minLength: 1 }),
      classes: fc.subarray(CLASSES, { minLength: 1 }),
      expiry: fc.constantFrom('none', 'none', 'future', 'past', 'now'),
    }), n(size.consents)),
    breaches: fc.array(fc.record({
      reporter: fc.nat(), status: fc.constantFrom('reported', 'assessing', 'contained', 'closed'), hour: fc.integer({ min: -80, max: 5 }),
      icoDecision: fc.constantFrom(null, 'report', 'not_required'),
    }), n(size.concerns)),
  });
}
export type WorldSpec = ReturnType<typeof worldArb> extends fc.Arbitrary<infer T> ? T : never;

/** A person row as inserted, for name-search expectations. */
export interface PersonFacts {
  id: string;
  sortKey: string;
  /** The keys of the given and preferred names (null when none): a search matches the start of any of the three. */
  givenKey: string;
  preferredKey: string | null;
  archived: boolean;
}

/** The inserted world: its users and records in plain terms, the oracle's world, and archive flags. */
export interface InsertedWorld {
  users: OracleUser[];
  records: OracleRecord[];
  oracle: OracleWorld;
  archivedIds: Set<string>;
  people: PersonFacts[];
  /** Every concern's id. */
  concerns: string[];
  purposes: OraclePurpose[];
  consents: OracleConsent[];
  /** The recipient keys RECIPIENTS stand for in this world. */
  recipientKeys: string[];
  /** Every breach's id. */
  breaches: string[];
  /** Cases by person, notes and attachments by case: what the nested lists should show. */
  casesOf: Map<string, string[]>;
  notesOf: Map<string, string[]>;
  attachmentsOf: Map<string, string[]>;
}

const CLEAR: (keyof Database)[] = [
  'consent_recipients', 'consents', 'purposes', 'concern_entries', 'concerns', 'email_outbox', 'attachments', 'notes', 'case_team', 'cases', 'people', 'organisation_team', 'organisations', 'access_grants',
  'breach_people', 'breach_escalations', 'breach_flags', 'breaches', 'concern_entries', 'concerns', 'email_outbox', 'attachments', 'notes', 'case_team', 'cases', 'people', 'organisation_team', 'organisations', 'access_grants',
  'notifications', 'policy_acceptances', 'user_roles', 'sessions', 'api_tokens', 'users',
];

/** Inserts rows in chunks small enough for SQLite's bound-parameter limit. */
async function insertAll<T extends keyof Database>(db: Kysely<Database>, table: T, rows: readonly Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 50) await db.insertInto(table).values(rows.slice(i, i + 50) as never).execute();
}

/**
 * Replaces every record of the database with the generated world. `policies` are the ids of the current policy
 * version and of an older one.
 */
export async function insertWorld(
  db: Kysely<Database>,
  spec: WorldSpec,
  env: { nowIso: string; currentPolicyId: string; olderPolicyId: string; gateEnforced: boolean },
): Promise<InsertedWorld> {
  for (const t of CLEAR) await db.deleteFrom(t).execute();
  const at = env.nowIso;
  const pick = <T>(list: readonly T[], n: number) => list[n % list.length];

  const users: OracleUser[] = spec.users.map((u) => ({ id: newId(), roles: new Set(u.roles), acceptedCurrent: u.accepted === 'current' }));
  await insertAll(db, 'users', users.map((u, i) => ({
    id: u.id, username: `u${i}`, display_name: `u${i}`, email: null, password_hash: 'x', must_change_password: 0, totp_secret: null, totp_enabled: 0,
    failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null, created_at: at, updated_at: at, version: 1,
  })));
  await insertAll(db, 'user_roles', users.flatMap((u) => [...u.roles].map((role) => ({ user_id: u.id, role }))));
  await insertAll(db, 'policy_acceptances', spec.users.flatMap((u, i) =>
    u.accepted === 'none' ? [] : [{ user_id: users[i].id, policy_document_id: u.accepted === 'current' ? env.currentPolicyId : env.olderPolicyId, accepted_at: at }]));

  const records: OracleRecord[] = [];
  const archivedIds = new Set<string>();
  const preferredOf = (i: number) => (i % 3 === 0 ? 'Olu' : null);
  const people: PersonFacts[] = spec.people.map((p, i) => ({
    id: newId(), sortKey: sortKey(FAMILY_NAMES[p.family], `G${i}`), givenKey: sortKey(`G${i}`), preferredKey: preferredOf(i) ? sortKey(preferredOf(i)) : null, archived: p.archived,
  }));
  await insertAll(db, 'people', spec.people.map((p, i) => ({
    id: people[i].id, kind: 'service_user', given_name: `G${i}`, family_name: FAMILY_NAMES[p.family], preferred_name: preferredOf(i), sort_key: people[i].sortKey,
    date_of_birth: '1990-01-01', pronouns: null, email: 'e@example.org', phone: null, address: null, ethnicity: 'x', health_notes: 'h', safeguarding_notes: 's',
    archived_at: p.archived ? at : null, created_by: null, created_at: at, updated_at: at, version: 1,
  })));
  for (const p of people) {
    records.push({ kind: 'person', id: p.id, caseId: null });
    if (p.archived) archivedIds.add(p.id);
  }

  const personOfCase = new Map<string, string>();
  const caseTeam = new Map<string, Set<string>>();
  const casesOf = new Map<string, string[]>(people.map((p) => [p.id, []]));
  const cases = spec.cases.map((c) => ({ id: newId(), personId: pick(people, c.person).id, spec: c }));
  await insertAll(db, 'cases', cases.map((c) => ({
    id: c.id, person_id: c.personId, service: 's', status: 'open', opened_on: at.slice(0, 10), closed_on: null, summary: 'sum', support_needs: 'n',
    risk_notes: 'r', archived_at: c.spec.archived ? at : null, created_by: null, created_at: at, updated_at: at, version: 1,
  })));
  const teamRows = new Map<string, Record<string, unknown>>();
  for (const c of cases) {
    records.push({ kind: 'case', id: c.id, caseId: c.id });
    if (c.spec.archived) archivedIds.add(c.id);
    personOfCase.set(c.id, c.personId);
    casesOf.get(c.personId)!.push(c.id);
    const team = new Set<string>();
    for (const m of c.spec.team) {
      const user = pick(users, m.user).id;
      team.add(user);
      teamRows.set(`${c.id}/${user}`, { case_id: c.id, user_id: user, team_role: m.role, added_at: at, added_by: null });
    }
    caseTeam.set(c.id, team);
  }
  await insertAll(db, 'case_team', [...teamRows.values()]);

  const notesOf = new Map<string, string[]>(cases.map((c) => [c.id, []]));
  const attachmentsOf = new Map<string, string[]>(cases.map((c) => [c.id, []]));
  if (cases.length) {
    const notes = spec.notes.map((n) => ({ id: newId(), caseId: pick(cases, n.case).id, spec: n }));
    await insertAll(db, 'notes', notes.map((n) => ({
      id: n.id, case_id: n.caseId, kind: 'session', channel: null, occurred_at: `${at.slice(0, 14)}0${n.spec.minute}:00.000Z`, title: 't', body: 'b',
      author_id: pick(users, n.spec.author).id, archived_at: n.spec.archived ? at : null, created_at: at, updated_at: at, version: 1,
    })));
    for (const n of notes) {
      records.push({ kind: 'note', id: n.id, caseId: n.caseId });
      notesOf.get(n.caseId)!.push(n.id);
      if (n.spec.archived) archivedIds.add(n.id);
    }
    const atts = spec.attachments.map((a) => ({ id: newId(), caseId: pick(cases, a.case).id, spec: a }));
    await insertAll(db, 'attachments', atts.map((a) => ({
      id: a.id, case_id: a.caseId, note_id: null, filename: 'f.pdf', content_type: 'application/pdf', size_bytes: 1, sha256: 'a'.repeat(64),
      classification: a.spec.classification, uploaded_by: pick(users, a.spec.uploader).id, created_at: at, archived_at: a.spec.archived ? at : null,
    })));
    for (const a of atts) {
      records.push({ kind: 'attachment', id: a.id, caseId: a.caseId, attachmentClass: a.spec.classification });
      attachmentsOf.get(a.caseId)!.push(a.id);
      if (a.spec.archived) archivedIds.add(a.id);
    }
  }

  const orgTeam = new Map<string, Set<string>>();
  const orgs = spec.orgs.map((o) => ({ id: newId(), team: new Set(o.team.map((n) => pick(users, n).id)), spec: o }));
  await insertAll(db, 'organisations', orgs.map((o) => ({
    id: o.id, kind: 'partner_agency', name: o.spec.name, sort_key: sortKey(o.spec.name), website: null, contact_name: 'c', contact_email: null,
    contact_phone: null, address: null, commercial_notes: 'm', archived_at: o.spec.archived ? at : null, created_by: null, created_at: at, updated_at: at, version: 1,
  })));
  await insertAll(db, 'organisation_team', orgs.flatMap((o) => [...o.team].map((u) => ({ organisation_id: o.id, user_id: u, added_at: at, added_by: null }))));
  for (const o of orgs) {
    orgTeam.set(o.id, o.team);
    records.push({ kind: 'organisation', id: o.id, caseId: null });
    if (o.spec.archived) archivedIds.add(o.id);
  }

  const grants: OracleGrant[] = [];
  const grantRows: Record<string, unknown>[] = [];
  const now = Date.parse(env.nowIso);
  for (const g of spec.grants) {
    const targets = g.target === 'person' ? people.map((p) => p.id) : g.target === 'case' ? cases.map((c) => c.id) : orgs.map((o) => o.id);
    if (!targets.length) continue;
    const targetId = pick(targets, g.index);
    // Stored as the app stores it (src/access/target.ts): a case grant also names the case's person.
    const personId = g.target === 'person' ? targetId : g.target === 'case' ? personOfCase.get(targetId)! : null;
    const expiresAt = g.status === 'requested' ? null
      : new Date(now + (g.expiry === 'future' ? 3_600_000 : g.expiry === 'past' ? -1 : 0)).toISOString();
    const userId = pick(users, g.user).id;
    grantRows.push({
      id: newId(), user_id: userId, kind: g.kind, resource_type: g.target, resource_id: targetId, person_id: personId,
      case_id: g.target === 'case' ? targetId : null, organisation_id: g.target === 'organisation' ? targetId : null,
      classifications: JSON.stringify(g.classes), reason: 'r', status: g.status, requested_at: at, requested_hours: 1, decided_by: null,
      decided_at: null, decision_note: null, expires_at: expiresAt, revoked_at: null, revoked_by: null,
      review_status: g.kind === 'break_glass' ? 'pending' : null, reviewed_by: null, reviewed_at: null, review_note: null,
    });
    grants.push({ userId, on: g.target, targetId, status: g.status, kind: g.kind as OracleGrant['kind'], expiresAt, classes: g.classes });
  }
  await insertAll(db, 'access_grants', grantRows);

  const concerns = spec.concerns.map((c) => ({ id: newId(), raisedBy: pick(users, c.raiser).id, personId: c.person === null ? null : pick(people, c.person).id, spec: c }));
  await insertAll(db, 'concerns', concerns.map((c) => ({
    id: c.id, concern_for: 'child', person_id: c.personId, person_description: c.personId ? null : 'a child at the session', what_happened: 'w',
    occurred_at: at, people_involved: 'p', immediate_risk: c.spec.immediate ? 1 : 0, actions_taken: 'a', status: c.spec.status, raised_by: c.raisedBy,
    raised_at: `${at.slice(0, 14)}0${c.spec.minute}:00.000Z`, acknowledged_at: null, acknowledged_by: null, escalation_level: 0, next_escalation_at: null,
    closed_at: null, closed_by: null, created_at: at, updated_at: at, version: 1,
  })));
  for (const c of concerns) records.push({ kind: 'concern', id: c.id, caseId: null, raisedBy: c.raisedBy, personId: c.personId });

  // The purpose register and consents (issue 10): each person's answers about a purpose form one chain, the latest
  // current (as the app keeps them: superseded_by set on the others).
  const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
  const purposes: OraclePurpose[] = spec.purposes.map((p) => ({ id: newId(), status: p.status, nextReviewOn: day(REVIEW_OFFSET_DAYS[p.review as keyof typeof REVIEW_OFFSET_DAYS]) }));
  await insertAll(db, 'purposes', purposes.map((p) => ({
    id: p.id, name: `p ${p.id}`, description: 'd', lawful_basis: 'consent', art9_condition: 'explicit_consent', data_categories: JSON.stringify(CLASSES),
    categories_mask: 63, recipient_categories: '[]', needs_identity: 1, retention_period: 'P6Y', guardian_id: users[0].id, next_review_on: p.nextReviewOn,
    status: p.status, created_by: users[0].id, approved_by: null, approved_at: null, retired_by: null, retired_at: null, retire_reason: null,
    created_at: at, updated_at: at, version: 1,
  })));
  const recipientKeys = RECIPIENTS.map((r) => (r.startsWith('org:') ? (orgs.length ? `org:${pick(orgs, Number(r.slice(4))).id}` : 'category:none') : r));
  const consents: OracleConsent[] = [];
  const latest = new Map<string, OracleConsent>();
  for (const c of spec.consents) {
    const personId = pick(people, c.person).id;
    const purposeId = pick(purposes, c.purpose).id;
    const chain = `${personId}/${purposeId}`;
    const expiresAt = c.expiry === 'none' ? null : new Date(now + (c.expiry === 'future' ? 3_600_000 : c.expiry === 'past' ? -1 : 0)).toISOString();
    const recipients = [...new Set(c.recipients.map((r) => recipientKeys[RECIPIENTS.indexOf(r)]))];
    const consent: OracleConsent = { id: newId(), personId, purposeId, decision: c.decision, replaces: latest.get(chain)?.id ?? null, expiresAt, recipients, classes: c.classes };
    latest.set(chain, consent);
    consents.push(consent);
  }
  const mask = (cs: readonly Cls[]) => cs.reduce((m, x) => m | (1 << CLASSES.indexOf(x)), 0);
  await insertAll(db, 'consents', consents.map((c) => ({
    id: c.id, person_id: c.personId, purpose_id: c.purposeId, decision: c.decision, recipients: '[]', data_categories: JSON.stringify(c.classes),
    categories_mask: mask(c.classes), told_why: 'w', told_with_whom: 'ww', told_consequences: 'c', told_service_impact: 's', method: 'oral',
    method_detail: '{}', given_by: 'person', given_by_detail: '{}', expires_at: c.expiresAt, supersedes: c.replaces,
    superseded_by: consents.find((later) => later.replaces === c.id)?.id ?? null, withdrawn_at: c.decision === 'withdrawn' ? at : null,
    withdrawal_method: c.decision === 'withdrawn' ? 'orally' : null, withdrawal_note: null, recorded_by: pick(users, spec.consents[consents.indexOf(c)].recorder).id,
    recorded_at: at, created_at: at, updated_at: at, version: 1,
  })));
  await insertAll(db, 'consent_recipients', consents.flatMap((c) => c.recipients.map((recipient) => ({ consent_id: c.id, recipient }))));
  for (const c of consents) records.push({ kind: 'consent', id: c.id, caseId: null, personId: c.personId });

  // Breaches, some overdue on the ICO clock (awareness up to 80 hours before now), so the overdue-first order is paged.
  const breaches = spec.breaches.map((b) => ({ id: newId(), reportedBy: pick(users, b.reporter).id, spec: b }));
  await insertAll(db, 'breaches', breaches.map((b) => {
    const aware = new Date(Date.parse(env.nowIso) + b.spec.hour * 3_600_000).toISOString();
    return {
      id: b.id, status: b.spec.status, source: 'report', reported_by: b.reportedBy, reported_at: aware, report: 'r', reported_occurred_at: null,
      what_happened: null, occurred_at: null, aware_at: aware, ico_deadline_at: new Date(Date.parse(aware) + 72 * 3_600_000).toISOString(),
      data_categories: '[]', people_affected: null, likelihood: null, severity: null, risk_level: null, risk_notes: null, containment: null,
      ico_decision: b.spec.icoDecision, ico_reason: null, ico_reported_at: null, ico_reference: null, people_told_decision: null, people_not_told_ground: null,
      people_told_reason: null, people_told_at: null, disciplinary_reference: null, grant_id: null, flag_id: null, closed_at: null, closed_by: null,
      closing_note: null, created_at: at, updated_at: at, version: 1,
    };
  }));
  for (const b of breaches) records.push({ kind: 'breach', id: b.id, caseId: null, reportedBy: b.reportedBy });

  const oracle: OracleWorld = { now: env.nowIso, gateEnforced: env.gateEnforced, caseTeam, orgTeam, personOfCase, grants };
  return {
    users, records, oracle, archivedIds, people, casesOf, notesOf, attachmentsOf, concerns: concerns.map((c) => c.id), breaches: breaches.map((b) => b.id),
    purposes, consents, recipientKeys,
  };
}
