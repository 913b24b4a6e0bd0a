import type { Kysely } from 'kysely';

/**
 * Reviews of sharing agreements (practice 5.1; 3.1: continuing uses are regularly reviewed).
 * - agreement_reviews: each review of a signed agreement by management: who, when, the outcome (continue unchanged,
 *   needs a variation, end it), a short note, the review date it answered (previous_review_on) and the next review
 *   date it set, which becomes the agreement's review date. Append-only: a review is history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreement_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
    .addColumn('reviewed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reviewed_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('previous_review_on', 'text', (c) => c.notNull())
    .addColumn('next_review_on', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agreement_reviews_by_agreement').on('agreement_reviews').columns(['agreement_id', 'reviewed_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('agreement_reviews_by_agreement').execute();
  await db.schema.dropTable('agreement_reviews').execute();
}
