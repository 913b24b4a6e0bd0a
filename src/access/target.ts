import { sql } from 'kysely';
import type { Ctx } from '../context';
import { COMPARTMENTS, type Compartment } from '../records/descriptor';
import { recordOf } from '../records/registry';

/** What a grant on a record covers: the subject person, the case, or the organisation. */
export interface GrantTarget {
  exists: boolean;
  personId: string | null;
  caseId: string | null;
  organisationId: string | null;
}

/**
 * Resolves a grant target: a grant attaches to a compartment (a person, a case or an organisation). A case grant
 * also covers the case's person (they are its subject, by the case's descriptor), so person_id is stored for it
 * too; lookups then need one column per compartment.
 */
export async function resolveTarget(ctx: Ctx, compartment: Compartment, id: string): Promise<GrantTarget> {
  const { table } = COMPARTMENTS[compartment];
  const subject = recordOf(compartment).subjectPerson;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const row: { id: string; person_id: string | null } | undefined = await (ctx.db as any)
    .selectFrom(table)
    .select(['id', sql.raw<string | null>(subject ?? 'null').as('person_id')])
    .where('id', '=', id)
    .executeTakeFirst();
  const key = (c: Compartment) => (row && compartment === c ? id : null);
  return { exists: !!row, personId: row?.person_id ?? null, caseId: key('case'), organisationId: key('organisation') };
}
