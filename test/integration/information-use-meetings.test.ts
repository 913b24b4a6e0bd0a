import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { freshAddress } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const DAY = 86_400_000;
const ASKED = 'Jo asked at the end of the session on 28 February, with their mum present, for what they said to go to their GP.';
/** The notes of each meeting: none of them ever appears in the summary. */
const NOTES = {
  gp: 'What Jo said in the session about home.', hub: 'Agreed the youth hub will save Jo a place on Tuesdays.', housing: 'Jo talked about the flat in the session.',
  team: 'The team agreed who covers the Thursday session.', student: 'Agreed a referral to CAMHS.',
};
type Attendee = { id: string; kind: string; userId: string | null };
interface Summary {
  meetingNotes: { items: MeetingLine[]; statement: string };
  restricted: { section: string; reason: string }[];
}
interface MeetingLine { heldOn: string; sentence: string; basis: string; request: { recordedOn: string; detail: string | null } | null; recipients: Record<string, unknown>[] }

/**
 * 1.3 and practice 2 and 3: notes of a meeting about the person that went — or were made available — to a third party
 * at it (an outside attendee, a placement student here) are information that left the staff team, and "How your
 * information is used" tells the person: when, to whom, whether at their request, and whether the attendee agreed to
 * keep it confidential and opened them. Never the notes themselves.
 */
