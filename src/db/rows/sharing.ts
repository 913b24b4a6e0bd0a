import type { Versioned } from './versioned';

// Disclosures to third parties, sharing agreements and meetings (4.3, practice 3, practice 5.1).

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
  /** The sharing agreement an agreement-based disclosure rests on (migration 0024); null on consent or an exception. */
  agreement_id?: string | null;
  /**
   * An exception's answer whether the person was asked for their consent first (1.3, 4.1; migration 0029): 1 asked,
   * 0 not asked; null not recorded (any other basis, a referral — whose answer its referral keeps — or an exception
   * asked for before the migration). See src/lib/consent-sought.ts.
   */
  consent_sought?: number | null;
  /** When asked: what they answered ('refused'). */
  consent_answer?: string | null;
  /** When not asked: why ('not_possible' | 'not_safe' | 'emergency'). */
  not_sought_because?: string | null;
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
  /**
   * The client's request that their session details go to the third parties at the meeting (practice 2; migration
   * 0027): how and when they asked, who recorded it and when. All null when they did not ask.
   */
  client_request_detail: string | null;
  client_request_recorded_by: string | null;
  client_request_recorded_at: string | null;
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
  /** The acknowledgement link (migration 0023): the SHA-256 of its token while it works, and who issued it. */
  link_token_hash: string | null;
  link_expires_at: string | null;
  link_issued_by: string | null;
  link_issued_at: string | null;
  /** What the attendee typed when they used the link, and when. */
  link_name: string | null;
  link_date: string | null;
  link_used_at: string | null;
  /** When the notes were delivered through the link, and the hashes of the PDF and JSON delivered. */
  notes_served_at: string | null;
  notes_pdf_sha256: string | null;
  notes_json_sha256: string | null;
}
