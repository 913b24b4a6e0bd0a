import type { Ctx } from '../context';
import type { MeetingAttendeeRow, MeetingRow } from '../db/schema';
import type { MeetingNotesLine, MeetingRecipientLine } from '../documents/information-use-pdf';
import { listOf } from '../lib/list-words';
import { clientRequested } from '../meetings/access';
import { isThirdParty } from '../meetings/attendee-role';
import { EXTERNAL_ROLE_WORDS, ROLE_WORDS, capitalised, ukDate, withArticle } from './plain';

/** At most this many meetings are listed, oldest first. */
const MOST = 200;

type Meeting = Pick<MeetingRow, 'id' | 'held_at' | 'notes_classification' | 'client_request_detail' | 'client_request_recorded_at'>;
type Attendee = Pick<MeetingAttendeeRow, 'meeting_id' | 'kind' | 'name' | 'organisation' | 'role' | 'acknowledged_at' | 'acknowledgement_method'
  | 'link_issued_at' | 'link_expires_at' | 'link_used_at' | 'notes_served_at'>;

/** Whether the notes may go to a third party who acknowledged: session details only at the client's recorded request (practice 2). */
const mayGo = (m: Meeting) => m.notes_classification !== 'session' || clientRequested(m);

/**
 * When staff prepared a copy of a meeting's notes for one of its attendees (POST /api/meetings/:id/share): the
 * allowed `meeting.share` entries of the audit chain, the only record of it — by meeting, then attendee, oldest
 * first. A delivery through the attendee's link (`via: 'link'`) is left out: the attendee's `notes_served_at` says it.
 */
async function copiesPrepared(ctx: Ctx, meetingIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await ctx.db.selectFrom('audit_events').select(['resource_id', 'at', 'detail'])
    .where('resource_type', '=', 'meeting').where('resource_id', 'in', [...meetingIds])
    .where('action', '=', 'meeting.share').where('decision', '=', 'allow')
    .orderBy('seq').execute();
  const copies = new Map<string, string[]>();
  for (const r of rows) {
    const detail = JSON.parse(r.detail) as { attendeeId?: string; via?: string };
    if (!detail.attendeeId || detail.via === 'link') continue;
    const key = `${r.resource_id}/${detail.attendeeId}`;
    copies.set(key, [...(copies.get(key) ?? []), r.at]);
  }
  return copies;
}

/** Who the attendee was, as the person is told: an outsider by name and organisation (or, at the general level, by kind), a user here by role. */
function whoOf(a: Attendee, ours: string, personal: boolean): Pick<MeetingRecipientLine, 'kind' | 'name' | 'organisation' | 'role' | 'who'> {
  if (a.kind === 'user') {
    const role = ROLE_WORDS[a.role] ?? a.role.replace(/_/g, ' ');
    return { kind: 'user', name: null, organisation: null, role, who: `${withArticle(role)} at ${ours}` };
  }
  const role = EXTERNAL_ROLE_WORDS[a.role] ?? a.role.replace(/_/g, ' ');
  const named = personal ? a.name : withArticle(role);
  return { kind: 'external', name: personal ? a.name : null, organisation: a.organisation, role, who: a.organisation ? `${named} (${a.organisation})` : named };
}

/** What happened to the notes for one third party, in sentences: their acknowledgement, copies, opening, an unused link. */
function recipientSentence(r: Omit<MeetingRecipientLine, 'sentence'>): string {
  const who = capitalised(r.who);
  const out = [
    !r.acknowledged ? `${who} has not yet agreed to keep what was discussed confidential.`
      : r.acknowledged.how === 'at-meeting' ? `${who} agreed at the meeting, on ${ukDate(r.acknowledged.on)}, to keep what was discussed confidential.`
        : `${who} agreed to keep what was discussed confidential on ${ukDate(r.acknowledged.on)}.`,
  ];
  if (r.copies.length) out.push(`On ${listOf([...new Set(r.copies.map(ukDate))])} we prepared a copy of the notes for them, marked confidential.`);
  if (r.openedOn) out.push(`On ${ukDate(r.openedOn)} they opened the notes, once, through a one-time link we sent them.`);
  if (r.link) {
    const sent = `We sent them a one-time link on ${ukDate(r.link.sentOn)} to see the notes once they agree`;
    out.push(r.link.expired
      ? `${sent}, but it ran out on ${ukDate(r.link.until)} unused: they did not ${r.copies.length ? 'open the notes through it' : 'see the notes'}.`
      : `${sent}. They have not opened it yet; it works until ${ukDate(r.link.until)}.`);
  }
  return out.join(' ');
}

/**
 * A third party at the meeting to whom its notes went — a copy staff prepared, or opened through their link — or were
 * made available through a link not used yet (only when the notes may go to them at all: {@link mayGo}); null for one
 * to whom they did neither (no acknowledgement, a link that withheld them).
 */
function recipientOf(m: Meeting, a: Attendee, copies: string[], ctx: Ctx, personal: boolean): MeetingRecipientLine | null {
  const unused = a.link_used_at === null && a.link_issued_at && a.link_expires_at && mayGo(m)
    ? { sentOn: a.link_issued_at, until: a.link_expires_at, expired: a.link_expires_at <= ctx.nowIso } : null;
  if (!copies.length && !a.notes_served_at && !unused) return null;
  const line = {
    ...whoOf(a, ctx.services.config.organisation.name, personal),
    acknowledged: a.acknowledged_at ? { on: a.acknowledged_at, how: a.acknowledgement_method === 'link' ? 'link' as const : 'at-meeting' as const } : null,
    copies, openedOn: a.notes_served_at, link: unused,
  };
  return { ...line, sentence: recipientSentence(line) };
}

