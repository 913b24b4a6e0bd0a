import type { Classification, RecordType } from './types';

/** One field of a record type: its API name, its column, and its classification (fixed or taken from the row). */
export interface FieldSpec {
  api: string;
  column: string;
  classification: Classification | ((row: Record<string, unknown>) => Classification);
}

const f = (api: string, column: string, classification: FieldSpec['classification']): FieldSpec => ({ api, column, classification });
const meta = [f('createdAt', 'created_at', 'general'), f('updatedAt', 'updated_at', 'general'), f('version', 'version', 'general')];

/**
 * The classification of every field of every record type (3.4: access down to the information item).
 * A field missing here is never sent to a client.
 */
export const FIELDS: Readonly<Record<RecordType, readonly FieldSpec[]>> = {
  person: [
    f('id', 'id', 'general'),
    f('kind', 'kind', 'general'),
    f('givenName', 'given_name', 'general'),
    f('familyName', 'family_name', 'general'),
    f('preferredName', 'preferred_name', 'general'),
    f('pronouns', 'pronouns', 'general'),
    f('dateOfBirth', 'date_of_birth', 'personal'),
    f('email', 'email', 'personal'),
    f('phone', 'phone', 'personal'),
    f('address', 'address', 'personal'),
    f('ethnicity', 'ethnicity', 'special'),
    f('healthNotes', 'health_notes', 'special'),
    f('safeguardingNotes', 'safeguarding_notes', 'safeguarding'),
    f('archivedAt', 'archived_at', 'general'),
    ...meta,
  ],
  organisation: [
    f('id', 'id', 'general'),
    f('kind', 'kind', 'general'),
    f('name', 'name', 'general'),
    f('website', 'website', 'general'),
    f('contactName', 'contact_name', 'personal'),
    f('contactEmail', 'contact_email', 'personal'),
    f('contactPhone', 'contact_phone', 'personal'),
    f('address', 'address', 'personal'),
    f('commercialNotes', 'commercial_notes', 'commercial'),
    f('archivedAt', 'archived_at', 'general'),
    ...meta,
  ],
  case: [
    f('id', 'id', 'general'),
    f('personId', 'person_id', 'general'),
    f('service', 'service', 'general'),
    f('status', 'status', 'general'),
    f('openedOn', 'opened_on', 'general'),
    f('closedOn', 'closed_on', 'general'),
    f('summary', 'summary', 'personal'),
    f('supportNeeds', 'support_needs', 'special'),
    f('riskNotes', 'risk_notes', 'safeguarding'),
    f('archivedAt', 'archived_at', 'general'),
    ...meta,
  ],
  note: [
    f('id', 'id', 'general'),
    f('caseId', 'case_id', 'general'),
    f('kind', 'kind', 'general'),
    f('channel', 'channel', 'general'),
    f('occurredAt', 'occurred_at', 'general'),
    f('title', 'title', 'general'),
    f('body', 'body', 'session'),
    f('authorId', 'author_id', 'general'),
    f('archivedAt', 'archived_at', 'general'),
    ...meta,
  ],
  attachment: [
    f('id', 'id', 'general'),
    f('caseId', 'case_id', 'general'),
    f('noteId', 'note_id', 'general'),
    f('classification', 'classification', 'general'),
    f('contentType', 'content_type', 'general'),
    f('sizeBytes', 'size_bytes', 'general'),
    f('filename', 'filename', (row) => row.classification as Classification),
    f('sha256', 'sha256', (row) => row.classification as Classification),
    f('uploadedBy', 'uploaded_by', 'general'),
    f('createdAt', 'created_at', 'general'),
    f('archivedAt', 'archived_at', 'general'),
  ],
};

/** Index of a record type's fields by API name. */
export const FIELD_BY_API: Readonly<Record<RecordType, ReadonlyMap<string, FieldSpec>>> = Object.fromEntries(
  Object.entries(FIELDS).map(([type, specs]) => [type, new Map(specs.map((s) => [s.api, s]))]),
) as unknown as Record<RecordType, ReadonlyMap<string, FieldSpec>>;

/** The classification of one field on one row. */
export const classificationOf = (spec: FieldSpec, row: Record<string, unknown>): Classification =>
  typeof spec.classification === 'function' ? spec.classification(row) : spec.classification;
