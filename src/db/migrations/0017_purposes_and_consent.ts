import { sql, type Kysely } from 'kysely';

/**
 * The purpose register (3.1, 2.1, 3.3) and consent records (1.3, 4.1, 4.2).
 * - purposes: every use or transfer of information, with its lawful basis, data and recipient categories, the
 *   guardian responsible and the next review date. Draft → approved by a guardian who is not its author → active →
 *   review due (computed from the clock) → re-approved or retired.
 * - consents: one row per version of a person's answer about one purpose, never edited. A new version names the one
 *   it `supersedes`, whose `superseded_by` is then set (bookkeeping, not an edit of what was agreed); a withdrawal is
 *   a version of its own (decision 'withdrawn'). At most one version per person and purpose is current (unique
 *   partial index), so two people recording at once cannot both win.
 * - consent_recipients: the recipients of a version as keys ('internal', 'org:<id>', 'category:<name>'), so the
 *   consent relation's SQL form (src/policy/relations.ts) tests a recipient with one index seek.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('purposes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('lawful_basis', 'text', (c) => c.notNull())
    .addColumn('art9_condition', 'text')
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('categories_mask', 'integer', (c) => c.notNull())
    .addColumn('recipient_categories', 'text', (c) => c.notNull())
    .addColumn('needs_identity', 'integer', (c) => c.notNull())
    .addColumn('retention_period', 'text', (c) => c.notNull())
    .addColumn('guardian_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('next_review_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('approved_by', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', 'text')
    .addColumn('retired_by', 'text', (c) => c.references('users.id'))
    .addColumn('retired_at', 'text')
    .addColumn('retire_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('purposes_by_status').on('purposes').columns(['status', 'next_review_on', 'id']).execute();
  await db.schema.createIndex('purposes_by_name').on('purposes').columns(['name', 'id']).execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('categories_mask', 'integer', (c) => c.notNull())
    .addColumn('told_why', 'text')
    .addColumn('told_with_whom', 'text')
    .addColumn('told_consequences', 'text')
    .addColumn('told_service_impact', 'text')
    .addColumn('method', 'text')
    .addColumn('method_detail', 'text')
    .addColumn('given_by', 'text')
    .addColumn('given_by_detail', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('supersedes', 'text', (c) => c.references('consents.id'))
    .addColumn('superseded_by', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('withdrawal_method', 'text')
    .addColumn('withdrawal_note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // A person's history, newest first, paged by (recorded_at, id).
  await db.schema.createIndex('consents_history').on('consents').columns(['person_id', 'recorded_at', 'id']).execute();
  // The current version of each person's answer about each purpose: at most one.
  await db.schema.createIndex('consents_current').on('consents').columns(['person_id', 'purpose_id']).unique().where(sql.ref('superseded_by'), 'is', null).execute();
  await db.schema.createIndex('consents_by_purpose').on('consents').columns(['purpose_id']).execute();

  await db.schema
    .createTable('consent_recipients')
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_recipients_pk', ['consent_id', 'recipient'])
    .execute();
}
