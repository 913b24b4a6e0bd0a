import { sql, type Kysely } from 'kysely';

/**
 * Need to know (3.4, 4.2): access grants and break-glass, the confidentiality policy and its acceptances (3.5),
 * notifications, and the hash-chained audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('case_id', 'text')
    .addColumn('organisation_id', 'text')
    .addColumn('classifications', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('requested_hours', 'integer', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('review_status', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('review_note', 'text')
    .execute();
  await db.schema.createIndex('grants_by_user_person').on('access_grants').columns(['user_id', 'person_id']).execute();
  await db.schema.createIndex('grants_by_user_case').on('access_grants').columns(['user_id', 'case_id']).execute();
  await db.schema.createIndex('grants_by_user_org').on('access_grants').columns(['user_id', 'organisation_id']).execute();
  await db.schema.createIndex('grants_by_status').on('access_grants').columns(['status', 'requested_at']).execute();
  await db.schema.createIndex('grants_by_review').on('access_grants').columns(['review_status', 'requested_at']).execute();

  await db.schema
    .createTable('policy_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('clauses', 'text', (c) => c.notNull())
    .addColumn('clause_map', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text')
    .execute();

  await db.schema
    .createTable('policy_acceptances')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('policy_document_id', 'text', (c) => c.notNull().references('policy_documents.id'))
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_acceptances_pk', ['user_id', 'policy_document_id'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('emailed_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_by_user').on('notifications').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('subject_person_id', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('clause', 'text')
    .addColumn('request_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_by_subject').on('audit_events').columns(['subject_person_id', 'seq']).execute();
  await db.schema.createIndex('audit_by_resource').on('audit_events').columns(['resource_type', 'resource_id', 'seq']).execute();
  await db.schema.createIndex('audit_by_actor').on('audit_events').columns(['actor_id', 'seq']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  // The head row always exists, so concurrent first appends lock it rather than racing to insert it.
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .execute();
}
