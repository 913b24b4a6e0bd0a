import type { Ctx } from '../context';
import { invalidInput, conflict, notFound } from '../lib/errors';
import { isUniqueViolation } from '../cases/access';
import { findVisible, requireAllowed } from '../records/guard';
import type { AddOrganisationTeamInput } from './schema';

/** Only staff and managers may deal with an organisation's business information (rule organisations/commercial-team). */
const DEALING_ROLES = ['manager', 'staff'];

/** Who deals with an organisation (anyone who may see the organisation may see who deals with it). */
export async function listOrganisationTeam(ctx: Ctx, organisationId: string) {
  await findVisible(ctx, 'organisation', organisationId);
  const rows = await ctx.db
    .selectFrom('organisation_team as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.user_id', 'u.username', 'u.display_name', 'u.active', 't.added_at', 't.added_by'])
    .where('t.organisation_id', '=', organisationId)
    .orderBy('t.added_at')
    .orderBy('t.user_id')
    .execute();
  return {
    data: rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, active: Number(r.active) === 1, addedAt: r.added_at, addedBy: r.added_by })),
  };
}

/**
 * Puts a user on the organisation's team, so they see its commercial information (1.4, 2.3, 3.4). Managers only
 * (organisation.team.manage), and never themselves (records/no-self-assignment: another manager does it); the user
 * must be active and hold a staff or manager role. Audited naming who.
 */
export async function addToOrganisationTeam(ctx: Ctx, organisationId: string, input: AddOrganisationTeamInput) {
  const v = await findVisible(ctx, 'organisation', organisationId, 'organisation.team.manage');
  const d = requireAllowed(ctx, 'organisation.team.manage', { ...v, facts: { ...v.facts, member: input.userId } }, 'general', { added: input.userId });
  const rows = await ctx.db
    .selectFrom('users as u')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.active', 'r.role'])
    .where('u.id', '=', input.userId)
    .execute();
  if (rows.length === 0 || Number(rows[0].active) !== 1) throw invalidInput('No active user with that id.', [{ path: 'body.userId', message: 'no active user with that id' }]);
  if (!rows.some((r) => r.role && DEALING_ROLES.includes(r.role))) {
    throw invalidInput('Only staff and managers deal with organisations.', [{ path: 'body.userId', message: 'user holds neither a staff nor a manager role' }]);
  }
  const existing = await ctx.db
    .selectFrom('organisation_team').select('user_id').where('organisation_id', '=', organisationId).where('user_id', '=', input.userId).executeTakeFirst();
  if (!existing) {
    try {
      await ctx.db.insertInto('organisation_team').values({ organisation_id: organisationId, user_id: input.userId, added_at: ctx.nowIso, added_by: ctx.actor.id }).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('That user was added to the team at the same moment; reload the team.');
      throw error;
    }
    ctx.audit.add({ action: 'organisation.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'organisation', resourceId: organisationId, detail: { added: input.userId } });
  }
  return listOrganisationTeam(ctx, organisationId);
}

/** Takes a user off the organisation's team: they stop seeing its commercial information at once. Audited. */
export async function removeFromOrganisationTeam(ctx: Ctx, organisationId: string, userId: string) {
  const v = await findVisible(ctx, 'organisation', organisationId, 'organisation.team.manage');
  const d = requireAllowed(ctx, 'organisation.team.manage', v, 'general', { removed: userId });
  const existing = await ctx.db
    .selectFrom('organisation_team').select('user_id').where('organisation_id', '=', organisationId).where('user_id', '=', userId).executeTakeFirst();
  if (!existing) throw notFound('team member');
  await ctx.db.deleteFrom('organisation_team').where('organisation_id', '=', organisationId).where('user_id', '=', userId).execute();
  ctx.audit.add({ action: 'organisation.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'organisation', resourceId: organisationId, detail: { removed: userId } });
  return listOrganisationTeam(ctx, organisationId);
}
