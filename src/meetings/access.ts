import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { MeetingRow } from '../db/schema';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import type { Classification, Decision, Resource } from '../policy/types';
import { notFoundAudited } from '../audit/not-found';
import { INSIDE_ROLES } from './attendee-role';

/**
 * Need to know on a meeting (3.4, practice 3): the team of the person or case it was about — being on a case team
 * of the person, or on the case's team — and for a general meeting, the user who recorded it and the users who
 * attended it as staff (src/meetings/attendee-role.ts): a user who attended as a third party — a placement student,
 * a volunteer — gains no need to know on the notes by having been there, whatever role they hold later. This is the
 * `team` fact the rules read; loaded before deciding, in one query.
 */
export async function onMeetingTeam(ctx: Ctx, m: Pick<MeetingRow, 'id' | 'about' | 'person_id' | 'case_id' | 'created_by'>): Promise<boolean> {
  const uid = ctx.actor.id;
  if (m.about === 'person' && m.person_id) {
    return !!(await ctx.db.selectFrom('case_team').select('user_id').where('person_id', '=', m.person_id).where('user_id', '=', uid).limit(1).executeTakeFirst());
  }
  if (m.about === 'case' && m.case_id) {
    return !!(await ctx.db.selectFrom('case_team').select('user_id').where('case_id', '=', m.case_id).where('user_id', '=', uid).limit(1).executeTakeFirst());
  }
  if (m.created_by === uid) return true;
  return !!(await ctx.db.selectFrom('meeting_attendees').select('id').where('meeting_id', '=', m.id).where('user_id', '=', uid)
    .where('kind', '=', 'user').where('role', 'in', INSIDE_ROLES).limit(1).executeTakeFirst());
}

/** The subject person of a meeting, for the audit (a case's person for a case meeting). */
export async function subjectOf(ctx: Ctx, m: Pick<MeetingRow, 'person_id' | 'case_id'>): Promise<string | null> {
  if (m.person_id) return m.person_id;
  if (!m.case_id) return null;
  return (await ctx.db.selectFrom('cases').select('person_id').where('id', '=', m.case_id).executeTakeFirst())?.person_id ?? null;
}

/**
 * The refusal of a meeting that does not exist or that the actor may not read (3.4): the same 404 for both, and the
 * same audit entry — the action attempted, denied by default/not-found under need to know — whose detail says which
 * (`found: false`, or `why`: the rule that hid it).
 */
function meetingNotFound(ctx: Ctx, action: Action, id: string, subjectPersonId: string | null, detail: Record<string, unknown>) {
  return notFoundAudited(ctx, 'meeting', { action, resourceType: 'meeting', resourceId: id, subjectPersonId, detail });
}

/** A meeting the actor may read, with the facts; a missing one and one they may not read are the same 404 (audited). */
export async function findMeeting(ctx: Ctx, id: string, action: Action = 'meeting.read') {
  const row = await ctx.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw meetingNotFound(ctx, action, id, null, { found: false });
  const facts: Resource = { type: 'meeting', id, team: await onMeetingTeam(ctx, row) };
  const subjectPersonId = await subjectOf(ctx, row);
  const d = decide(ctx.actor, 'meeting.read', { ...facts, classification: row.notes_classification as Classification });
  if (!d.allowed) throw meetingNotFound(ctx, action, id, subjectPersonId, { why: d.ruleId });
  return { row, facts, subjectPersonId, read: d };
}

/** Decides an action on a meeting the actor can see; a refusal is audited and answers 403 with the reason. */
export function requireOnMeeting(ctx: Ctx, action: Action, resource: Resource, subjectPersonId: string | null, detail: Record<string, unknown> = {}): Decision {
  return enforce(ctx, action, decide(ctx.actor, action, resource), { resourceType: 'meeting', resourceId: resource.id, subjectPersonId, detail });
}
