/**
 * An independent, brute-force statement of who may read what, written from the plain meaning of the sample
 * confidentiality policy and issue 4 — NOT from src/policy. It imports nothing from src/, calls no decide(), reuses
 * no compiled mask and holds its own list of every field's classification, so a mistake in the rule table, the
 * masks, the SQL filter or the field map shows up as a disagreement in the property test.
 *
 * The policy in plain words (what this file encodes, one sentence per line of code below):
 * - 3.5 / practice 3: nobody sees anything confidential until they have accepted the CURRENT version of the
 *   organisation's confidentiality policy (the agreement gate). An organisation may switch that gate to warn-only.
 * - Deny by default: what no sentence below allows, nobody may read.
 * - 3.4 / 4.2 need to know, case records (a person, their cases, the cases' notes and attachments):
 *   - staff working with the client (on the case team — for a person: on the team of any of their cases) read
 *     general, personal, special and session information; not safeguarding (practice 4.1: that goes to management);
 *   - volunteers and students on the team read general information only;
 *   - management oversee every case (practice 4.1–4.2): general, personal, special and safeguarding, everywhere;
 *   - the guardian reviews how information is used (3.1): general information of any record;
 * - practice 2: session details are confidential to the staff team working with that client. Whoever is not on the
 *   team — a manager included — never reads them, unless an access grant names session details explicitly. A
 *   manager on the team is part of that staff team, so reads them.
 * - Access grants (3.4): an approved, unexpired grant (or break-glass use) lets its holder, whatever their roles,
 *   read general information plus exactly the classifications it names, on what it covers: a grant on a person
 *   covers that person's record; a grant on a case covers the case, its notes and attachments, and its person; a
 *   grant on an organisation covers that organisation. Requested, refused, revoked or expired grants give nothing.
 * - Emergency access (practice 4.2): a break-glass use on a person covers the whole of that person's record — the
 *   person and every case about them, with the cases' notes and attachments — because an emergency cannot wait for
 *   the right case to be found. (An access request on a person stays with the person: need to know, 3.4.)
 * - Organisations (1.4, 2.3 commercial sensitivity): everyone working here (manager, guardian, staff, volunteer,
 *   student) sees organisation names and other general details; managers and staff see contact details; business
 *   (commercial) information only for managers and staff who deal with that organisation (its team).
 * - Safeguarding concerns (practice 4.1–4.2, issue 12): a concern is visible only to the designated safeguarding
 *   leads and management, who read all of it, and to the person who raised it, who reads back what they wrote and
 *   its status. Nobody else — not the guardian, not the client's case team — and no access grant opens one.
 * - Consent records (issue 10, 4.1 with 3.4): a person's consent is part of their record. Staff on the person's
 *   team (any of their cases) read what was agreed and what they were told (general, personal); volunteers and
 *   students on the team what was agreed (general); management, anywhere, general and personal; the guardian,
 *   reviewing how purposes are used, general. No access grant opens a consent record.
 * - Consent covers a disclosure (1.3, 4.1, 4.2, 3.1) — see oracleConsentCovers: the person's latest answer about
 *   the purpose (the one no later answer replaced) is "given", has not expired at that moment, names that recipient
 *   and every category asked for; and the purpose is active and not past its review date. A withdrawal is a later
 *   answer, so it blocks; a refusal blocks; recipient A says nothing about B; purpose X nothing about Y.
 * - Breaches (clause 5): a breach report is visible to management and the guardian, who read all of it, and to the
 *   person who reported it, who reads back what they wrote and its status. Nobody else, and no grant opens one.
 */

export type Cls = 'general' | 'personal' | 'special' | 'safeguarding' | 'session' | 'commercial';
export type Kind = 'person' | 'case' | 'note' | 'attachment' | 'organisation' | 'concern' | 'consent' | 'breach';

/** A user as plain data. */
export interface OracleUser {
  id: string;
  roles: ReadonlySet<string>;
  /** Accepted the current version of the policy (not an older one). */
  acceptedCurrent: boolean;
}

