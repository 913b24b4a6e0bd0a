import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Times are ISO 8601 UTC strings, flags are 0/1 integers and
 * lists are JSON text, so the same code runs on SQLite and PostgreSQL.
 */
export interface Database {
  users: UserRow;
  user_roles: UserRoleRow;
  sessions: SessionRow;
  api_tokens: ApiTokenRow;
  sign_in_throttle: SignInThrottleRow;
  people: PersonRow;
  organisations: OrganisationRow;
  organisation_team: OrganisationTeamRow;
  cases: CaseRow;
  case_team: CaseTeamRow;
  notes: NoteRow;
  attachments: AttachmentRow;
  access_grants: AccessGrantRow;
  policy_documents: PolicyDocumentRow;
  policy_acceptances: PolicyAcceptanceRow;
  policy_rule_modes: PolicyRuleModeRow;
  access_epoch: AccessEpochRow;
  notifications: NotificationRow;
  notices: NoticeRow;
  first_contacts: FirstContactRow;
  purposes: PurposeRow;
  consents: ConsentRow;
  consent_recipients: ConsentRecipientRow;
  disclosures: DisclosureRow;
  disclosure_packs: DisclosurePackRow;
  pseudonym_keys: PseudonymKeyRow;
  agreements: AgreementRow;
  agreement_parties: AgreementPartyRow;
  agreement_purposes: AgreementPurposeRow;
  agreement_signatories: AgreementSignatoryRow;
  meetings: MeetingRow;
  meeting_attendees: MeetingAttendeeRow;
  concerns: ConcernRow;
  concern_entries: ConcernEntryRow;
  referrals: ReferralRow;
  email_outbox: EmailOutboxRow;
  breaches: BreachRow;
  breach_people: BreachPersonRow;
  breach_escalations: BreachEscalationRow;
  breach_flags: BreachFlagRow;
  breach_activity: BreachActivityRow;
  breach_flag_scan: BreachFlagScanRow;
  policy_reviews: PolicyReviewRow;
  policy_review_flags: PolicyReviewFlagRow;
  equality_declarations: EqualityDeclarationRow;
  equality_declaration_services: EqualityDeclarationServiceRow;
  equality_snapshots: EqualitySnapshotRow;
  audit_events: AuditEventRow;
  audit_head: AuditHeadRow;
  audit_checkpoints: AuditCheckpointRow;
  audit_signers: AuditSignerRow;
}

