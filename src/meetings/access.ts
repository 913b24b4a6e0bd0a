import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { MeetingRow } from '../db/schema';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { Classification, Decision, Resource } from '../policy/types';
import { notFoundAudited } from '../audit/not-found';
import { loadWithFacts, type FactRow } from '../records/guard';
import { readActionOf } from '../records/registry';
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

/** Whether the client's request that their session details go to the meeting's third parties is recorded (practice 2). */
export const clientRequested = (row: Pick<MeetingRow, 'client_request_detail'>) => row.client_request_detail !== null;

/**
 * The person or case a meeting is to be recorded about, as the actor may see it (3.4): one that does not exist and
 * one the actor may not see are the same 404 after the same lookup, audited alike as the action attempted
 * (meeting.record denied by default/not-found against that person or case; `found: false`, or `why`: the rule that
 * hides it). Returns the person it is about, for the audit, and the row as loaded with its facts (a case's purpose, 2.1).
 */
export async function visibleSubject(ctx: Ctx, type: 'person' | 'case', id: string): Promise<{ subjectPersonId: string | null; row: FactRow }> {
  const row = await loadWithFacts(ctx, type, id);
  const notFound = (subjectPersonId: string | null, detail: Record<string, unknown>) =>
    notFoundAudited(ctx, type, { action: 'meeting.record', resourceType: type, resourceId: id, subjectPersonId, detail });
  if (!row) throw notFound(null, { found: false });
  const d = decide(ctx.actor, readActionOf(type), { ...factsFor(ctx.actor, type, row), classification: 'general' });
  if (!d.allowed) throw notFound(row._subject, { why: d.ruleId });
  return { subjectPersonId: row._subject, row };
}

/**
 * A refusal of meetings about a person or case the actor sees (403, never "not found": the record is open to them),
 * in words that say what is missing. A role that does `action` on meetings with the team working with the person
 * (staff, management) — refused by default because the actor is not on that team, though management oversight, an
 * access grant or a break-glass opens the person's record and their cases — is told that meetings are the team's
 * (rules meetings/* give none of those a way in). Any other refusal is the policy's own.
 */
export function notOnTeamRefusal(ctx: Pick<Ctx, 'actor'>, action: 'meeting.read' | 'meeting.record', about: 'person' | 'case', d: Decision): Decision {
  if (d.allowed || d.ruleId !== 'default/deny') return d;
  const onTeamWould = decide(ctx.actor, action, { type: 'meeting', team: true, classification: 'general' }).allowed;
  if (!onTeamWould) return d;
  const done = action === 'meeting.read' ? 'read' : 'recorded';
  const team = about === 'person' ? "this person's case team" : "this case's team";
  return { ...d, reason: `Meetings about a ${about} are ${done} by the team working with ${about === 'person' ? 'them' : 'it'} (need to know): you are not on ${team}.` };
}