/** An access grant as plain data, before deciding whether it is in force. */
export interface OracleGrant {
  userId: string;
  on: 'person' | 'case' | 'organisation';
  targetId: string;
  status: 'requested' | 'approved' | 'refused' | 'revoked';
  /** An access request a manager decides, or a break-glass use (emergency access, reviewed afterwards). */
  kind: 'request' | 'break_glass';
  expiresAt: string | null;
  /** Classifications named in the grant (general is implied). */
  classes: readonly Cls[];
}

/** A record as plain data. */
export interface OracleRecord {
  kind: Kind;
  id: string;
  /** The case a case, note or attachment belongs to. */
  caseId: string | null;
  /** An attachment's own classification (it governs its filename and hash). */
  attachmentClass?: Cls;
  /** A concern's raiser, and the person it is about when it names one. */
  raisedBy?: string;
  personId?: string | null;
  /** A breach's reporter. */
  reportedBy?: string;
}

/** The world: who is on which team, which case belongs to which person, and every grant. */
export interface OracleWorld {
  now: string;
  /** Whether the agreement gate is enforced (false: the organisation switched it to warn-only). */
  gateEnforced: boolean;
  caseTeam: ReadonlyMap<string, ReadonlySet<string>>;
  orgTeam: ReadonlyMap<string, ReadonlySet<string>>;
  personOfCase: ReadonlyMap<string, string>;
  grants: readonly OracleGrant[];
}

/**
 * Every field the API may send, with its classification, written out from the list ("special: health,
 * ethnicity …", "session: what happened in sessions", "commercial: business information"). 'own' = the
 * attachment's own classification.
 */
