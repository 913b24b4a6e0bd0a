import { sql, type Kysely } from 'kysely';

/**
 * A case is held for a purpose in the register (2.1: information is used to provide a service or carry out an
 * authorised transaction):
 * - cases.purpose_id: the purpose the case was opened for, or moved to by a manager. Required of every case opened
 *   from now on (src/cases/schema.ts); null only for cases opened before this migration, whose purpose nothing
 *   recorded and nothing can guess. New information goes into such a case only once a manager names its purpose
 *   (rule purposes/case-purpose-in-force); it can still be read and closed.
 * - cases_by_purpose: the cases held for one purpose (what retiring a purpose leaves without one in force).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('purpose_id', 'text', (c) => c.references('purposes.id')).execute();
  await db.schema.createIndex('cases_by_purpose').on('cases').column('purpose_id').where(sql.ref('purpose_id'), 'is not', null).execute();
}
