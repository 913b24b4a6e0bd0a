import type { Kysely } from 'kysely';

/**
 * Sharing agreements — joint working protocols (practice 5.1) — and meetings with third parties (practice 3).
 * - agreements: one version of a protocol between us and one or more partner organisations: purposes (rows of
 *   agreement_purposes), data categories (a classification mask), conditions, whether each disclosure also needs the
 *   person's consent, start/end/review dates and the signed document (content-addressed in the attachments store).
 *   Status: draft → signed (every party's signatory recorded and the signed copy attached) or terminated early (with
 *   a reason). In force and ended are read from the dates. A signed agreement is never edited: a variation is a new
 *   version that `supersedes` it, and once the variation is signed the old one's `superseded_by` is set.
 * - agreement_parties: the partner organisations (our organisation is always a party, so it is not listed).
 * - agreement_signatories: one per party ('ours' or the partner's organisation id): name, role, date signed.
 * - meetings: about a person, a case, or general; the notes and their classification; whether the client asked for
 *   session details to be passed on (practice 2).
 * - meeting_attendees: users and external attendees (name, organisation, role), each external one with their
 *   acknowledgement of confidentiality (practice 3) and every share of the notes to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('categories_mask', 'integer', (c) => c.notNull())
    .addColumn('security', 'text', (c) => c.notNull())
    .addColumn('onward_sharing', 'text', (c) => c.notNull())
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('breach_notification', 'text', (c) => c.notNull())
    .addColumn('requires_consent', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('review_on', 'text', (c) => c.notNull())
    .addColumn('document_sha256', 'text')
    .addColumn('document_filename', 'text')
    .addColumn('document_content_type', 'text')
    .addColumn('document_size', 'integer')
    .addColumn('document_uploaded_by', 'text', (c) => c.references('users.id'))
    .addColumn('document_uploaded_at', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('terminated_at', 'text')
    .addColumn('terminated_by', 'text', (c) => c.references('users.id'))
    .addColumn('termination_reason', 'text')
    .addColumn('supersedes', 'text', (c) => c.references('agreements.id'))
    .addColumn('superseded_by', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // The review list and "in force" lookups: signed, by end date.
  await db.schema.createIndex('agreements_by_status').on('agreements').columns(['status', 'ends_on', 'id']).execute();
  await db.schema.createIndex('agreements_by_title').on('agreements').columns(['title', 'id']).execute();

  await db.schema
    .createTable('agreement_parties')
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addPrimaryKeyConstraint('agreement_parties_pk', ['agreement_id', 'organisation_id'])
    .execute();
  // agreementCovers starts from the partner: the agreements an organisation is party to.
  await db.schema.createIndex('agreement_parties_by_org').on('agreement_parties').columns(['organisation_id', 'agreement_id']).execute();

  await db.schema
    .createTable('agreement_purposes')
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addPrimaryKeyConstraint('agreement_purposes_pk', ['agreement_id', 'purpose_id'])
    .execute();

  await db.schema
    .createTable('agreement_signatories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('signed_on', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agreement_signatories_one_per_party').on('agreement_signatories').columns(['agreement_id', 'party']).unique().execute();

  await db.schema
    .createTable('meetings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('about', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('held_at', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('notes_classification', 'text', (c) => c.notNull())
    .addColumn('client_requested_sharing', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meetings_by_person').on('meetings').columns(['person_id', 'held_at']).execute();
  await db.schema.createIndex('meetings_by_case').on('meetings').columns(['case_id', 'held_at']).execute();

  await db.schema
    .createTable('meeting_attendees')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledgement_method', 'text')
    .addColumn('acknowledgement_recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meeting_attendees_by_meeting').on('meeting_attendees').columns(['meeting_id']).execute();
  await db.schema.createIndex('meeting_attendees_by_user').on('meeting_attendees').columns(['user_id', 'meeting_id']).execute();
}
