import { sql, type Kysely } from 'kysely';

/**
 * Management review ("Monitoring and Review", 3.6) and equality monitoring ("Equality and Diversity").
 * - policy_reviews: each review of the policy by the senior management team: who, when, the version reviewed, the
 *   outcome, notes and the next review date. Append-only: a review is history.
 * - policy_review_flags: one row per overdue next-review date, claimed by the scheduled job so managers are told once.
 * - equality_declarations: a person's optional, self-declared characteristics (special category, UK GDPR Art 9).
 *   Only the quarter it was first recorded in is kept (no exact time): reports count closed quarters only.
 * - equality_declaration_services: the services of the person's cases when they declared (frozen then, so a case
 *   opened later never changes a closed period's figures).
 * - equality_snapshots: the aggregate counts of a closed quarter (per characteristic, overall and by service), frozen
 *   the first time a report needs them, so later changes to that quarter's answers never reach a report and cannot be
 *   differenced. Never returned unsuppressed (src/equality/suppress.ts).
 * Plus the indexes the review view's counts use (consents expiring, open concerns, released disclosures).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_document_id', 'text', (c) => c.references('policy_documents.id'))
    .addColumn('policy_version', 'integer')
    .addColumn('reviewed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('next_review_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policy_reviews_by_time').on('policy_reviews').columns(['reviewed_at', 'id']).execute();

  await db.schema
    .createTable('policy_review_flags')
    .addColumn('due_on', 'text', (c) => c.primaryKey())
    .addColumn('flagged_at', 'text', (c) => c.notNull())
    .addColumn('notified', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('equality_declarations')
    .addColumn('person_id', 'text', (c) => c.primaryKey().references('people.id'))
    .addColumn('age_band', 'text')
    .addColumn('gender', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('disability', 'text')
    .addColumn('religion', 'text')
    .addColumn('sexual_orientation', 'text')
    .addColumn('recorded_quarter', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('equality_by_quarter').on('equality_declarations').columns(['recorded_quarter', 'person_id']).execute();

  await db.schema
    .createTable('equality_declaration_services')
    .addColumn('person_id', 'text', (c) => c.notNull().references('equality_declarations.person_id'))
    .addColumn('service', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('equality_declaration_services_pk', ['person_id', 'service'])
    .execute();

  await db.schema
    .createTable('equality_snapshots')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('characteristic', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('equality_snapshots_pk', ['period', 'characteristic', 'dimension'])
    .execute();

  // The review view: current consents given with an expiry, by expiry; open concerns by age; released disclosures by time.
  await db.schema.createIndex('consents_expiring').on('consents').columns(['expires_at', 'id'])
    .where(sql<boolean>`decision = 'given' and superseded_by is null and expires_at is not null`).execute();
  await db.schema.createIndex('concerns_by_status').on('concerns').columns(['status', 'raised_at', 'id']).execute();
  await db.schema.createIndex('disclosures_released').on('disclosures').columns(['released_at', 'basis', 'id'])
    .where(sql.ref('released_at'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('disclosures_released').execute();
  await db.schema.dropIndex('concerns_by_status').execute();
  await db.schema.dropIndex('consents_expiring').execute();
  for (const t of ['equality_snapshots', 'equality_declaration_services', 'equality_declarations', 'policy_review_flags', 'policy_reviews']) {
    await db.schema.dropTable(t).execute();
  }
}
