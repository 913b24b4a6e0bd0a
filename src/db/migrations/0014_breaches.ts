import { sql, type Kysely } from 'kysely';

/**
 * The breach register (clause 5; UK GDPR Art 33–34).
 * - breaches: a suspected breach as reported (anyone working here) and its handling by management: what happened,
 *   when, when the organisation became aware (the ICO's 72 hours count from then: `ico_deadline_at`), data and people
 *   affected, the risk assessment, containment, the ICO and people-told decisions, and only the *reference* of a
 *   disciplinary referral (no HR detail is ever stored here).
 * - breach_people: links to the person records affected, where known.
 * - breach_escalations: each warning of the ICO clock (hours left, overdue) sent once per breach.
 * - breach_flags: automatic review flags (break-glass use unreviewed, unusual read volume, people exports,
 *   repeated denials), each raised once (`dedupe_key`).
 * - breach_activity + breach_flag_scan: counts per user and time bucket built incrementally from the audit chain,
 *   and how far the chain has been read (one row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('reported_occurred_at', 'text')
    .addColumn('what_happened', 'text')
    .addColumn('occurred_at', 'text')
    .addColumn('aware_at', 'text', (c) => c.notNull())
    .addColumn('ico_deadline_at', 'text', (c) => c.notNull())
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('people_affected', 'integer')
    .addColumn('likelihood', 'text')
    .addColumn('severity', 'text')
    .addColumn('risk_level', 'text')
    .addColumn('risk_notes', 'text')
    .addColumn('containment', 'text')
    .addColumn('ico_decision', 'text')
    .addColumn('ico_reason', 'text')
    .addColumn('ico_reported_at', 'text')
    .addColumn('ico_reference', 'text')
    .addColumn('people_told_decision', 'text')
    .addColumn('people_not_told_ground', 'text')
    .addColumn('people_told_reason', 'text')
    .addColumn('people_told_at', 'text')
    .addColumn('disciplinary_reference', 'text')
    .addColumn('grant_id', 'text', (c) => c.references('access_grants.id'))
    .addColumn('flag_id', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('closing_note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('breaches_by_reported_at').on('breaches').columns(['reported_at', 'id']).execute();
  await db.schema.createIndex('breaches_by_reporter').on('breaches').columns(['reported_by', 'reported_at']).execute();
  await db.schema.createIndex('breaches_by_status').on('breaches').columns(['status', 'ico_deadline_at']).execute();
  // One breach record per break-glass use reviewed as a breach.
  await db.schema.createIndex('breaches_by_grant').on('breaches').column('grant_id').unique().where(sql.ref('grant_id'), 'is not', null).execute();

  await db.schema
    .createTable('breach_people')
    .addColumn('breach_id', 'text', (c) => c.notNull().references('breaches.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('linked_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_people_pk', ['breach_id', 'person_id'])
    .execute();
  await db.schema.createIndex('breach_people_by_person').on('breach_people').column('person_id').execute();

  await db.schema
    .createTable('breach_escalations')
    .addColumn('breach_id', 'text', (c) => c.notNull().references('breaches.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('notified', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_escalations_pk', ['breach_id', 'stage'])
    .execute();

  await db.schema
    .createTable('breach_flags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('window_start', 'text')
    .addColumn('window_end', 'text')
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.references('access_grants.id'))
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('dismiss_reason', 'text')
    .addColumn('breach_id', 'text', (c) => c.references('breaches.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('breach_flags_by_status').on('breach_flags').columns(['status', 'raised_at', 'id']).execute();

  await db.schema
    .createTable('breach_activity')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_activity_pk', ['user_id', 'kind', 'bucket'])
    .execute();

  await db.schema
    .createTable('breach_flag_scan')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('scanned_at', 'text')
    .execute();
  // Flags look at what happens from now on: the chain before the register existed is not re-read.
  await sql`insert into breach_flag_scan (id, seq, scanned_at) select 1, coalesce((select seq from audit_head where id = 1), 0), null`.execute(db);
}
