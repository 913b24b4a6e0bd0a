import { sql, type Kysely } from 'kysely';

/**
 * Cheaper audit appends (issue 4): the lookup indexes of audit_events become partial, so an entry goes into the one
 * index that finds it. Each index entry of an append lands on a page of its own (subjects and resources are spread
 * over the whole index), and writing those pages was most of the cost of an append: three such indexes held a
 * batched append on SQLite to ~25k entries/s, with one ~45k–55k (bench/audit.ts).
 *
 * - audit_by_subject: entries about a person — every read or change of the person, their cases, notes and
 *   attachments. "Who has seen this person's records" (3.1) and a subject-access export start here; an access to
 *   one of the person's records is found among the person's entries by its resource.
 * - audit_by_resource: now only entries about no person (users, policies, rules, notifications), which the subject
 *   index cannot reach. For a person's records it repeated the subject index, entry for entry.
 * - audit_by_actor: entries with an actor ("what did this user do"); system entries have none.
 *
 * Rows and hashes are untouched, so existing chains verify as before. Runs on SQLite and PostgreSQL alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const name of ['audit_by_subject', 'audit_by_resource', 'audit_by_actor']) await db.schema.dropIndex(name).execute();
  await db.schema.createIndex('audit_by_subject').on('audit_events').columns(['subject_person_id', 'seq'])
    .where('subject_person_id', 'is not', null).execute();
  await db.schema.createIndex('audit_by_resource').on('audit_events').columns(['resource_type', 'resource_id', 'seq'])
    .where(sql.ref('subject_person_id'), 'is', null).execute();
  await db.schema.createIndex('audit_by_actor').on('audit_events').columns(['actor_id', 'seq'])
    .where('actor_id', 'is not', null).execute();
}
