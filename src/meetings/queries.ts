import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../lib/errors';
import { decide } from '../policy/decide';
import type { Classification, Decision } from '../policy/types';
import { findVisible } from '../records/guard';
import { onMeetingTeam } from './access';

/**
 * The meetings about a person and their cases that the actor may read (practice 3; 3.4 need to know), newest first:
 * title, when, what they were about, and each attendee's acknowledgement — never the notes, which are read one
 * meeting at a time (GET /api/meetings/:id, audited). A person the actor may not see is the same 404 as none; a role
 * that reads no meetings is 403 with the reason; management off the team get 404, as for one of the meetings. Each
 * meeting is decided as its own read would be; those refused are left out and only counted. The list is audited
 * once, naming the person.
 */
export async function listMeetingsForPerson(ctx: Ctx, personId: string) {
  const person = await findVisible(ctx, 'person', personId, 'meeting.read');
  // Someone whose role reads no meetings (a volunteer) is refused with the reason (403); someone who could, but not
  // about this person (management off the team), gets the same 404 as a read of one of those meetings would.
  const entry = decide(ctx.actor, 'meeting.read', { type: 'meeting', team: person.facts.team === true, classification: 'general' });
  if (!entry.allowed) {
    ctx.audit.add(fromDecision('meeting.read', entry, { resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { list: 'meeting' } }));
    if (decide(ctx.actor, 'meeting.read', { type: 'meeting', team: true, classification: 'general' }).allowed) throw notFound('person');
    throw forbidden(entry);
  }
  const rows = await ctx.db
    .selectFrom('meetings')
    .selectAll()
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('case_id', 'in', eb.selectFrom('cases').select('id').where('person_id', '=', personId))]))
    .orderBy('held_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  const shown: typeof rows = [];
  let allowedBy: Decision | null = null;
  let hidden = 0;
  for (const row of rows) {
    const d = decide(ctx.actor, 'meeting.read', { type: 'meeting', id: row.id, team: await onMeetingTeam(ctx, row), classification: row.notes_classification as Classification });
    if (d.allowed) {
      shown.push(row);
      allowedBy ??= d;
    } else hidden += 1;
  }
  const attendees = shown.length
    ? await ctx.db.selectFrom('meeting_attendees').select(['meeting_id', 'kind', 'acknowledged_at']).where('meeting_id', 'in', shown.map((m) => m.id)).execute()
    : [];
  const decision = allowedBy ?? entry;
  ctx.audit.add(fromDecision('meeting.read', decision, {
    resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { list: 'meeting', results: shown.length, hidden },
  }));
  return {
    items: shown.map((m) => {
      const external = attendees.filter((a) => a.meeting_id === m.id && a.kind === 'external');
      return {
        id: m.id, about: m.about, caseId: m.case_id, title: m.title, heldAt: m.held_at, notesClassification: m.notes_classification,
        attendees: attendees.filter((a) => a.meeting_id === m.id).length, external: external.length, awaitingAcknowledgement: external.filter((a) => !a.acknowledged_at).length,
      };
    }),
    hidden,
  };
}
