import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * How many open cases (not closed, not archived) are held for a purpose (2.1). Once the purpose is retired or past
 * its review, nothing new goes into them until a manager moves each to a purpose in force: the count is what a
 * guardian weighs before retiring it and what management are told afterwards. A count only — which cases, and
 * whose, is read where need to know allows (the management review lists them for managers).
 */
export async function openCasesHeldFor(db: Kysely<Database>, purposeId: string): Promise<number> {
  const row = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('purpose_id', '=', purposeId).where('status', '!=', 'closed').where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
