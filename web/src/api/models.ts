// The shapes of API responses the app reads. The OpenAPI document describes paths and inputs (generated into
// schema.d.ts); responses are described here, next to the presenters they mirror (src/*/queries.ts).

import type { Referral } from './referrals';

export type Role = 'administrator' | 'manager' | 'guardian' | 'staff' | 'volunteer' | 'student' | 'safeguarding_lead';
export type Classification = 'general' | 'personal' | 'special' | 'safeguarding' | 'session' | 'commercial';

/** Who was alerted at once when something was raised or reported, as it is (src/notify/notify.ts): `people` who can act on it. */
export interface Alerted {
  /**
   * The roles through which they were found, in a stable order (a concern: safeguarding_lead, then manager — both
   * when both were alerted; a breach: manager, else guardian). Empty when nobody who can act was.
   */
  roles: Role[];
  people: number;
  /** E-mails queued for them. */
  emailed: number;
  /** No e-mail server is set up: the e-mails wait in the outbox. */
  emailHeld: boolean;
  /**
   * Also alerted, but not counted in `people`: accounts not set up yet (never signed in to set a password), which
   * cannot act on it until their holder signs in (src/accounts/can-act.ts).
   */
  notSetUp: number;
}

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
}
export interface Me {
  user: SessionUser;
  csrfToken: string | null;
  policyAccepted: boolean;
  authenticatedBy: 'session' | 'token';
  /** The actions some rule could allow this user's roles: what the app offers pages and buttons for. */
  may: string[];
}
export interface SignInResult {
  user: SessionUser;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A field the caller may not see: the API's reason, to show with a "request access" action. */
export interface Restricted {
  field: string;
  classification: Classification;
  reason: string;
}
/** What the caller may do with a record, as the policy decided it (src/records/can.ts). */
export interface Can {
  edit: string[];
  archive: boolean;
  requestAccess: boolean;
  breakGlass: boolean;
  seeAccessLog: boolean;
  openCase?: boolean;
  inform?: boolean;
  recordConsent?: boolean;
  withdrawConsent?: boolean;
  printConsentReceipt?: boolean;
  requestDisclosure?: boolean;
  seeDisclosures?: boolean;
  readInformationUse?: boolean;
  prepareInformationUse?: boolean;
  recordMeeting?: boolean;
  addNote?: boolean;
  addAttachment?: boolean;
  manageTeam?: boolean;
  /** Move a case to another purpose of the register (2.1; management). */
  changePurpose?: boolean;
}
export interface RecordView<T> {
  data: T;
  restricted: Restricted[];
  version: number;
  can: Can;
}

export interface PersonSummary {
  id: string;
  kind: string;
  givenName: string;
  familyName: string;
  preferredName: string | null;
  pronouns: string | null;
  archivedAt: string | null;
  /** The date they were first told of the confidentiality policy (4.1); null: not yet told. */
  toldAt?: string | null;
  version: number;
}
export interface Person extends PersonSummary {
  dateOfBirth?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
  ethnicity?: string | null;
  healthNotes?: string | null;
  safeguardingNotes?: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface CaseSummary {
  id: string;
  personId: string;
  service: string;
  status: 'open' | 'closed';
  openedOn: string;
  closedOn: string | null;
  /** The purpose of the register the case is held for (2.1); null for a case opened before purposes were required. */
  purposeId: string | null;
  archivedAt: string | null;
  version: number;
}
export interface Case extends CaseSummary {
  summary?: string | null;
  supportNeeds?: string | null;
  riskNotes?: string | null;
}
export interface NoteSummary {
  id: string;
  caseId: string;
  kind: 'session' | 'contact';
  channel: string | null;
  occurredAt: string;
  title: string;
  authorId: string;
  archivedAt: string | null;
  version: number;
}
export interface Note extends NoteSummary {
  body?: string;
}
export interface AttachmentSummary {
  id: string;
  caseId: string;
  noteId: string | null;
  classification: Classification;
  contentType: string;
  sizeBytes: number;
  uploadedAt?: string;
  createdAt?: string;
  /** Whether the caller may open its content (decided by its classification, as the download is). */
  canOpen: boolean;
}
/** A case's attachments, and the classifications the caller may file a document under there (src/attachments/queries.ts). */
export interface AttachmentPage extends Page<AttachmentSummary> {
  canAttach: Classification[];
}
export interface TeamMember {
  userId: string;
  username: string;
  displayName: string;
  active: boolean;
  teamRole: string;
  addedAt: string;
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  active: boolean;
  email: string | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  lockedUntil: string | null;
  deactivatedAt: string | null;
  createdAt: string;
  version: number;
}
export interface CreatedAccount {
  user: Account;
  oneTimePassword: string;
}
/** A reset password: who was told of it (every other active manager and the guardian, and the account holder). */
export interface ResetAccount extends CreatedAccount {
  told: { roles: Role[]; people: number; accountHolder: boolean };
}
export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Grant {
  id: string;
  userId: string;
  kind: 'request' | 'break_glass';
  resourceType: 'person' | 'case' | 'organisation';
  resourceId: string;
  recordFound?: boolean;
  classifications: Classification[];
  reason: string;
  status: 'requested' | 'approved' | 'refused' | 'revoked';
  requestedAt: string;
  requestedHours: number;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  reviewStatus: 'pending' | 'justified' | 'breach' | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export interface Explanation {
  allowed: boolean;
  clause: string;
  reason: string;
  via: string | null;
  field: string | null;
  basis: { team: { teamRole: string } | null; grants: Array<{ id: string; kind: string; expiresAt: string }> };
}

export interface AccessLogEntry {
  seq: number;
  at: string;
  actor: { id: string; username: string; displayName: string; roles: Role[] } | null;
  action: string;
  resourceType: string;
  resourceId: string;
  decision: 'allow' | 'deny' | 'change' | string;
  rule: string | null;
  clause: string | null;
  why: string | null;
  fields: string[];
  /** What a list or search listed ("case", "note", "first-contacts"), or null for one record opened. */
  list: string | null;
  /** Classes of fields another rule than the entry's opened (emergency access, a grant): src/access/access-log.ts. */
  rulesByClass: AccessLogClassRule[];
  /** The purpose a case, or what is filed under it, was used for (2.1), with its name in the register; null when none was named. */
  purpose: { id: string; name: string | null } | null;
}

/** Part of an opened record that a rule other than the entry's own opened, with that rule's reason and clause. */
export interface AccessLogClassRule {
  classification: Classification;
  rule: string;
  why: string | null;
  clause: string | null;
  fields: string[];
}

export interface PolicyDocument {
  id: string;
  version: number;
  title: string;
  body: string;
  accepted?: boolean;
}

export interface Notification {
  id: string;
  kind: string;
  subject: string;
  body: string;
  resourceType: string | null;
  resourceId: string | null;
  createdAt: string;
  readAt: string | null;
  /** Someone already did what the alert asked (acknowledged the concern, decided the request): who and when. */
  settled?: { at: string; byName: string | null } | null;
}

/** A safeguarding concern as its reader may see it (src/safeguarding/queries.ts): the raiser sees what they wrote and its status. */
export interface Concern {
  id: string;
  status: 'raised' | 'acknowledged' | 'closed';
  concernFor: 'child' | 'vulnerable_adult';
  personId: string | null;
  personDescription?: string | null;
  whatHappened?: string;
  occurredAt: string;
  peopleInvolved?: string | null;
  immediateRisk: boolean;
  actionsTaken?: string | null;
  raisedBy: string;
  raisedAt: string;
  version: number;
}
export interface ConcernView {
  data: Concern;
  restricted: Restricted[];
  version: number;
  /** Decided by the policy: work the concern (acknowledge, chronology, close) and record a referral. */
  can: { work?: boolean; settle?: boolean; refer?: boolean; releaseAtOnce?: boolean };
  /** On raising: who was alerted at once (src/notify/notify.ts, Alerted). */
  alerted?: Alerted;
  /** Whom it is about, by name, for those who work concerns (rule safeguarding/subject-name-for-leads, practice 4.1). */
  subject?: { personId: string; givenName: string; familyName: string; preferredName: string | null };
}
export interface ConcernPage extends Page<Concern> {
  names: Record<string, string>;
}
export type EntryKind = 'raised' | 'alerted' | 'acknowledged' | 'escalated' | 'fact' | 'action' | 'decision' | 'outcome' | 'referral' | 'referral-update' | 'closed';
export interface ChronologyEntry {
  id: string;
  at: string;
  kind: EntryKind;
  recordedBy: string | null;
  text: string | null;
  reason: string | null;
  /** Names as written: referral entries, and decisions recorded before `agreedBy` was asked. Never checked. */
  agreedWith: string[] | null;
  /** The active manager a decision was agreed with (practice 4.2), checked by the server. */
  agreedBy?: string | null;
  detail: Record<string, unknown>;
}
export interface Chronology {
  concernId: string;
  handling: {
    status: Concern['status'];
    escalationLevel: number;
    nextEscalationAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
    closedAt: string | null;
    closedBy: string | null;
  };
  entries: ChronologyEntry[];
  /** The concern's referrals, oldest first, with what the reader may do next (src/safeguarding/referral-present.ts). */
  referrals?: Referral[];
  names: Record<string, string>;
  /** The active managers a decision can be agreed with (practice 4.2). */
  managers?: Array<{ id: string; displayName: string }>;
}

/** A version of the organisation's notice (4.1); `body` only when one version is read. */
export interface NoticeVersion {
  id: string;
  version: number;
  language: string;
  title: string;
  body?: string;
  status: 'draft' | 'published';
  current: boolean;
  publishedAt: string | null;
  /** Who published it (null for a draft), by id and by name. */
  publishedBy?: string | null;
  publishedByName?: string | null;
  createdAt?: string;
}
export type ContactMethod = 'in_person' | 'phone' | 'online' | 'letter';
/** One time a person was given the notice. */
export interface FirstContact {
  id: string;
  noticeVersion: number;
  language: string;
  noticeTitle: string;
  contactedOn: string;
  method: ContactMethod;
  questions?: string | null;
  recordedBy: string;
  recordedAt: string;
}
export interface FirstContacts {
  personId: string;
  toldAt: string | null;
  items: FirstContact[];
  restricted: Restricted[];
}

/** A purpose of the register (3.1). */
export interface Purpose {
  id: string;
  name: string;
  description: string;
  lawfulBasis: string;
  art9Condition: string | null;
  dataCategories: Classification[];
  recipientCategories: string[];
  /** The kinds of organisation in the register a disclosure for it may go to, as the server decides it (src/purposes/reaches.ts). */
  reaches?: string[];
  status: 'draft' | 'active' | 'review_due' | 'retired';
  nextReviewOn: string;
}

/** A recipient as a consent is recorded with: the organisation's own service, an organisation of the register, or a category. */
export type Recipient = { kind: 'internal' } | { kind: 'organisation'; organisationId: string } | { kind: 'category'; category: string };
/** A recipient as the API answers it on a consent: each organisation with its name from the register. */
export type ConsentRecipient = Exclude<Recipient, { kind: 'organisation' }> | { kind: 'organisation'; organisationId: string; name?: string };
/** One version of a person's answer about a purpose: given, refused, or a withdrawal (1.3, 4.1). */
export interface Consent {
  id: string;
  personId: string;
  purposeId: string;
  decision: 'given' | 'refused' | 'withdrawn';
  status: 'given' | 'refused' | 'withdrawn' | 'expired' | 'superseded';
  recipients: ConsentRecipient[];
  dataCategories: Classification[];
  method: 'signed_form' | 'e_signature' | 'oral' | null;
  givenBy: 'person' | 'competent_child' | 'parental_responsibility' | 'representative' | null;
  expiresAt: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  withdrawnAt: string | null;
  withdrawalMethod: 'in_writing' | 'orally' | 'other' | null;
  withdrawalNote?: string | null;
  recordedBy: string;
  recordedAt: string;
  version: number;
}