/** The meeting in one sentence: to whom the notes were given, made available, or offered through a link that ran out. */
function meetingSentence(heldAt: string, recipients: readonly MeetingRecipientLine[]): string {
  const given = recipients.filter((r) => r.copies.length || r.openedOn).map((r) => r.who);
  const rest = recipients.filter((r) => !r.copies.length && !r.openedOn);
  const waiting = rest.filter((r) => !r.link!.expired).map((r) => r.who);
  const ranOut = rest.filter((r) => r.link!.expired).map((r) => r.who);
  const clauses: ((noun: string) => string)[] = [];
  if (given.length) clauses.push((n) => `gave ${n} to ${listOf(given)}`);
  if (waiting.length) clauses.push((n) => `made ${n} available to ${listOf(waiting)}, who ${waiting.length > 1 ? 'have' : 'has'} not opened them yet`);
  if (ranOut.length) clauses.push((n) => `offered ${n} to ${listOf(ranOut)} through ${ranOut.length > 1 ? 'links that ran out before they were' : 'a link that ran out before it was'} used`);
  const [first, ...more] = clauses;
  return [`After a meeting about you on ${ukDate(heldAt)}, we ${first('the notes')}.`, ...more.map((c) => `We also ${c('them')}.`)].join(' ');
}

/** Why the notes could go, in the person's words: their request (practice 2), or notes that held no session details. */
function basisOf(m: Meeting): string {
  if (m.notes_classification !== 'session') {
    return 'The notes held no details of your sessions. Notes like these go to someone who was at the meeting once they agree to keep them confidential: you did not need to ask.';
  }
  return clientRequested(m)
    ? `You asked us to pass on what you told us in your sessions. We wrote down your request on ${ukDate(m.client_request_recorded_at!)}.`
    : 'We have no record of your asking for this.';
}

/**
 * The meetings about a person (or one of their cases) whose notes went outside the staff team (1.3; practice 2 and
 * 3), for "How your information is used": for each, oldest first, when it was held, why the notes could go (the
 * person's own request, with when it was recorded, for session details), and each third party at it — an outside
 * attendee, a placement student, a volunteer or a visitor here — who was given the notes (a copy staff prepared, or
 * the notes opened through their one-time link) or to whom they were made available (a link not used yet, or one that
 * ran out unused), with their acknowledgement of confidentiality. A meeting whose notes reached no one outside —
 * staff only, or session details the person did not ask to pass on — is not listed. Never the notes, nor the title.
 *
 * `personal`: whether the reader prepares the summary at the personal level (their case team, management). One who
 * reads it at the general level only (the guardian) is not given an outside attendee's name, only what kind of
 * attendee and which organisation, nor the words of the person's request, only when it was recorded.
 */
export async function meetingNotesGiven(ctx: Ctx, personId: string, personal: boolean): Promise<MeetingNotesLine[]> {
  const meetings = await ctx.db.selectFrom('meetings')
    .select(['id', 'held_at', 'notes_classification', 'client_request_detail', 'client_request_recorded_at'])
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('case_id', 'in', eb.selectFrom('cases').select('id').where('person_id', '=', personId))]))
    .where((eb) => eb.exists(eb.selectFrom('meeting_attendees as a').select('a.id').whereRef('a.meeting_id', '=', 'meetings.id')
      .where((w) => w.or([w('a.acknowledged_at', 'is not', null), w('a.link_issued_at', 'is not', null)]))))
    .orderBy('held_at').orderBy('id').limit(MOST).execute();
  if (!meetings.length) return [];
  const ids = meetings.map((m) => m.id);
  const [attendees, copies] = await Promise.all([
    ctx.db.selectFrom('meeting_attendees')
      .select(['id', 'meeting_id', 'kind', 'name', 'organisation', 'role', 'acknowledged_at', 'acknowledgement_method', 'link_issued_at', 'link_expires_at', 'link_used_at', 'notes_served_at'])
      .where('meeting_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    copiesPrepared(ctx, ids),
  ]);
  return meetings.flatMap((m) => {
    const recipients = attendees.filter((a) => a.meeting_id === m.id && isThirdParty(a))
      .flatMap((a) => recipientOf(m, a, copies.get(`${m.id}/${a.id}`) ?? [], ctx, personal) ?? []);
    if (!recipients.length) return [];
    return [{
      heldOn: m.held_at, sentence: meetingSentence(m.held_at, recipients),
      request: clientRequested(m) ? { recordedOn: m.client_request_recorded_at!, detail: personal ? m.client_request_detail : null } : null,
      basis: basisOf(m), recipients,
    }];
  });
}

/** What the summary says about meeting notes, from what {@link meetingNotesGiven} found. */
export function meetingNotesStatement(lines: readonly MeetingNotesLine[]): string {
  if (!lines.length) return 'Confide has recorded no notes of meetings about you given, or made available, to anyone outside our staff team.';
  return `Confide has recorded ${lines.length === 1 ? 'one meeting' : `${lines.length} meetings`} about you whose notes we gave, or made available, to someone outside our staff team. `
    + 'Nobody outside the team is given them before agreeing to keep them confidential.';
}

/** Whether any line names what a reader at the general level is not given: an outside attendee, or the words of a request. */
export const namesPersonalDetails = (lines: readonly MeetingNotesLine[]) => lines.some((l) => l.request !== null || l.recipients.some((r) => r.kind === 'external'));
