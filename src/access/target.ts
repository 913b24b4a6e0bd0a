import type { Ctx } from '../context';

/** What a grant on a record covers: the subject person, the case, or the organisation. */
export interface GrantTarget {
  exists: boolean;
  personId: string | null;
  caseId: string | null;
  organisationId: string | null;
}

/**
 * Resolves a grant target. A case grant also covers the case's person (they are its subject), so person_id is
 * stored for it too; lookups then need one column per record type.
 */
export async function resolveTarget(ctx: Ctx, type: 'person' | 'case' | 'organisation', id: string): Promise<GrantTarget> {
  if (type === 'person') {
    const row = await ctx.db.selectFrom('people').select('id').where('id', '=', id).executeTakeFirst();
    return { exists: !!row, personId: row ? id : null, caseId: null, organisationId: null };
  }
  if (type === 'case') {
    const row = await ctx.db.selectFrom('cases').select(['id', 'person_id']).where('id', '=', id).executeTakeFirst();
    return { exists: !!row, personId: row?.person_id ?? null, caseId: row ? id : null, organisationId: null };
  }
  const row = await ctx.db.selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst();
  return { exists: !!row, personId: null, caseId: null, organisationId: row ? id : null };
}