export interface Versioned {
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UserRow extends Versioned {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  must_change_password: number;
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step: number | null; // last TOTP step used (replay protection; migration 0003)
  failed_sign_ins: number;
  locked_until: string | null;
  active: number;
  deactivated_at: string | null;
}

export interface UserRoleRow {
  user_id: string;
  role: string;
}

export interface SessionRow {
  id: string; // sha256 of the cookie value
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  second_factor_at: string | null;
  revoked_at: string | null;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string; // JSON array
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInThrottleRow {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface PersonRow extends Versioned {
  id: string;
  kind: string;
  given_name: string;
  family_name: string;
  preferred_name: string | null;
  sort_key: string;
  /** Search keys of the given and preferred names, kept by the database (migration 0015); never written by the app. */
  given_key?: string | null;
  preferred_key?: string | null;
  date_of_birth: string | null;
  pronouns: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  ethnicity: string | null;
  health_notes: string | null;
  safeguarding_notes: string | null;
  archived_at: string | null;
  created_by: string | null;
  /** The date the person was first given the notice (4.1); null: not yet told (migration 0016). Optional: kept by the first-contact command. */
  told_at?: string | null;
}

export interface OrganisationRow extends Versioned {
  id: string;
  kind: string;
  name: string;
  sort_key: string;
  website: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  address: string | null;
  commercial_notes: string | null;
  archived_at: string | null;
  created_by: string | null;
}

export interface OrganisationTeamRow {
  organisation_id: string;
  user_id: string;
  added_at: string;
  added_by: string | null;
}

export interface CaseRow extends Versioned {
  id: string;
  person_id: string;
  service: string;
  status: string;
  opened_on: string;
  closed_on: string | null;
  summary: string | null;
  support_needs: string | null;
  risk_notes: string | null;
  archived_at: string | null;
  created_by: string | null;
}

export interface CaseTeamRow {
  case_id: string;
  user_id: string;
  team_role: string;
  added_at: string;
  added_by: string | null;
  /** The case's person, set by trigger (migration 0008): never written by the application. */
  person_id: Generated<string | null>;
  /** The person's sort key, name-search keys, archived_at and told_at, set by trigger (migration 0020) for lists. */
  person_sort_key: Generated<string | null>;
  person_given_key: Generated<string | null>;
  person_preferred_key: Generated<string | null>;
  person_archived_at: Generated<string | null>;
  person_told_at: Generated<string | null>;
}

export interface NoteRow extends Versioned {
  id: string;
  case_id: string;
  kind: string;
  channel: string | null;
  occurred_at: string;
  title: string;
  body: string;
  author_id: string;
  archived_at: string | null;
}

export interface AttachmentRow {
  id: string;
  case_id: string;
  note_id: string | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  classification: string;
  uploaded_by: string;
  created_at: string;
  archived_at: string | null;
}

export interface AccessGrantRow {
  id: string;
  user_id: string;
  kind: string; // 'request' | 'break_glass'
  resource_type: string; // 'person' | 'case' | 'organisation'
  resource_id: string;
  person_id: string | null; // subject person, denormalised so person coverage is one lookup
  case_id: string | null;
  organisation_id: string | null;
  classifications: string; // JSON array
  reason: string;
  status: string; // 'requested' | 'approved' | 'refused' | 'revoked'
  requested_at: string;
  requested_hours: number;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  review_status: string | null; // break-glass: 'pending' | 'justified' | 'breach'
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}

export interface PolicyDocumentRow {
  id: string;
  version: number;
  title: string;
  body: string;
  clauses: string; // JSON array of parsed clauses
  clause_map: string; // JSON object: clause key -> clause numbers
  loaded_at: string;
  loaded_by: string | null;
}

export interface PolicyAcceptanceRow {
  user_id: string;
  policy_document_id: string;
  accepted_at: string;
}

/** A configurable rule the organisation switched between 'enforce' and 'warn' (no row = enforce). */
export interface PolicyRuleModeRow {
  rule_id: string;
  mode: string;
  set_by: string | null;
  set_at: string;
}

/** One row (id 1): moved by triggers whenever authentication or actor facts change (migration 0007). */
export interface AccessEpochRow {
  id: number;
  n: number;
}

export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  subject: string;
  body: string;
  resource_type: string | null;
  resource_id: string | null;
  created_at: string;
  read_at: string | null;
  emailed_at: string | null;
}

/** A safeguarding concern (practice 4.1): what the raiser wrote, its status and its handling state. */
/** A purpose in the register (3.1); lists are JSON text. */
export interface PurposeRow extends Versioned {
  id: string;
  name: string;
  description: string;
  lawful_basis: string;
  art9_condition: string | null;
  data_categories: string; // JSON array of classifications
  categories_mask: number;
  recipient_categories: string; // JSON array
  needs_identity: number;
  retention_period: string; // ISO 8601 duration
  guardian_id: string;
  next_review_on: string; // YYYY-MM-DD
  status: string; // 'draft' | 'active' | 'retired'
  created_by: string;
  approved_by: string | null;
  approved_at: string | null;
  retired_by: string | null;
  retired_at: string | null;
  retire_reason: string | null;
}

/** One version of a person's answer about one purpose (4.1), never edited; see migration 0017. */
export interface ConsentRow extends Versioned {
  id: string;
  person_id: string;
  purpose_id: string;
  decision: string; // 'given' | 'refused' | 'withdrawn'
  recipients: string; // JSON array of recipients
  data_categories: string; // JSON array of classifications
  categories_mask: number;
  told_why: string | null;
  told_with_whom: string | null;
  told_consequences: string | null;
  told_service_impact: string | null;
  method: string | null;
  method_detail: string | null; // JSON
  given_by: string | null;
  given_by_detail: string | null; // JSON
  expires_at: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  withdrawn_at: string | null;
  withdrawal_method: string | null;
  withdrawal_note: string | null;
  recorded_by: string;
  recorded_at: string;
}

/** A recipient of a consent version, as a key: 'internal', 'org:<id>' or 'category:<name>'. */
export interface ConsentRecipientRow {
  consent_id: string;
  recipient: string;
}

export interface ConcernRow extends Versioned {
  id: string;
  concern_for: string; // 'child' | 'vulnerable_adult'
  person_id: string | null;
  person_description: string | null;
  what_happened: string;
  occurred_at: string;
  people_involved: string | null;
  immediate_risk: number;
  actions_taken: string | null;
  status: string; // 'raised' | 'acknowledged' | 'closed'
  raised_by: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  escalation_level: number;
  next_escalation_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
}

/** A referral of a concern to the local authority or the police (practice 4.1–4.3); see migration 0021. */
export interface ReferralRow extends Versioned {
  id: string;
  concern_id: string;
  entry_id: string;
  disclosure_id: string | null;
  agency: string; // 'local_authority' | 'police'
  urgent: number;
  answers: string; // JSON: the decision aid's answers
  missing: string; // JSON array: answers an urgent referral left to complete
  released_at_once: number;
  referred_by: string;
  referred_at: string;
  complete_by: string | null;
  completed_at: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_outcome: string | null; // 'upheld' | 'concerns'
  review_note: string | null;
  overdue_flagged_at: string | null;
}

/** One entry of a concern's chronology (practice 4.2–4.3). */
export interface ConcernEntryRow {
  id: string;
  concern_id: string;
  at: string;
  kind: string;
  recorded_by: string | null; // null: the system (alerts, escalations)
  text: string | null;
  reason: string | null;
  agreed_with: string | null; // JSON array
  detail: string; // JSON object
}

/** An e-mail waiting to leave, or delivered (transactional outbox). Never confidential content: a notice and a link. */
export interface EmailOutboxRow {
  id: string;
  notification_id: string | null;
  user_id: string;
  to_address: string;
  subject: string;
  body_text: string;
  created_at: string;
  status: string; // 'pending' | 'sent' | 'failed'
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}

/** A suspected breach of the policy as reported, and its handling by management (clause 5; UK GDPR Art 33–34). */
export interface BreachRow extends Versioned {
  id: string;
  status: string; // 'reported' | 'assessing' | 'contained' | 'closed'
  source: string; // 'report' | 'break-glass' | 'flag'
  reported_by: string;
  reported_at: string;
  report: string; // what the reporter wrote
  reported_occurred_at: string | null;
  what_happened: string | null;
  occurred_at: string | null;
  aware_at: string;
  ico_deadline_at: string; // aware_at + 72 hours
  data_categories: string; // JSON array
  people_affected: number | null;
  likelihood: string | null;
  severity: string | null;
  risk_level: string | null; // 'none' | 'risk' | 'high'
  risk_notes: string | null;
  containment: string | null;
  ico_decision: string | null; // 'report' | 'not_required'
  ico_reason: string | null;
  ico_reported_at: string | null;
  ico_reference: string | null;
  people_told_decision: string | null; // 'tell' | 'not_required'
  people_not_told_ground: string | null;
  people_told_reason: string | null;
  people_told_at: string | null;
  disciplinary_reference: string | null;
  grant_id: string | null;
  flag_id: string | null;
  closed_at: string | null;
  closed_by: string | null;
  closing_note: string | null;
}

/** A person record affected by a breach. */
export interface BreachPersonRow {
  breach_id: string;
  person_id: string;
  linked_by: string;
  linked_at: string;
}

/** One warning of a breach's ICO clock, sent once. */
export interface BreachEscalationRow {
  breach_id: string;
  stage: string; // 'hours-24', 'hours-6', 'overdue'
  at: string;
  notified: number;
}

/** An automatic review flag (clause 5): raised once, dismissed with a reason or opened as a breach. */
export interface BreachFlagRow {
  id: string;
  kind: string; // 'break-glass-unreviewed' | 'read-volume' | 'people-export' | 'repeated-denials'
  dedupe_key: string;
  user_id: string | null;
  window_start: string | null;
  window_end: string | null;
  count: number;
  grant_id: string | null;
  raised_at: string;
  status: string; // 'open' | 'dismissed' | 'breach'
  decided_by: string | null;
  decided_at: string | null;
  dismiss_reason: string | null;
  breach_id: string | null;
  version: number;
}

/** Counts per user, kind and time bucket, built from the audit chain for the review flags. */
export interface BreachActivityRow {
  user_id: string;
  kind: string; // 'reads' | 'denials' | 'export'
  bucket: string;
  n: number;
}

/** How far the review flags have read the audit chain (one row, id 1). */
export interface BreachFlagScanRow {
  id: number;
  seq: number;
  scanned_at: string | null;
}

export interface AuditEventRow {
  seq: number;
  at: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  subject_person_id: string | null;
  decision: string; // 'allow' | 'deny' | 'change'
  rule_id: string | null;
  clause: string | null;
  request_id: string | null;
  detail: string; // canonical JSON; never confidential values
  prev_hash: string;
  hash: string;
}

export interface AuditHeadRow {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  key_id: string;
}

/** A version of the organisation's privacy / confidentiality notice in one language (4.1; migration 0016). */
export interface NoticeRow {
  id: string;
  version: number;
  language: string; // BCP 47 tag, e.g. "en", "cy", "pl"
  title: string;
  body: string;
  status: string; // 'draft' | 'published'
  published_at: string | null;
  published_by: string | null;
  created_by: string | null;
  created_at: string;
}

/** One giving of a notice to a person at (or after) first contact (4.1; migration 0016). */
export interface FirstContactRow {
  id: string;
  person_id: string;
  notice_id: string;
  contacted_on: string; // YYYY-MM-DD
  method: string; // 'in_person' | 'phone' | 'online' | 'letter'
  questions: string | null;
  recorded_by: string;
  recorded_at: string;
}

/** A key that signs audit checkpoints (migration 0013): verify checks each checkpoint against the key named on it. */
export interface AuditSignerRow {
  key_id: string;
  public_key: string;
  first_used_at: string;
  /** How it came to be registered: 'first-start', 'existing-checkpoints' or 'cli:<os user>' (confide audit register-key). */
  registered_by: string;
}

/** A request to disclose one person's chosen items to a named third party (1.3, 4.3); see migration 0018. */
export interface DisclosureRow extends Versioned {
  id: string;
  reference: string;
  person_id: string;
  recipient_org_id: string;
  recipient_name: string;
  recipient_role: string;
  recipient_email: string | null;
  purpose_id: string;
  reason: string;
  items: string; // JSON { personFields, notes, attachments }
  item_count: number;
  data_categories: string; // JSON array of classifications
  categories_mask: number;
  pseudonymise: number;
  mode: string; // 'written' | 'oral'
  oral_channel: string | null;
  occurred_at: string | null;
  client_requested: number;
  client_request_detail: string | null;
  client_request_recorded_by: string | null;
  client_request_recorded_at: string | null;
  basis: string; // 'consent' | 'agreement' | 'exception'
  consent_id: string | null;
  exception_ground: string | null;
  exception_reference: string | null;
  approved_by: string | null;
  approved_at: string | null;
  justification: string | null;
  tell_person: number | null;
  not_told_reason: string | null;
  person_told_at: string | null;
  status: string; // 'awaiting_approval' | 'awaiting_acknowledgement' | 'acknowledged' | 'released' | 'refused'
  ack_token_hash: string | null;
  ack_expires_at: string | null;
  ack_method: string | null; // 'link' | 'staff_attestation'
  ack_name: string | null;
  ack_date: string | null;
  ack_at: string | null;
  ack_attested_by: string | null;
  pack_sha256: string | null;
  pack_json_sha256: string | null;
  released_at: string | null;
  released_by: string | null;
  requested_by: string;
  requested_at: string;
  /** The concern a safeguarding referral was made for (migration 0021); null for every other disclosure. */
  concern_id?: string | null;
}

/** A released pack exactly as it went out. */
export interface DisclosurePackRow {
  disclosure_id: string;
  pdf_base64: string;
  json: string;
}

/** The key a recipient organisation's pseudonyms are made with. */
export interface PseudonymKeyRow {
  organisation_id: string;
  secret: string;
  created_at: string;
}

/** One version of a sharing agreement / joint working protocol (practice 5.1); see migration 0019. */
export interface AgreementRow extends Versioned {
  id: string;
  title: string;
  status: string; // 'draft' | 'signed' | 'terminated'
  data_categories: string; // JSON array of classifications
  categories_mask: number;
  security: string;
  onward_sharing: string;
  retention: string;
  breach_notification: string;
  requires_consent: number;
  starts_on: string; // YYYY-MM-DD
  ends_on: string; // YYYY-MM-DD, inclusive
  review_on: string; // YYYY-MM-DD
  document_sha256: string | null;
  document_filename: string | null;
  document_content_type: string | null;
  document_size: number | null;
  document_uploaded_by: string | null;
  document_uploaded_at: string | null;
  signed_at: string | null;
  terminated_at: string | null;
  terminated_by: string | null;
  termination_reason: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  created_by: string;
}

/** A partner organisation party to an agreement. */
export interface AgreementPartyRow {
  agreement_id: string;
  organisation_id: string;
}

/** A purpose an agreement covers. */
export interface AgreementPurposeRow {
  agreement_id: string;
  purpose_id: string;
}

/** The signatory of one party ('ours' or the partner's organisation id) to an agreement. */
export interface AgreementSignatoryRow {
  id: string;
  agreement_id: string;
  party: string;
  user_id: string | null;
  name: string;
  role: string;
  signed_on: string;
  recorded_by: string;
  recorded_at: string;
}

/** A meeting about a person, a case, or general (practice 3). */
export interface MeetingRow extends Versioned {
  id: string;
  about: string; // 'person' | 'case' | 'general'
  person_id: string | null;
  case_id: string | null;
  title: string;
  held_at: string;
  notes: string;
  notes_classification: string;
  client_requested_sharing: number;
  created_by: string;
}

/** Someone at a meeting: a user, or an external attendee who acknowledges confidentiality (practice 3). */
export interface MeetingAttendeeRow {
  id: string;
  meeting_id: string;
  kind: string; // 'user' | 'external'
  user_id: string | null;
  name: string;
  organisation: string | null;
  role: string;
  acknowledged_at: string | null;
  acknowledgement_method: string | null;
  acknowledgement_recorded_by: string | null;
  created_at: string;
}

/** One review of the policy by the senior management team ("Monitoring and Review", 3.6; migration 0022). */
export interface PolicyReviewRow {
  id: string;
  policy_document_id: string | null;
  policy_version: number | null;
  reviewed_by: string;
  reviewed_at: string;
  outcome: string; // 'no_change' | 'changes_needed' | 'revised'
  notes: string;
  next_review_on: string; // YYYY-MM-DD
}
/** An overdue next-review date the scheduled job has told managers of, once. */
export interface PolicyReviewFlagRow {
  due_on: string;
  flagged_at: string;
  notified: number;
}
/** A person's optional self-declared equality characteristics: never read per person, only counted. */
export interface EqualityDeclarationRow {
  person_id: string;
  age_band: string | null;
  gender: string | null;
  ethnicity: string | null;
  disability: string | null;
  religion: string | null;
  sexual_orientation: string | null;
  recorded_quarter: string; // YYYY-Qn
}
/** A service of the person's cases when they declared. */
export interface EqualityDeclarationServiceRow {
  person_id: string;
  service: string;
}
/** The published figures of one equality table for a closed period, computed once. */
export interface EqualitySnapshotRow {
  period: string;
  characteristic: string;
  dimension: string;
  figures: string; // JSON
  computed_at: string;
}