export const ORACLE_FIELDS: Readonly<Record<Kind, Readonly<Record<string, Cls | 'own'>>>> = {
  person: {
    id: 'general', kind: 'general', givenName: 'general', familyName: 'general', preferredName: 'general', pronouns: 'general',
    dateOfBirth: 'personal', email: 'personal', phone: 'personal', address: 'personal',
    ethnicity: 'special', healthNotes: 'special',
    safeguardingNotes: 'safeguarding', toldAt: 'general',
    archivedAt: 'general', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  case: {
    id: 'general', personId: 'general', service: 'general', status: 'general', openedOn: 'general', closedOn: 'general',
    summary: 'personal', supportNeeds: 'special', riskNotes: 'safeguarding',
    // 2.1: which purpose of the register the case is held for says what it is used for, not what it holds.
    purposeId: 'general',
    archivedAt: 'general', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  note: {
    id: 'general', caseId: 'general', kind: 'general', channel: 'general', occurredAt: 'general', title: 'general',
    body: 'session', authorId: 'general',
    archivedAt: 'general', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  attachment: {
    id: 'general', caseId: 'general', noteId: 'general', classification: 'general', contentType: 'general', sizeBytes: 'general',
    filename: 'own', sha256: 'own', uploadedBy: 'general', createdAt: 'general', archivedAt: 'general',
  },
  organisation: {
    id: 'general', kind: 'general', name: 'general', website: 'general',
    contactName: 'personal', contactEmail: 'personal', contactPhone: 'personal', address: 'personal',
    commercialNotes: 'commercial',
    archivedAt: 'general', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  // What the raiser wrote about the person and what happened is safeguarding information; its status, when, who it
  // is for and whether there is immediate risk are the details anyone who may see the concern at all sees.
  concern: {
    id: 'general', status: 'general', concernFor: 'general', personId: 'general', occurredAt: 'general', immediateRisk: 'general',
    raisedBy: 'general', raisedAt: 'general',
    personDescription: 'safeguarding', whatHappened: 'safeguarding', peopleInvolved: 'safeguarding', actionsTaken: 'safeguarding',
    createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  // What was agreed, to whom, when and how it was given is general; what the person was told, the signature or
  // attestation, who gave it for them and a withdrawal's note are personal.
  consent: {
    id: 'general', personId: 'general', purposeId: 'general', decision: 'general', recipients: 'general', dataCategories: 'general',
    toldWhy: 'personal', toldWithWhom: 'personal', toldConsequences: 'personal', toldServiceImpact: 'personal',
    method: 'general', methodDetail: 'personal', givenBy: 'general', givenByDetail: 'personal', expiresAt: 'general',
    supersedes: 'general', supersededBy: 'general', withdrawnAt: 'general', withdrawalMethod: 'general', withdrawalNote: 'personal',
    recordedBy: 'general', recordedAt: 'general', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
  // What the reporter wrote may name people (personal); its status, source, who reported it and when are general.
  breach: {
    id: 'general', status: 'general', source: 'general', reportedBy: 'general', reportedAt: 'general', reportedOccurredAt: 'general',
    report: 'personal', createdAt: 'general', updatedAt: 'general', version: 'general',
  },
};

/** The classification of one field of one record, from the oracle's own table. */
export function oracleFieldClass(r: OracleRecord, field: string): Cls {
  const c = ORACLE_FIELDS[r.kind][field];
  if (c === undefined) throw new Error(`The oracle does not know field ${r.kind}.${field}: classify it in test/support/oracle.ts`);
  return c === 'own' ? r.attachmentClass! : c;
}

/** The person a case record is about. */
function personOf(w: OracleWorld, r: OracleRecord): string | null {
  if (r.kind === 'person') return r.id;
  if (r.kind === 'organisation') return null;
  if (r.kind === 'breach') return null;
  if (r.kind === 'concern' || r.kind === 'consent') return r.personId ?? null;
  return w.personOfCase.get(r.caseId!) ?? null;
}

/** Works with the client / deals with the organisation: on the team of the record. */
function onTeam(w: OracleWorld, userId: string, r: OracleRecord): boolean {
  if (r.kind === 'organisation') return w.orgTeam.get(r.id)?.has(userId) ?? false;
  if (r.kind === 'concern' || r.kind === 'breach') return false; // concerns and breaches have no team
  if (r.kind === 'person' || r.kind === 'consent') {
    const personId = r.kind === 'person' ? r.id : r.personId;
    for (const [caseId, person] of w.personOfCase) if (person === personId && w.caseTeam.get(caseId)?.has(userId)) return true;
    return false;
  }
  return w.caseTeam.get(r.caseId!)?.has(userId) ?? false;
}

/** Whether a grant is in force now: approved and its end still ahead. */
function inForce(w: OracleWorld, g: OracleGrant): boolean {
  return g.status === 'approved' && g.expiresAt !== null && Date.parse(g.expiresAt) > Date.parse(w.now);
}

/** Whether a grant covers a record (see the header). */
function covers(w: OracleWorld, g: OracleGrant, r: OracleRecord): boolean {
  if (g.on === 'organisation') return r.kind === 'organisation' && r.id === g.targetId;
  if (g.on === 'person') {
    if (r.kind === 'person') return r.id === g.targetId;
    // emergency access on a person: every case about them, with its notes and attachments
    return g.kind === 'break_glass' && r.kind !== 'organisation' && w.personOfCase.get(r.caseId!) === g.targetId;
  }
  // a case grant: the case, its notes and attachments, and the person it is about
  if (r.kind === 'person') return w.personOfCase.get(g.targetId) === r.id;
  return r.kind !== 'organisation' && r.caseId === g.targetId;
}

/** The classifications the user's grants in force open on this record (general implied by any). */
function grantedOn(w: OracleWorld, user: OracleUser, r: OracleRecord): Set<Cls> {
  const out = new Set<Cls>();
  for (const g of w.grants) {
    if (g.userId !== user.id || !inForce(w, g) || !covers(w, g, r)) continue;
    out.add('general');
    for (const c of g.classes) out.add(c);
  }
  return out;
}

/** May `user` read information of classification `cls` on record `r`? */
export function oracleMayRead(w: OracleWorld, user: OracleUser, r: OracleRecord, cls: Cls): boolean {
  if (w.gateEnforced && !user.acceptedCurrent) return false; // 3.5 agreement gate
  const is = (role: string) => user.roles.has(role);
  if (r.kind === 'concern') {
    if (is('safeguarding_lead') || is('manager')) return cls === 'general' || cls === 'personal' || cls === 'special' || cls === 'safeguarding';
    return r.raisedBy === user.id && (cls === 'general' || cls === 'safeguarding');
  }
  if (r.kind === 'breach') {
    if (cls !== 'general' && cls !== 'personal') return false;
    return is('manager') || is('guardian') || r.reportedBy === user.id;
  }
  const team = onTeam(w, user.id, r);
  if (r.kind === 'consent') {
    if (cls === 'general') return (team && (is('staff') || is('volunteer') || is('student'))) || is('manager') || is('guardian');
    if (cls === 'personal') return (team && is('staff')) || is('manager');
    return false;
  }
  const granted = grantedOn(w, user, r);

  if (cls === 'session' && !team && !granted.has('session')) return false; // practice 2, whoever you are
  if (granted.has(cls)) return true; // 3.4 time-limited grant

  if (r.kind === 'organisation') {
    if (cls === 'general') return is('manager') || is('guardian') || is('staff') || is('volunteer') || is('student');
    if (cls === 'personal') return is('manager') || is('staff');
    if (cls === 'commercial') return team && (is('manager') || is('staff'));
    return false;
  }
  // case records
  switch (cls) {
    case 'general':
      return (team && (is('staff') || is('volunteer') || is('student'))) || is('manager') || is('guardian');
    case 'personal':
    case 'special':
      return (team && is('staff')) || is('manager');
    case 'session':
      return team && (is('staff') || is('manager'));
    case 'safeguarding':
      return is('manager');
    case 'commercial':
      return false;
  }
}

/** May `user` see the record at all (list it, open it)? Exactly when its general information is readable. */
export const oracleMayList = (w: OracleWorld, user: OracleUser, r: OracleRecord) => oracleMayRead(w, user, r, 'general');

/** The subject person of a record, for checks on audit detail. */
export const oracleSubject = personOf;

/** A purpose in the register, as plain data. */
export interface OraclePurpose {
  id: string;
  status: 'draft' | 'active' | 'retired';
  /** YYYY-MM-DD. */
  nextReviewOn: string;
}

/** One answer a person gave about a purpose, as plain data. */
export interface OracleConsent {
  id: string;
  personId: string;
  purposeId: string;
  decision: 'given' | 'refused' | 'withdrawn';
  /** The answer this one replaced, if any. */
  replaces: string | null;
  expiresAt: string | null;
  /** 'internal', 'org:<id>' or 'category:<name>'. */
  recipients: readonly string[];
  classes: readonly Cls[];
}

/**
 * Brute force, from the header's words: does the person's consent cover sending `classes` to `recipient` for
 * `purposeId` at `at`? Returns the id of the answer that covers it, or null.
 */
export function oracleConsentCovers(
  purposes: readonly OraclePurpose[], consents: readonly OracleConsent[],
  personId: string, purposeId: string, recipient: string, classes: readonly Cls[], at: string,
): string | null {
  const purpose = purposes.find((p) => p.id === purposeId);
  if (!purpose || purpose.status !== 'active') return null; // 3.1: only an approved purpose is in force
  if (new Date(at).toISOString().slice(0, 10) > purpose.nextReviewOn) return null; // its review is overdue
  const answers = consents.filter((c) => c.personId === personId && c.purposeId === purposeId);
  const latest = answers.filter((c) => !answers.some((later) => later.replaces === c.id));
  for (const c of latest) {
    if (c.decision !== 'given') continue;
    if (c.expiresAt !== null && Date.parse(c.expiresAt) <= Date.parse(at)) continue;
    if (!c.recipients.includes(recipient)) continue;
    if (!classes.every((x) => c.classes.includes(x))) continue;
    return c.id;
  }
  return null;
}
