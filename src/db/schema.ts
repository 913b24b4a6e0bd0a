import type { UserRow, UserRoleRow, SessionRow, ApiTokenRow, SignInThrottleRow, NotificationRow, EmailOutboxRow } from './rows/accounts';
import type { PersonRow, OrganisationRow, OrganisationTeamRow, CaseRow, CaseTeamRow, NoteRow, AttachmentRow } from './rows/records';
import type { AccessGrantRow, PolicyDocumentRow, PolicyAcceptanceRow, PolicyRuleModeRow, AccessEpochRow, PolicyReviewRow, PolicyReviewFlagRow } from './rows/policy';
import type { AuditEventRow, AuditHeadRow, AuditCheckpointRow, AuditSignerRow } from './rows/audit';
import type { ConcernRow, ReferralRow, ConcernEntryRow, BreachRow, BreachPersonRow, BreachEscalationRow, BreachFlagRow, BreachActivityRow, BreachFlagScanRow } from './rows/safeguarding';
import type { PurposeRow, ConsentRow, ConsentRecipientRow, NoticeRow, FirstContactRow, EqualityDeclarationRow, EqualityDeclarationServiceRow, EqualitySnapshotRow } from './rows/consent';
import type { DisclosureRow, DisclosurePackRow, PseudonymKeyRow, AgreementRow, AgreementPartyRow, AgreementPurposeRow, AgreementSignatoryRow, MeetingRow, MeetingAttendeeRow } from './rows/sharing';
import type { AgreementReviewRow } from './rows/agreement-reviews';

export type * from './rows/accounts';
export type * from './rows/records';
export type * from './rows/policy';
export type * from './rows/audit';
export type * from './rows/safeguarding';
export type * from './rows/consent';
export type * from './rows/sharing';
export type * from './rows/agreement-reviews';
export type * from './rows/versioned';

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
  agreement_reviews: AgreementReviewRow;
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

