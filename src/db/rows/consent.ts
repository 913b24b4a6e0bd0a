import type { Versioned } from './versioned';

// Purposes, notices and first contact, consent, and equality monitoring (3.1, 4.1; Equality Act 2010).

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
