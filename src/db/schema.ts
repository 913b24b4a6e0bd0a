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
  concerns: ConcernRow;
  concern_entries: ConcernEntryRow;
  email_outbox: EmailOutboxRow;
  audit_events: AuditEventRow;
  audit_head: AuditHeadRow;
  audit_checkpoints: AuditCheckpointRow;
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
