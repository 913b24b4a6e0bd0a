import type { Kysely } from 'kysely';

/** Warn-only switches for the few rules an organisation may relax (the policy's own clause mapping, issue 5). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_rule_modes')
    .addColumn('rule_id', 'text', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('set_by', 'text')
    .addColumn('set_at', 'text', (c) => c.notNull())
    .execute();
}
