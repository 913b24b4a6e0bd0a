import { createHash } from 'node:crypto';
import { fromDecision } from '../audit/append';
import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { MeetingAttendeeRow, MeetingRow } from '../db/schema';
import { canonicalJson } from '../lib/canonical-json';
import { DomainError, conflict, invalidInput } from '../lib/errors';
import { isInFuture } from '../lib/clock';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import type { Classification, Decision, Resource } from '../policy/types';
import type { MeetingNotesModel } from '../documents/meeting-notes-pdf';
import { clientRequested, findMeeting, notOnTeamRefusal, onMeetingTeam, requireOnMeeting, visibleSubject } from './access';
import type { CreateMeetingInput } from './schema';
import { heldForOf, purposeOfCase, requireHeldForPurpose } from '../purposes/held-for';
import { attendingUsers, isThirdParty } from './attendee-role';

/**
 * What a third party at a meeting acknowledges (practice 3), shown to them and stamped on every summary they receive: in
 * the name of the organisation that runs Confide, citing its own policy's clause for meetings with third parties.
 */
export function confidentialityTerms(ctx: Pick<Ctx, 'services' | 'actor'>): string {
  return 'What was discussed at this meeting is confidential. It is shared with you only for the purpose of the meeting; '
    + 'do not pass it on, keep it secure, and destroy it when no longer needed. '
    + `(${ctx.services.config.organisation.name} Confidentiality Policy, ${ctx.actor.policy.clauseFor('third-party-meetings')}.)`;
}

/**
 * A meeting as the API answers it, to someone who may read its notes. For session notes, the client's request that
 * they go to the meeting's third parties (practice 2), when recorded: how and when they asked, who recorded it and
 * when (`clientRequest`; null when they did not ask). Each attendee with their role — for a user
 * here, the role they hold (src/meetings/attendee-role.ts) — and whether they are a third party at the meeting
 * (`thirdParty`: external, or a student, volunteer or visitor here). For each third party, their acknowledgement and
 * their one-time link (practice 3): whether one is waiting and until when, and once used, the name they typed and the
 * date they gave (`linkName`, `linkDate`) and when the notes went to them.
 */
export function presentMeeting(row: MeetingRow, attendees: MeetingAttendeeRow[]) {
  return {
    data: {
      id: row.id, about: row.about, personId: row.person_id, caseId: row.case_id, title: row.title, heldAt: row.held_at,
      notes: row.notes, notesClassification: row.notes_classification,
      clientRequest: row.client_request_detail === null ? null
        : { detail: row.client_request_detail, recordedBy: row.client_request_recorded_by, recordedAt: row.client_request_recorded_at },
      attendees: attendees.map((a) => ({
        id: a.id, kind: a.kind, userId: a.user_id, name: a.name, organisation: a.organisation, role: a.role, thirdParty: isThirdParty(a),
        acknowledgedAt: a.acknowledged_at, acknowledgementMethod: a.acknowledgement_method,
        linkExpiresAt: a.link_used_at ? null : a.link_expires_at, linkUsedAt: a.link_used_at, linkName: a.link_name, linkDate: a.link_date, notesServedAt: a.notes_served_at,
      })),
      createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at, version: Number(row.version),
    },
    version: Number(row.version),
  };
}

/** An attendee as recorded: no acknowledgement, no link, nothing delivered. */
const NOT_ACKNOWLEDGED = {
  acknowledged_at: null, acknowledgement_method: null, acknowledgement_recorded_by: null, link_token_hash: null, link_expires_at: null, link_issued_by: null,
  link_issued_at: null, link_name: null, link_date: null, link_used_at: null, notes_served_at: null, notes_pdf_sha256: null, notes_json_sha256: null,
} satisfies Partial<MeetingAttendeeRow>;

/** The attendees of a meeting, in the order they were recorded. */
export const attendeesOf = (ctx: Ctx, id: string) => ctx.db.selectFrom('meeting_attendees').selectAll().where('meeting_id', '=', id).orderBy('created_at').orderBy('id').execute();

