import { sql, type Kysely } from 'kysely';

/**
 * First contact (4.1: "we will inform those that come into contact with the charity of our Confidentiality Policy at
 * the first point of contact").
 * - notices: the organisation's privacy / confidentiality notice, versioned. A version may be supplied in several
 *   languages (one row per version and language, unique together); a published row is never changed — a change is a
 *   new version. The current notice of a language is its highest published version.
 * - first_contacts: each time a person was given a notice: which version and language, the date, how, who recorded
 *   it, and an optional note of the questions they asked. A history: a newer version can be given later.
 * - people.told_at: the date the person was first given a notice (null: not yet told), kept by the first-contact
 *   command, so the "people we have not yet told" worklist is an index walk. Its partial index holds only the people
 *   not yet told and not archived, in name order: the worklist reads it directly, and it stays small as people are
 *   told (both engines support partial indexes); a second one holds them by id, for worklists driven from a team.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('published_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_by_version_language').on('notices').columns(['version', 'language']).unique().execute();
  await db.schema.createIndex('notices_by_language').on('notices').columns(['language', 'status', 'version']).execute();

  await db.schema
    .createTable('first_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('contacted_on', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('questions', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('first_contacts_by_person').on('first_contacts').columns(['person_id', 'contacted_on', 'id']).execute();

  await db.schema.alterTable('people').addColumn('told_at', 'text').execute();
  await db.schema
    .createIndex('people_not_yet_told')
    .on('people')
    .columns(['sort_key', 'id'])
    .where(sql<boolean>`told_at is null and archived_at is null`)
    .execute();
  // The same people by id, with their sort key: a worklist driven from the actor's case-team rows looks each team
  // member up here (index only, in an index a fraction of the size of the table) instead of fetching their row.
  await db.schema
    .createIndex('people_not_yet_told_by_id')
    .on('people')
    .columns(['id', 'sort_key'])
    .where(sql<boolean>`told_at is null and archived_at is null`)
    .execute();
}
