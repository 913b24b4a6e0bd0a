import { sql, type Kysely } from 'kysely';

/**
 * Alerts that a colleague has already taken (practice 4.1: a concern goes to management for their immediate action,
 * and one of them acting on it is enough). A notification is "settled" when what it asked for was done by someone —
 * a concern acknowledged, an exception or a referral decided — distinct from whether its recipient read it:
 * - settled_at / settled_by: when, and by whom (a user), it was settled; null while it still needs someone.
 * - notifications_unsettled_by_resource: the alerts about one record that still need someone (the settling step's
 *   lookup); settled rows leave the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('settled_at', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('settled_by', 'text', (c) => c.references('users.id')).execute();
  await db.schema.createIndex('notifications_unsettled_by_resource').on('notifications').columns(['resource_id', 'kind'])
    .where(sql.ref('settled_at'), 'is', null).execute();
}