/**
 * Records a meeting (practice 3) once it has been held (`heldAt` not in the future: 400): about a person or case the
 * actor works with (their team: 3.4), or general; its attendees — users here, each with the role they hold
 * (src/meetings/attendee-role.ts: a placement student is recorded as a student, not as staff), and external
 * attendees with their organisation and role — and its notes, classified. Third parties — external attendees, and
 * users here who are students or volunteers — start without an acknowledgement: nothing is shared with them until
 * they give it. Session notes go to none of them unless the client asked (practice 2): their request, how and when
 * they asked, is recorded with the meeting, with who recorded it and when. The audit entry names the roles, never
 * the names, and whether the client's request is recorded, never what it says.
 *
 * A person or case that does not exist, or that the actor may not see, is the same 404 ({@link visibleSubject}); one
 * the actor sees without being on its team — management oversight, an access grant, a break-glass — is refused
 * (403, {@link notOnTeamRefusal}), audited as meeting.record against that person or case. A meeting about a case
 * adds to it: refused while the case is not held for a purpose in force (2.1: 409 naming body.caseId, audited
 * alike). Nothing is written on a refusal.
 */
export async function createMeeting(ctx: Ctx, input: CreateMeetingInput) {
  const about = input.about === 'general' ? null : { type: input.about, id: (input.about === 'person' ? input.personId : input.caseId)! };
  const subject = about ? await visibleSubject(ctx, about.type, about.id) : null;
  const subjectPersonId = subject?.subjectPersonId ?? null;
  const id = newId(ctx.now.getTime());
  const row: MeetingRow = {
    id, about: input.about, person_id: input.personId ?? null, case_id: input.caseId ?? null, title: input.title, held_at: new Date(input.heldAt).toISOString(),
    notes: input.notes, notes_classification: input.notesClassification,
    client_request_detail: input.clientRequest?.detail ?? null, client_request_recorded_by: input.clientRequest ? ctx.actor.id : null,
    client_request_recorded_at: input.clientRequest ? ctx.nowIso : null,
    created_by: ctx.actor.id, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  const facts: Resource = { type: 'meeting', id, team: await onMeetingTeam(ctx, row), classification: input.notesClassification as Classification };
  // About a person or case the actor sees (their manager's oversight, an access grant, a break-glass) but not on its
  // team: refused (403) against that person or case, with the rule and clause — not answered as missing.
  const d = about
    ? enforce(ctx, 'meeting.record', notOnTeamRefusal(ctx, 'meeting.record', about.type, decide(ctx.actor, 'meeting.record', facts)), {
      resourceType: about.type, resourceId: about.id, subjectPersonId, detail: { about: about.type, classification: input.notesClassification },
    })
    : requireOnMeeting(ctx, 'meeting.record', facts, null);
  // 2.1: a meeting about a case adds to it, so only while the case is held for a purpose in force (409 otherwise).
  if (about && subject) {
    await requireHeldForPurpose(ctx, 'meeting.record', heldForOf(subject.row, ctx.nowIso), { resourceType: about.type, resourceId: about.id, subjectPersonId, detail: { about: about.type } }, 'body.caseId');
  }
  if (isInFuture(row.held_at, ctx.now)) throw invalidInput('A meeting is recorded once it has been held: when it was held cannot be in the future.', [{ path: 'body.heldAt', message: 'must not be in the future' }]);
  const users = await attendingUsers(ctx, input.userIds);
  await ctx.db.insertInto('meetings').values(row).execute();
  const attendees: MeetingAttendeeRow[] = [
    ...users.map((u) => ({ ...NOT_ACKNOWLEDGED, id: newId(ctx.now.getTime()), meeting_id: id, kind: 'user', user_id: u.id, name: u.display_name, organisation: null, role: u.role, created_at: ctx.nowIso })),
    ...input.external.map((e) => ({ ...NOT_ACKNOWLEDGED, id: newId(ctx.now.getTime()), meeting_id: id, kind: 'external', user_id: null, name: e.name, organisation: e.organisation ?? null, role: e.role, created_at: ctx.nowIso })),
  ];
  if (attendees.length) await ctx.db.insertInto('meeting_attendees').values(attendees).execute();
  ctx.audit.add(fromDecision('meeting.record', d, {
    resourceType: 'meeting', resourceId: id, subjectPersonId,
    detail: {
      about: input.about, classification: input.notesClassification, users: users.length, userRoles: users.map((u) => u.role).sort(), external: input.external.map((e) => e.role).sort(),
      // Whether the client's request is recorded (practice 2), never what it says.
      ...(input.notesClassification === 'session' ? { clientRequested: clientRequested(row) } : {}),
    },
  }));
  return presentMeeting(row, await attendeesOf(ctx, id));
}

/** Reads a meeting and its notes: need to know on its person or case (404 otherwise); every read audited. */
export async function getMeeting(ctx: Ctx, id: string) {
  const m = await findMeeting(ctx, id);
  // 2.1: a meeting about a case is read for the purpose the case is held for (its id).
  const held = m.row.case_id ? { purposeId: await purposeOfCase(ctx, m.row.case_id) } : {};
  ctx.audit.add(fromDecision('meeting.read', m.read, { resourceType: 'meeting', resourceId: id, subjectPersonId: m.subjectPersonId, detail: { fields: ['notes'], classes: [m.row.notes_classification], ...held } }));
  return presentMeeting(m.row, await attendeesOf(ctx, id));
}

/**
 * A third party at this meeting (practice 3; src/meetings/attendee-role.ts): an external attendee, or a user here
 * recorded as a student, a volunteer or a visitor — the attendees who acknowledge confidentiality and are sent the
 * notes (400 otherwise: no other meeting's attendee can be named, and the staff team read the notes here).
 */
export async function thirdPartyAttendee(ctx: Ctx, meetingId: string, attendeeId: string, path: string) {
  const a = await ctx.db.selectFrom('meeting_attendees').selectAll().where('id', '=', attendeeId).where('meeting_id', '=', meetingId).executeTakeFirst();
  if (!a) throw invalidInput('No attendee with that id at this meeting.', [{ path, message: 'not an attendee of this meeting' }]);
  if (!isThirdParty(a)) {
    throw invalidInput('Only a third party at the meeting — an external attendee, or a placement student, volunteer or visitor here — acknowledges confidentiality or is sent the notes.', [
      { path, message: 'not a third party at this meeting' },
    ]);
  }
  return a;
}

/**
 * How far from the time a meeting was held an acknowledgement attested at it may be: the meeting's day, wherever it
 * was. An acknowledgement given another day is not "at the meeting": it goes through the attendee's link.
 */
export const AT_THE_MEETING_MS = 12 * 3_600_000;

/**
 * Checks the time of an acknowledgement attested at the meeting (400 naming `body.acknowledgedAt` otherwise): it has
 * happened, and it was given at the meeting — within {@link AT_THE_MEETING_MS} of when the meeting was held.
 */
function checkAttestedAt(ctx: Ctx, at: string, heldAt: string) {
  const path = 'body.acknowledgedAt';
  if (isInFuture(at, ctx.now)) throw invalidInput('The acknowledgement cannot be in the future.', [{ path, message: 'must not be in the future' }]);
  const from = new Date(Date.parse(heldAt) - AT_THE_MEETING_MS).toISOString();
  const to = new Date(Date.parse(heldAt) + AT_THE_MEETING_MS).toISOString();
  if (at < from || at > to) {
    throw invalidInput('An acknowledgement attested at the meeting was given on the day it was held; one given since goes through the attendee\'s link.', [
      { path, message: `must be between ${from} and ${to}: the meeting was held at ${heldAt}` },
    ]);
  }
}

/**
 * Records that a third party at the meeting acknowledged its confidentiality (practice 3), attested by a
 * member of staff who was there, with the time it was given at the meeting ({@link checkAttestedAt}). Given once.
 */
export async function acknowledgeConfidentiality(ctx: Ctx, id: string, attendeeId: string, input: { method: 'attested_at_meeting'; acknowledgedAt: string }) {
  const m = await findMeeting(ctx, id, 'meeting.update');
  const a = await thirdPartyAttendee(ctx, id, attendeeId, 'params.attendeeId');
  const d = requireOnMeeting(ctx, 'meeting.update', { ...m.facts, classification: 'general' }, m.subjectPersonId);
  if (a.acknowledged_at) throw conflict('This attendee has already acknowledged confidentiality.', [{ path: 'params.attendeeId', message: 'already acknowledged' }]);
  const at = new Date(input.acknowledgedAt).toISOString();
  checkAttestedAt(ctx, at, new Date(m.row.held_at).toISOString());
  await ctx.db.updateTable('meeting_attendees').set({ acknowledged_at: at, acknowledgement_method: input.method, acknowledgement_recorded_by: ctx.actor.id })
    .where('id', '=', attendeeId).where('acknowledged_at', 'is', null).execute();
  ctx.audit.add(fromDecision('meeting.acknowledge', d, { resourceType: 'meeting', resourceId: id, subjectPersonId: m.subjectPersonId, detail: { attendeeId, method: input.method, role: a.role } }));
  return presentMeeting(m.row, await attendeesOf(ctx, id));
}

/** What one third party at the meeting receives of it: this meeting's notes and nothing else, marked CONFIDENTIAL with the terms. */
export function meetingNotesFor(ctx: Ctx, row: MeetingRow, a: MeetingAttendeeRow): MeetingNotesModel {
  return {
    marking: 'CONFIDENTIAL', reference: `${row.id}/${a.id}`, from: ctx.services.config.organisation.name, terms: confidentialityTerms(ctx),
    recipient: { name: a.name, organisation: a.organisation, role: a.role, acknowledgedAt: a.acknowledged_at },
    meeting: { id: row.id, title: row.title, heldAt: row.held_at, notes: row.notes },
    sharedAt: ctx.nowIso,
  };
}

/** The SHA-256 of a notes summary (canonical JSON): what the audit chain records instead of the notes. */
export const notesSha256 = (summary: MeetingNotesModel) => createHash('sha256').update(canonicalJson(summary)).digest('hex');

/** The rule that keeps session details from third parties unless the client asked (practice 2). */
export const SESSION_RULE = 'meetings/session-never-external';

/**
 * Enforces the decision to share a meeting's notes with one third party: a refusal is audited as meeting.share with
 * its rule and clause and answers 403. When it is the session rule (practice 2), the problem also names the field
 * at fault — the meeting's `clientRequest.detail`, not recorded — so staff know what would change the answer.
 */
function enforceShare(ctx: Ctx, d: Decision, target: { resourceId: string; subjectPersonId: string | null; detail: Record<string, unknown> }): Decision {
  if (d.allowed || d.ruleId !== SESSION_RULE) return enforce(ctx, 'meeting.share', d, { resourceType: 'meeting', ...target });
  ctx.audit.add(fromDecision('meeting.share', d, { resourceType: 'meeting', ...target }));
  throw new DomainError('forbidden', d.reason, {
    rule: d.ruleId, clause: d.clause,
    errors: [{ path: 'meeting.clientRequest.detail', message: 'no request of the client to pass on their session details is recorded with this meeting: without it they go to no third party (practice 2)' }],
  });
}

/**
 * The notes of this meeting for one third party at it, marked CONFIDENTIAL (practice 3): only after they acknowledged
 * confidentiality (rule meetings/acknowledgement-first), only this meeting's notes (its need to know), and never
 * session details unless the client's request is recorded with the meeting (practice 2, rule
 * meetings/session-never-external; the refusal names the meeting's `clientRequest.detail`). The summary's SHA-256
 * goes into the audit chain; its content does not.
 *
 * Shared again with the same attendee, the notes are prepared again: the meeting's notes do not change, so a second
 * copy tells them nothing new (they lost the first, it went astray, they need it printed again), and every share is
 * decided afresh — the acknowledgement, the sharer's need to know, the client's request — and audited as its own
 * entry, with the hash of what was prepared.
 */
export async function shareMeetingNotes(ctx: Ctx, id: string, attendeeId: string) {
  const m = await findMeeting(ctx, id, 'meeting.share');
  const a = await thirdPartyAttendee(ctx, id, attendeeId, 'body.attendeeId');
  const session = m.row.notes_classification === 'session' ? { clientRequested: clientRequested(m.row) } : {};
  const detail = { attendeeId, classification: m.row.notes_classification, ...session };
  const d = enforceShare(ctx, decide(ctx.actor, 'meeting.share', {
    ...m.facts, classification: m.row.notes_classification as Classification,
    meeting: { acknowledged: a.acknowledged_at !== null, clientRequested: clientRequested(m.row) },
  }), { resourceId: id, subjectPersonId: m.subjectPersonId, detail });
  const summary = meetingNotesFor(ctx, m.row, a);
  const sha256 = notesSha256(summary);
  ctx.audit.add(fromDecision('meeting.share', d, { resourceType: 'meeting', resourceId: id, subjectPersonId: m.subjectPersonId, detail: { ...detail, sha256 } }));
  return { ...summary, sha256 };
}
