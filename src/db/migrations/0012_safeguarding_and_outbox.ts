import { sql, type Kysely } from 'kysely';

/**
 * Safeguarding concerns (practice 4.1–4.3) with their chronology, and the e-mail outbox.
 * - concerns: what the raiser wrote, its status, and the handling state the escalation job reads
 *   (acknowledgement, escalation level, when the next escalation is due).
 * - concern_entries: the chronology — alerts, acknowledgement, escalations, facts, actions, decisions with reasons
 *   and who agreed, outcomes and referrals with the decision aid's answers (detail, JSON).
 * - email_outbox: messages written in the same transaction as the event that causes them, delivered afterwards by
 *   the sender (src/notify/sender.ts), claimed under a lease so each is sent once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('concerns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('concern_for', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    .addColumn('person_description', 'text')
    .addColumn('what_happened', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('people_involved', 'text')
    .addColumn('immediate_risk', 'integer', (c) => c.notNull())
    .addColumn('actions_taken', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_escalation_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('concerns_by_raised_at').on('concerns').columns(['raised_at', 'id']).execute();
  await db.schema.createIndex('concerns_by_raiser').on('concerns').columns(['raised_by', 'raised_at']).execute();
  await db.schema.createIndex('concerns_by_person').on('concerns').column('person_id').execute();
  // The escalation job's scan: unacknowledged concerns whose next escalation is due.
  await db.schema.createIndex('concerns_due').on('concerns').columns(['next_escalation_at']).where(sql.ref('next_escalation_at'), 'is not', null).execute();

  await db.schema
    .createTable('concern_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('concern_id', 'text', (c) => c.notNull().references('concerns.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('text', 'text')
    .addColumn('reason', 'text')
    .addColumn('agreed_with', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('concern_entries_by_concern').on('concern_entries').columns(['concern_id', 'at', 'id']).execute();

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.references('notifications.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('email_outbox_due').on('email_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('email_outbox_by_notification').on('email_outbox').column('notification_id').execute();
}
