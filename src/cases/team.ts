import type { Ctx } from '../context';
import { invalidInput, conflict, notFound } from '../lib/errors';
import type { Role } from '../policy/types';
import { isUniqueViolation } from './access';
import type { AddCaseTeamInput } from './schema';
import { findVisible, requireAllowed } from '../records/guard';

/** Roles whose holders work with clients or organisations, so membership of a team means something. */
const WORKING_ROLES: readonly Role[] = ['manager', 'staff', 'volunteer', 'student'];

/**
 * Checks that `userId` names an active user who works with clients (400 naming `body.userId` otherwise), so need
 * to know is never assigned to a deactivated account or to an administrator-only account.
 */
export async function requireTeamCandidate(ctx: Ctx, userId: string): Promise<Role[]> {
  const rows = await ctx.db
    .selectFrom('users as u')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.active', 'r.role'])
    .where('u.id', '=', userId)
    .execute();
  if (rows.length === 0 || Number(rows[0].active) !== 1) {
    throw invalidInput('No active user with that id.', [{ path: 'body.userId', message: 'no active user with that id' }]);
  }
  if (!rows.some((r) => r.role && (WORKING_ROLES as readonly string[]).includes(r.role))) {
    throw invalidInput('That user holds no role that works with clients (manager, staff, volunteer or student).', [
      { path: 'body.userId', message: 'user holds no working role' },
    ]);
  }
  return rows.map((r) => r.role).filter((r): r is Role => !!r && (WORKING_ROLES as readonly string[]).includes(r));
}

/**
 * Team roles a user may hold, from their account roles: only staff and managers lead or work a case; a volunteer
 * joins as a volunteer and a placement student as a student (practice 3: they are third parties to session details).
 */
export function teamRolesFor(roles: readonly Role[]): string[] {
  const out: string[] = [];
  if (roles.includes('staff') || roles.includes('manager')) out.push('lead', 'worker');
  if (roles.includes('volunteer')) out.push('volunteer');
  if (roles.includes('student')) out.push('student');
  return out;
}

/** Refuses a change that would leave a case without a lead worker (someone must hold it, 1.1). */
async function requireAnotherLead(ctx: Ctx, caseId: string, userId: string) {
  const other = await ctx.db
    .selectFrom('case_team').select('user_id').where('case_id', '=', caseId).where('team_role', '=', 'lead').where('user_id', '!=', userId)
    .limit(1).executeTakeFirst();
  if (!other) throw conflict('A case keeps at least one lead worker: make someone else lead first.');
}

/** Who is on a case's team (anyone who may see the case may see who works on it). */
export async function listCaseTeam(ctx: Ctx, caseId: string) {
  await findVisible(ctx, 'case', caseId);
  const rows = await ctx.db
    .selectFrom('case_team as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.user_id', 'u.username', 'u.display_name', 'u.active', 't.team_role', 't.added_at', 't.added_by'])
    .where('t.case_id', '=', caseId)
    .orderBy('t.added_at')
    .orderBy('t.user_id')
    .execute();
  return {
    data: rows.map((r) => ({
      userId: r.user_id, username: r.username, displayName: r.display_name, active: Number(r.active) === 1,
      teamRole: r.team_role, addedAt: r.added_at, addedBy: r.added_by,
    })),
  };
}

/**
 * Assigns need to know (3.4): puts a user on the case team, or changes their team role. Managers only
 * (case.team.manage), and never themselves (records/no-self-assignment: another manager does it); the change is
 * audited naming who was added, never any record content.
 */
export async function addToCaseTeam(ctx: Ctx, caseId: string, input: AddCaseTeamInput) {
  const v = await findVisible(ctx, 'case', caseId, 'case.team.manage');
  const d = requireAllowed(ctx, 'case.team.manage', { ...v, facts: { ...v.facts, member: input.userId } }, 'general', { added: input.userId });
  const roles = await requireTeamCandidate(ctx, input.userId);
  const allowed = teamRolesFor(roles);
  if (!allowed.includes(input.teamRole)) {
    throw invalidInput(`That user may join a case team only as: ${allowed.join(', ')}.`, [{ path: 'body.teamRole', message: `must be one of: ${allowed.join(', ')}` }]);
  }
  const existing = await ctx.db
    .selectFrom('case_team').select('team_role').where('case_id', '=', caseId).where('user_id', '=', input.userId).executeTakeFirst();
  if (existing) {
    if (existing.team_role !== input.teamRole) {
      if (existing.team_role === 'lead') await requireAnotherLead(ctx, caseId, input.userId);
      await ctx.db.updateTable('case_team').set({ team_role: input.teamRole }).where('case_id', '=', caseId).where('user_id', '=', input.userId).execute();
      ctx.audit.add({ action: 'case.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'case', resourceId: caseId, subjectPersonId: v.subjectPersonId, detail: { changed: input.userId, teamRole: input.teamRole, previousRole: existing.team_role } });
    }
  } else {
    try {
      await ctx.db.insertInto('case_team').values({ case_id: caseId, user_id: input.userId, team_role: input.teamRole, added_at: ctx.nowIso, added_by: ctx.actor.id }).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('That user was added to the team at the same moment; reload the team.');
      throw error;
    }
    ctx.audit.add({ action: 'case.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'case', resourceId: caseId, subjectPersonId: v.subjectPersonId, detail: { added: input.userId, teamRole: input.teamRole } });
  }
  return listCaseTeam(ctx, caseId);
}

/** Takes a user off the case team: they lose need to know at once (3.4). Audited naming who was removed. */
export async function removeFromCaseTeam(ctx: Ctx, caseId: string, userId: string) {
  const v = await findVisible(ctx, 'case', caseId, 'case.team.manage');
  const d = requireAllowed(ctx, 'case.team.manage', v, 'general', { removed: userId });
  const existing = await ctx.db
    .selectFrom('case_team').select('team_role').where('case_id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
  if (!existing) throw notFound('team member');
  if (existing.team_role === 'lead') await requireAnotherLead(ctx, caseId, userId);
  await ctx.db.deleteFrom('case_team').where('case_id', '=', caseId).where('user_id', '=', userId).execute();
  ctx.audit.add({ action: 'case.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'case', resourceId: caseId, subjectPersonId: v.subjectPersonId, detail: { removed: userId, teamRole: existing.team_role } });
  return listCaseTeam(ctx, caseId);
}
