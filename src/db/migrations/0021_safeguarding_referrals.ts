import { sql, type Kysely } from 'kysely';

/**
 * Safeguarding referrals through the disclosure workflow (practice 4.1–4.3, 1.3 legal duty; Caldicott 7).
 * - referrals: one referral of a concern to the local authority's safeguarding team or the police, with the decision
 *   aid's answers (JSON; an urgent referral may leave some to complete, listed in `missing`), who made it, whether it
 *   was released at once by a manager (`released_at_once`), the deadline by which its record must be complete
 *   (`complete_by`: the missing answers and, after a release at once, a second manager's review), when it was
 *   completed, the review, and when the job flagged it overdue. `disclosure_id` links the disclosure that carried
 *   the information, when it shared any.
 * - disclosures.concern_id: the concern a disclosure was made for; non-null marks a safeguarding referral, which
 *   only the safeguarding leads and management see (relation `referral` / `ordinary`, src/policy/relations.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('disclosures').addColumn('concern_id', 'text', (c) => c.references('concerns.id')).execute();
  await db.schema.createIndex('disclosures_by_concern').on('disclosures').column('concern_id').where(sql.ref('concern_id'), 'is not', null).execute();

  await db.schema
    .createTable('referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('concern_id', 'text', (c) => c.notNull().references('concerns.id'))
    .addColumn('entry_id', 'text', (c) => c.notNull().references('concern_entries.id'))
    .addColumn('disclosure_id', 'text', (c) => c.references('disclosures.id'))
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('urgent', 'integer', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('missing', 'text', (c) => c.notNull())
    .addColumn('released_at_once', 'integer', (c) => c.notNull())
    .addColumn('referred_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('referred_at', 'text', (c) => c.notNull())
    .addColumn('complete_by', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
    .addColumn('reviewed_at', 'text')
    .addColumn('review_outcome', 'text')
    .addColumn('review_note', 'text')
    .addColumn('overdue_flagged_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referrals_by_concern').on('referrals').columns(['concern_id', 'referred_at', 'id']).execute();
  // The incomplete list and the overdue job: only referrals still to complete are indexed.
  await db.schema.createIndex('referrals_incomplete').on('referrals').columns(['complete_by', 'id']).where(sql.ref('completed_at'), 'is', null).execute();
}

