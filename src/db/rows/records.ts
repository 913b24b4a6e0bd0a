import type { Generated } from 'kysely';
import type { Versioned } from './versioned';

// The records need to know protects: people, organisations, cases with their teams, notes and attachments (3.4).

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
  /** The purpose in the register the case is held for (2.1); null only for cases opened before migration 0028. */
  purpose_id: string | null;
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
