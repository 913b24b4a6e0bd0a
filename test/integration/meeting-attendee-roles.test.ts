import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const NEED_TO_KNOW = '3.3, 3.4, 4.2';

interface Attendee { id: string; kind: string; userId: string | null; role: string; thirdParty: boolean }
type Res = Awaited<ReturnType<ReturnType<typeof as>['get']>>;

// Practice 3: "third parties may include … students undertaking work placement …, volunteers of Music24". A user
// here attends a meeting with the role they hold, and a placement student or volunteer is a third party at it.
describe.each(dialects())('users attending a meeting, by the role they hold, practice 3 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, student: TestUser, admin: TestUser, staffStudent: TestUser, adminVolunteer: TestUser;
  let caseId: string;
  const db = () => world.services.db.kysely;
  /** The audit entries a call added: action, decision, rule, clause, resource type and id, actor and detail. */
  async function audited(call: () => Promise<unknown>) {
    const before = (await auditRows(world)).length;
    await call();
    return (await auditRows(world)).slice(before).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id, JSON.parse(r.detail)]);
  }
  const body = (over: Record<string, unknown> = {}) => ({
    about: 'case', caseId, title: 'Multi-agency review', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed a referral to CAMHS.', notesClassification: 'personal',
    userIds: [staff.id, student.id, admin.id], external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }], ...over,
  });
  async function record(over: Record<string, unknown> = {}) {
    const res = await as(world, staff).post('/api/meetings', body(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; attendees: Attendee[] };
  }
  const userAttendee = (m: { attendees: Attendee[] }, u: TestUser) => m.attendees.find((a) => a.userId === u.id)!;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    student = await makeUser(world, ['student']);
    admin = await makeUser(world, ['administrator']);
    staffStudent = await makeUser(world, ['student', 'staff']);
    adminVolunteer = await makeUser(world, ['administrator', 'volunteer']);
    const person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 3 third-party-meetings: users attending are recorded with the role they hold — staff, a placement student (a third party), an administrator — not all as staff; audited with the roles', async () => {
    let m!: { id: string; attendees: Attendee[] };
    const entries = await audited(async () => (m = await record()));
    expect(m.attendees.filter((a) => a.kind === 'user').map((a) => [a.userId, a.role, a.thirdParty])).toEqual([
      [staff.id, 'staff', false], [student.id, 'student', true], [admin.id, 'administrator', false],
    ]);
    expect(m.attendees.find((a) => a.kind === 'external')).toMatchObject({ role: 'health_professional', thirdParty: true });
    const stored = await db().selectFrom('meeting_attendees').select(['user_id', 'role']).where('meeting_id', '=', m.id).where('kind', '=', 'user').execute();
    expect(Object.fromEntries(stored.map((r) => [r.user_id, r.role]))).toEqual({ [staff.id]: 'staff', [student.id]: 'student', [admin.id]: 'administrator' });
    expect(entries).toEqual([['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3', 'meeting', m.id, staff.id, {
      about: 'case', classification: 'personal', users: 3, userRoles: ['administrator', 'staff', 'student'], external: ['health_professional'],
    }]]);
  });

  it('practice 3 third-party-meetings: a user with several roles is recorded by their most trusted working role — staff and student as staff; administrator and volunteer as a volunteer, a third party', async () => {
    const m = await record({ userIds: [staffStudent.id, adminVolunteer.id], external: [] });
    expect(userAttendee(m, staffStudent)).toMatchObject({ role: 'staff', thirdParty: false });
    expect(userAttendee(m, adminVolunteer)).toMatchObject({ role: 'volunteer', thirdParty: true });
  });

  it('practice 3 third-party-meetings: nothing is shared with a placement student who attended until they acknowledge confidentiality (403, audited), then their CONFIDENTIAL copy goes; staff attending acknowledge nothing (400)', async () => {
    const m = await record();
    const s = userAttendee(m, student).id;
    let refused!: Res;
    const denied = await audited(async () => (refused = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: s })));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'meetings/acknowledgement-first', clause: 'practice 3' });
    expect(refused.body).not.toContain('CAMHS');
    expect(denied).toEqual([['meeting.share', 'deny', 'meetings/acknowledgement-first', 'practice 3', 'meeting', m.id, staff.id, { attendeeId: s, classification: 'personal' }]]);

    const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${s}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201); // or through their own one-time link, as an external attendee would
    const acknowledged = await audited(async () => expect((await as(world, staff).post(`/api/meetings/${m.id}/attendees/${s}/acknowledge`, {
      method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:05:00Z',
    })).statusCode).toBe(200));
    expect(acknowledged).toEqual([['meeting.acknowledge', 'allow', 'meetings/case-team-records', 'practice 3', 'meeting', m.id, staff.id, { attendeeId: s, method: 'attested_at_meeting', role: 'student' }]]);
    const shared = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: s });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ marking: 'CONFIDENTIAL', recipient: { role: 'student' }, meeting: { notes: 'Agreed a referral to CAMHS.' } });

    const own = userAttendee(m, staff).id;
    const notThirdParty = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${own}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:05:00Z' });
    expect(notThirdParty.statusCode).toBe(400);
    expect(notThirdParty.json().errors).toEqual([{ path: 'params.attendeeId', message: 'not a third party at this meeting' }]);
  });

  it('practice 3 third-party-meetings, 3.4 need-to-know: attending a general meeting as a placement student gives no need to know on its notes — not even once they hold a staff role (404, audited); staff who attended read them', async () => {
    const intern = await makeUser(world, ['student']);
    const colleague = await makeUser(world, ['staff']);
    const m = await record({ about: 'general', caseId: undefined, userIds: [colleague.id, intern.id], notes: 'Planning the spring concert.' });
    expect(userAttendee(m, intern)).toMatchObject({ role: 'student', thirdParty: true });
    await db().insertInto('user_roles').values({ user_id: intern.id, role: 'staff' }).execute();
    let read!: Res;
    const entries = await audited(async () => (read = await as(world, intern).get(`/api/meetings/${m.id}`)));
    expect(read.statusCode).toBe(404);
    expect(read.body).not.toContain('spring concert');
    expect(entries).toEqual([['meeting.read', 'deny', 'default/not-found', NEED_TO_KNOW, 'meeting', m.id, intern.id, { why: 'default/deny' }]]);
    const attended = await as(world, colleague).get(`/api/meetings/${m.id}`);
    expect(attended.statusCode).toBe(200);
    expect(attended.json().data.notes).toBe('Planning the spring concert.');
  });
});
