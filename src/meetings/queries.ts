import { fromDecision } from '../audit/append';
import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import { decide } from '../policy/decide';
import type { Classification, Decision } from '../policy/types';
import { findVisible } from '../records/guard';
import { notOnTeamRefusal, onMeetingTeam } from './access';
import { isThirdParty } from './attendee-role';

/**
 * The meetings about a person and their cases that the actor may read (practice 3; 3.4 need to know), newest first:
 * title, when, what they were about, and each attendee's acknowledgement — never the notes, which are read one
 * meeting at a time (GET /api/meetings/:id, audited). A person the actor may not see is the same 404 as none. A
 * person the actor does see is never answered as missing: when no meeting about them is open to the actor, the list
 * is refused, 403 with the rule and clause and audited ({@link notOnTeamRefusal}). Each meeting is decided as its own read
 * would be; those refused are left out and only counted. The list is audited once, naming the person.
 */
export async function listMeetingsForPerson(ctx: Ctx, personId: string) {
  const person = await findVisible(ctx, 'person', personId, 'meeting.read');
  const entry = decide(ctx.actor, 'meeting.read', { type: 'meeting', team: person.facts.team === true, classification: 'general' });
  if (!entry.allowed) enforce(ctx, 'meeting.read', notOnTeamRefusal(ctx, 'meeting.read', 'person', entry), { resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { list: 'meeting' } });
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
    ? await ctx.db.selectFrom('meeting_attendees').select(['meeting_id', 'kind', 'role', 'acknowledged_at']).where('meeting_id', 'in', shown.map((m) => m.id)).execute()
    : [];
  const decision = allowedBy ?? entry;
  ctx.audit.add(fromDecision('meeting.read', decision, {
    resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { list: 'meeting', results: shown.length, hidden },
  }));
  return {
    items: shown.map((m) => {
      const at = attendees.filter((a) => a.meeting_id === m.id);
      return {
        id: m.id, about: m.about, caseId: m.case_id, title: m.title, heldAt: m.held_at, notesClassification: m.notes_classification,
        attendees: at.length, external: at.filter((a) => a.kind === 'external').length,
        // Every third party — external, or a student or volunteer here — acknowledges before notes go to them (practice 3).
        awaitingAcknowledgement: at.filter((a) => isThirdParty(a) && !a.acknowledged_at).length,
      };
    }),
    hidden,
  };
}