describe.each(dialects())('1.3 "How your information is used" tells the person which meeting notes went outside the staff team (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser, guardian: TestUser, otherStaff: TestUser, student: TestUser;
  let person: string, caseId: string;
  const db = () => world.services.db.kysely;
  /** The same user signed in again at the clock's time (sessions end after hours; these tests move days). */
  const again = async (u: TestUser): Promise<TestUser> => {
    const s = await createSession(db(), u.id, world.clock.now(), world.config);
    return { ...u, cookie: s.cookieValue, csrf: s.csrfToken };
  };
  async function record(body: Record<string, unknown>) {
    const res = await as(world, staff).post('/api/meetings', { about: 'case', caseId, userIds: [staff.id], external: [], ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; attendees: Attendee[] };
  }
  const external = (m: { attendees: Attendee[] }) => m.attendees.find((a) => a.kind === 'external')!.id;
  const attest = async (meetingId: string, attendeeId: string, acknowledgedAt: string) => {
    const res = await as(world, staff).post(`/api/meetings/${meetingId}/attendees/${attendeeId}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt });
    expect(res.statusCode, res.body).toBe(200);
  };
  const issueLink = async (meetingId: string, attendeeId: string) => {
    const link = await as(world, staff).post(`/api/meetings/${meetingId}/attendees/${attendeeId}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    return new URL(link.json().url).pathname.split('/').at(-1)!;
  };
  const summaryAs = async (u: TestUser): Promise<Summary> => {
    const res = await as(world, u).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const lastSummaryAudit = async () => (await auditRows(world)).filter((r) => r.action === 'person.information-use').at(-1)!;

  beforeAll(async () => {
    world = await createWorld(dialect, { organisation: { name: 'Music24', address: '', email: '', phone: '', contact: 'Data protection lead' } });
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    otherStaff = await makeUser(world, ['staff']);
    student = await makeUser(world, ['student']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead', [student.id]: 'student' });
    const elsewhere = await makePerson(world, { givenName: 'Ali', familyName: 'Other' });
    const otherCase = await makeCase(world, elsewhere, { [staff.id]: 'lead' });

    // 2 March. Session notes the client asked to go to their GP: the GP acknowledges through their link and opens them.
    const gp = await record({
      title: 'Review with the GP', heldAt: '2026-03-01T10:00:00Z', notes: NOTES.gp, notesClassification: 'session', clientRequest: { detail: ASKED },
      external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }],
    });
    const token = await issueLink(gp.id, external(gp));
    const opened = await world.app.inject({ method: 'POST', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: freshAddress(), payload: { typedName: 'Dr A. Nurse', date: '2026-03-02' } });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().withheld).toBeNull();

    // 3 March.
    world.clock.advance(DAY);
    for (const u of [staff, manager, guardian, otherStaff, student]) Object.assign(u, await again(u));
    // Personal notes (no request needed): the youth hub worker acknowledged at the meeting; staff prepare their copy.
    const hub = await record({
      title: 'Planning with the youth hub', heldAt: '2026-02-26T14:00:00Z', notes: NOTES.hub, notesClassification: 'personal',
      external: [{ name: 'Kim Lee', organisation: 'Northside Youth Hub', role: 'other_agency' }],
    });
    await attest(hub.id, external(hub), '2026-02-26T14:30:00Z');
    const copy = await as(world, staff).post(`/api/meetings/${hub.id}/share`, { attendeeId: external(hub) });
    expect(copy.statusCode, copy.body).toBe(200);
    // Session notes the client did not ask to pass on: the attendee acknowledged, but their copy is refused.
    const housing = await record({
      title: 'Housing check-in', heldAt: '2026-02-27T10:00:00Z', notes: NOTES.housing, notesClassification: 'session',
      external: [{ name: 'Pat Quinn', organisation: 'City Housing', role: 'other_agency' }],
    });
    await attest(housing.id, external(housing), '2026-02-27T10:15:00Z');
    expect((await as(world, staff).post(`/api/meetings/${housing.id}/share`, { attendeeId: external(housing) })).statusCode).toBe(403);
    // Staff only: nothing left the staff team.
    await record({ title: 'Team huddle', heldAt: '2026-02-28T09:00:00Z', notes: NOTES.team, notesClassification: 'personal', userIds: [staff.id, manager.id] });
    // A placement student who was there: their link is sent, not used yet.
    const withStudent = await record({ title: 'Care planning', heldAt: '2026-03-02T15:00:00Z', notes: NOTES.student, notesClassification: 'personal', userIds: [staff.id, student.id] });
    await issueLink(withStudent.id, withStudent.attendees.find((a) => a.userId === student.id)!.id);
    // Another person's meeting, its notes given to an outsider: not this person's.
    const other = await as(world, staff).post('/api/meetings', {
      about: 'person', personId: elsewhere, title: 'Ali with the school', heldAt: '2026-03-01T09:00:00Z', notes: 'Ali talked about school.', notesClassification: 'personal',
      userIds: [staff.id], external: [{ name: 'Ms B. Teacher', organisation: 'Hill School', role: 'other_agency' }],
    });
    expect(other.statusCode, other.body).toBe(201);
    expect(otherCase).toBeTruthy();
    const teacher = other.json().data.attendees.find((a: Attendee) => a.kind === 'external').id;
    await attest(other.json().data.id, teacher, '2026-03-01T09:10:00Z');
    expect((await as(world, staff).post(`/api/meetings/${other.json().data.id}/share`, { attendeeId: teacher })).statusCode).toBe(200);
  }, 120_000);
  afterAll(() => world.close());

  it('1.3 no-surprises information-use/case-team, practice 2 and practice 3: notes given to an outside attendee at the person\'s request are listed — when, to whom, at their request and when it was recorded, their acknowledgement and when they opened them; a copy staff prepared, and notes made available to a placement student but not opened yet, are listed as such; staff-only meetings and session notes without a request are not; no note text; the audit counts them', async () => {
    const s = await summaryAs(staff);
    expect(s.restricted).toEqual([]);
    expect(s.meetingNotes.statement).toBe('Confide has recorded 3 meetings about you whose notes we gave, or made available, to someone outside our staff team. Nobody outside the team is given them before agreeing to keep them confidential.');
    const [hub, gp, care] = s.meetingNotes.items;
    expect(s.meetingNotes.items).toHaveLength(3);

    expect(gp).toEqual({
      heldOn: '2026-03-01T10:00:00.000Z',
      sentence: 'After a meeting about you on 1 March 2026, we gave the notes to Dr A. Nurse (Riverside GP).',
      request: { recordedOn: '2026-03-02T09:00:00.000Z', detail: ASKED },
      basis: 'You asked us to pass on what you told us in your sessions. We wrote down your request on 2 March 2026.',
      recipients: [{
        kind: 'external', name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health professional', who: 'Dr A. Nurse (Riverside GP)',
        acknowledged: { on: '2026-03-02T09:00:00.000Z', how: 'link' }, openedOn: '2026-03-02T09:00:00.000Z', copies: [], link: null,
        sentence: 'Dr A. Nurse (Riverside GP) agreed to keep what was discussed confidential on 2 March 2026. On 2 March 2026 they opened the notes, once, through a one-time link we sent them.',
      }],
    });
    expect(hub).toMatchObject({
      heldOn: '2026-02-26T14:00:00.000Z', request: null,
      sentence: 'After a meeting about you on 26 February 2026, we gave the notes to Kim Lee (Northside Youth Hub).',
      basis: 'The notes held no details of your sessions. Notes like these go to someone who was at the meeting once they agree to keep them confidential: you did not need to ask.',
      recipients: [{
        kind: 'external', name: 'Kim Lee', organisation: 'Northside Youth Hub', role: 'worker from another agency', who: 'Kim Lee (Northside Youth Hub)',
        acknowledged: { on: '2026-02-26T14:30:00.000Z', how: 'at-meeting' }, openedOn: null, copies: ['2026-03-03T09:00:00.000Z'], link: null,
        sentence: 'Kim Lee (Northside Youth Hub) agreed at the meeting, on 26 February 2026, to keep what was discussed confidential. On 3 March 2026 we prepared a copy of the notes for them, marked confidential.',
      }],
    });
    expect(care).toMatchObject({
      heldOn: '2026-03-02T15:00:00.000Z', request: null,
      sentence: 'After a meeting about you on 2 March 2026, we made the notes available to a placement student at Music24, who has not opened them yet.',
      recipients: [{
        kind: 'user', name: null, organisation: null, role: 'placement student', who: 'a placement student at Music24',
        acknowledged: null, openedOn: null, copies: [], link: { sentOn: '2026-03-03T09:00:00.000Z', until: '2026-03-10T09:00:00.000Z', expired: false },
        sentence: 'A placement student at Music24 has not yet agreed to keep what was discussed confidential. We sent them a one-time link on 3 March 2026 to see the notes once they agree. They have not opened it yet; it works until 10 March 2026.',
      }],
    });

    const text = JSON.stringify(s);
    for (const n of [...Object.values(NOTES), 'Ali talked about school.']) expect(text).not.toContain(n);
    for (const notListed of ['Pat Quinn', 'City Housing', 'Ms B. Teacher', 'Hill School', 'Team huddle', 'Review with the GP']) expect(text).not.toContain(notListed);
    const entry = await lastSummaryAudit();
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'information-use/case-team', actor_id: staff.id, resource_id: person });
    expect(JSON.parse(entry.detail)).toMatchObject({ format: 'json', classes: ['personal'], meetings: 3, restricted: [] });
    expect(entry.detail).not.toContain('Riverside GP');
  });

  it('1.3 no-surprises: the PDF handed to the person says the same — to whom, at their request, when they agreed and opened them — and holds none of the notes', async () => {
    const res = await as(world, staff).get(`/api/people/${person}/information-use.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    const text = pdfPagesText(res.rawPayload).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Meeting notes we shared outside our staff team');
    expect(text).toContain('After a meeting about you on 1 March 2026, we gave the notes to Dr A. Nurse (Riverside GP).');
    expect(text).toContain('You asked us to pass on what you told us in your sessions. We wrote down your request on 2 March 2026.');
    expect(text).toContain('On 2 March 2026 they opened the notes, once, through a one-time link we sent them.');
    expect(text).toContain('we made the notes available to a placement student at Music24, who has not opened them yet.');
    for (const n of Object.values(NOTES)) expect(text).not.toContain(n);
    expect(text).not.toContain('Pat Quinn');
    expect(JSON.parse((await lastSummaryAudit()).detail)).toMatchObject({ format: 'pdf', meetings: 3 });
  });

  it('1.3 no-surprises information-use/management: a manager off the team, who may not read the meetings, prepares the same list for the person — never the notes', async () => {
    expect((await as(world, manager).get(`/api/people/${person}/meetings`)).statusCode).toBe(403);
    const s = await summaryAs(manager);
    expect(s.meetingNotes).toEqual((await summaryAs(staff)).meetingNotes);
    for (const n of Object.values(NOTES)) expect(JSON.stringify(s)).not.toContain(n);
  });

  it('3.1 justify-purpose information-use/guardian-review: the guardian reads the list at the general level — when, the kind of attendee and organisation, at the person\'s request — without the attendees\' names or the words of the request, and is told so; audited', async () => {
    const s = await summaryAs(guardian);
    const [, gp, care] = s.meetingNotes.items;
    expect(gp).toMatchObject({
      request: { recordedOn: '2026-03-02T09:00:00.000Z', detail: null },
      sentence: 'After a meeting about you on 1 March 2026, we gave the notes to a health professional (Riverside GP).',
      recipients: [{ name: null, organisation: 'Riverside GP', who: 'a health professional (Riverside GP)', openedOn: '2026-03-02T09:00:00.000Z' }],
    });
    expect(care.recipients[0]).toMatchObject({ who: 'a placement student at Music24' });
    const text = JSON.stringify(s);
    for (const hidden of ['Dr A. Nurse', 'Kim Lee', ASKED, ...Object.values(NOTES)]) expect(text).not.toContain(hidden);
    expect(s.restricted.map((r) => r.section)).toEqual(['consents.told', 'meetingNotes.recipients']);
    expect(s.restricted[1].reason).toMatch(/general level/);
    const entry = await lastSummaryAudit();
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'information-use/guardian-review', actor_id: guardian.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ classes: [], meetings: 3, restricted: ['consents.told', 'meetingNotes.recipients'] });
  });

  it('3.4 need-to-know: staff off the team, and the placement student who was at the meeting, are refused the summary — nothing of the meetings in the answer; audited', async () => {
    const refused = await as(world, otherStaff).get(`/api/people/${person}/information-use`);
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toMatch(/Riverside GP|Dr A\. Nurse|meeting/);
    expect(await lastSummaryAudit()).toMatchObject({ decision: 'deny', actor_id: otherStaff.id, resource_id: person });
    const studentRes = await as(world, student).get(`/api/people/${person}/information-use`);
    expect(studentRes.statusCode).toBe(403);
    expect(studentRes.json()).toMatchObject({ rule: 'information-use/prepared-by-staff' });
    expect(studentRes.body).not.toMatch(/Riverside GP|Dr A\. Nurse/);
    expect(await lastSummaryAudit()).toMatchObject({ decision: 'deny', rule_id: 'information-use/prepared-by-staff', actor_id: student.id });
  });

  it('1.3 no-surprises: once the student\'s link has run out unused, the summary says the notes were offered and did not reach them', async () => {
    world.clock.advance(8 * DAY);
    const s = await summaryAs(await again(staff));
    const care = s.meetingNotes.items[2];
    expect(care.sentence).toBe('After a meeting about you on 2 March 2026, we offered the notes to a placement student at Music24 through a link that ran out before it was used.');
    expect(care.recipients[0]).toMatchObject({
      link: { sentOn: '2026-03-03T09:00:00.000Z', until: '2026-03-10T09:00:00.000Z', expired: true },
      sentence: 'A placement student at Music24 has not yet agreed to keep what was discussed confidential. We sent them a one-time link on 3 March 2026 to see the notes once they agree, but it ran out on 10 March 2026 unused: they did not see the notes.',
    });
  });
});
