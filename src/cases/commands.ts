import type { Ctx } from '../context';
import { newId } from '../lib/ids';
import { checkWrite, readRecord } from '../records/guard';
import type { OpenCaseInput } from './schema';

/**
 * Opens a case for a person the actor can see, with the actor as lead worker on its team (need to know follows
 * the work, 3.4). `skipPersonCheck` is only for opening the first case of a person created in the same command.
 */
export async function openCase(ctx: Ctx, input: OpenCaseInput, options: { skipPersonCheck?: boolean } = {}) {
  if (!options.skipPersonCheck) await readRecord(ctx, 'person', input.personId);
  const { personId, ...fields } = input;
  checkWrite(ctx, 'case.create', 'case', fields);
  const id = newId(ctx.now.getTime());
  await ctx.db
    .insertInto('cases')
    .values({
      id, person_id: personId, service: input.service, status: 'open', opened_on: ctx.nowIso.slice(0, 10), closed_on: null,
      summary: input.summary ?? null, support_needs: input.supportNeeds ?? null, risk_notes: input.riskNotes ?? null,
      archived_at: null, created_by: ctx.actor.id, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
    })
    .execute();
  await ctx.db.insertInto('case_team').values({ case_id: id, user_id: ctx.actor.id, team_role: 'lead', added_at: ctx.nowIso, added_by: ctx.actor.id }).execute();
  ctx.audit.add({ action: 'case.create', decision: 'change', resourceType: 'case', resourceId: id, subjectPersonId: personId, detail: { fields: Object.keys(fields).sort() } });
  ctx.audit.add({ action: 'case.team.manage', decision: 'change', resourceType: 'case', resourceId: id, subjectPersonId: personId, detail: { added: ctx.actor.id, teamRole: 'lead' } });
  return { id, version: 1 };
}
