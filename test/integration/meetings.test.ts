import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { freshAddress } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('meetings with third parties, practice 3 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, otherStaff: TestUser;
  let person: string, caseId: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'meetings' | 'meeting_attendees') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const auditOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id).map((r) => [r.action, r.decision, r.rule_id, r.clause]);
  const meeting = (over: Record<string, unknown> = {}) => ({
    about: 'case', caseId, title: 'Multi-agency review', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed a referral to CAMHS.',
    notesClassification: 'personal', userIds: [staff.id],
    external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }, { name: 'B. Student', organisation: 'City University', role: 'student' }],
    ...over,
  });
  async function record(over: Record<string, unknown> = {}) {
    const res = await as(world, staff).post('/api/meetings', meeting(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; attendees: { id: string; kind: string; role: string }[] };
  }
  const externalOf = (m: { attendees: { id: string; role: string }[] }, role = 'health_professional') => m.attendees.find((a) => a.role === role)!.id;
  const acknowledge = (id: string, attendeeId: string) => as(world, staff).post(`/api/meetings/${id}/attendees/${attendeeId}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:05:00Z' });

  beforeAll(async () => {
    // Another organisation than the sample policy's: the terms are in its name (they said "Music24" whoever ran Confide).
    world = await createWorld(dialect, { organisation: { name: 'Northbank Youth Music', address: '1 River Road', email: 'office@northbank.example', phone: '0100 000000', contact: 'The office' } });
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 3 third-party-meetings: notes are not shared before the attendee acknowledges confidentiality, and are after — CONFIDENTIAL, audited with their hash', async () => {
    const m = await record();
    const gp = externalOf(m);
    const before = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
    expect(before.statusCode).toBe(403);
    expect(before.json()).toMatchObject({ rule: 'meetings/acknowledgement-first', clause: 'practice 3' });
    expect(before.body).not.toContain('CAMHS');
    expect((await acknowledge(m.id, gp)).statusCode).toBe(200);
    const shared = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ marking: 'CONFIDENTIAL', recipient: { name: 'Dr A. Nurse', role: 'health_professional' }, meeting: { notes: 'Agreed a referral to CAMHS.' } });
    expect(shared.json()).toMatchObject({ from: 'Northbank Youth Music', terms: expect.stringContaining('(Northbank Youth Music Confidentiality Policy, practice 3.)') });
    expect(shared.body).not.toContain('Music24');
    // The student has not acknowledged: nothing goes to them.
    expect((await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: externalOf(m, 'student') })).statusCode).toBe(403);
    const audit = await auditOf(m.id);
    expect(audit).toEqual([
      ['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3'],
      ['meeting.share', 'deny', 'meetings/acknowledgement-first', 'practice 3'],
      ['meeting.acknowledge', 'allow', 'meetings/case-team-records', 'practice 3'],
      ['meeting.share', 'allow', 'meetings/share-after-acknowledgement', 'practice 3'],
      ['meeting.share', 'deny', 'meetings/acknowledgement-first', 'practice 3'],
    ]);
    const shareRow = (await auditRows(world)).filter((r) => r.resource_id === m.id && r.action === 'meeting.share' && r.decision === 'allow')[0];
    expect(JSON.parse(shareRow.detail)).toMatchObject({ attendeeId: gp, sha256: shared.json().sha256 });
    expect(shareRow.detail).not.toContain('CAMHS');
  });

  it('practice 2 session-staff-team-only: session notes from a meeting never go to a third party unless the client asked', async () => {
    const m = await record({ notesClassification: 'session', notes: 'What Jo said in the session.' });
    const gp = externalOf(m);
    expect((await acknowledge(m.id, gp)).statusCode).toBe(200);
    const refused = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'meetings/session-never-external', clause: 'practice 1, practice 2' });
    expect(refused.body).not.toContain('What Jo said');
    const asked = await record({ notesClassification: 'session', notes: 'Jo asked us to pass this on.', clientRequest: { detail: 'Jo asked at the end of the session, in front of their mum, for this to go to the GP.' } });
    expect((await acknowledge(asked.id, externalOf(asked))).statusCode).toBe(200);
    const ok = await as(world, staff).post(`/api/meetings/${asked.id}/share`, { attendeeId: externalOf(asked) });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('practice 3 third-party-meetings: a link accepted under a name that is not the attendee\'s is 400 on body.typedName — nothing written, no notes, the link still works with their name, the refusal audited without names; staff see the name typed', async () => {
    const m = await record();
    const gp = externalOf(m);
    const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${gp}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const accept = (typedName: string) => world.app.inject({ method: 'POST', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: freshAddress(), payload: { typedName, date: '2026-03-02' } });
    const attendeeRow = () => db().selectFrom('meeting_attendees').selectAll().where('id', '=', gp).executeTakeFirstOrThrow();
    const before = await attendeeRow();
    const shown = await world.app.inject({ method: 'GET', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: freshAddress() });
    expect(shown.json()).toMatchObject({ from: 'Northbank Youth Music', terms: expect.stringContaining('(Northbank Youth Music Confidentiality Policy, practice 3.)') });
    const auditBefore = (await auditRows(world)).length;

    const refused = await accept('Mickey Mouse');
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().errors).toEqual([{ path: 'body.typedName', message: expect.stringContaining("type your name as the meeting's organiser recorded it") }]);
    for (const secret of ['Nurse', 'Mickey', 'CAMHS', 'Multi-agency']) expect(refused.body).not.toContain(secret);
    expect(await attendeeRow()).toEqual(before); // nothing written: no acknowledgement, no name, the link unused
    const audit = (await auditRows(world)).slice(auditBefore);
    expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id])).toEqual([
      ['meeting.acknowledge', 'deny', 'meetings/attendee-name', 'practice 3', 'meeting', m.id, 'system'],
    ]);
    expect(JSON.parse(audit[0].detail)).toEqual({ attendeeId: gp, method: 'link', nameMatches: false });
    expect(audit[0].detail).not.toMatch(/Nurse|Mickey/);

    // The attendee, typing their name as recorded (case, punctuation and spacing aside), still gets the notes once.
    const ok = await accept('  dr a  NURSE ');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ acknowledged: true, withheld: null, notes: { meeting: { notes: 'Agreed a referral to CAMHS.' } } });
    expect(await attendeeRow()).toMatchObject({ acknowledgement_method: 'link', link_name: 'dr a  NURSE', link_date: '2026-03-02', link_token_hash: null });
    const seen = await as(world, staff).get(`/api/meetings/${m.id}`);
    expect(seen.json().data.attendees.find((a: { id: string }) => a.id === gp)).toMatchObject({
      acknowledgementMethod: 'link', linkName: 'dr a  NURSE', linkDate: '2026-03-02', linkUsedAt: world.clock.now().toISOString(), linkExpiresAt: null,
    });
  });

  it('3.4 need-to-know: another team\'s meeting is 404 to staff not on it, audited; recording a meeting about a case one is not on is 404 and writes nothing; bad input names the field', async () => {
    const m = await record();
    const read = await as(world, otherStaff).get(`/api/meetings/${m.id}`);
    expect(read.statusCode).toBe(404);
    const share = await as(world, otherStaff).post(`/api/meetings/${m.id}/share`, { attendeeId: externalOf(m) });
    expect(share.statusCode).toBe(404);
    const last = (await auditRows(world)).at(-1)!;
    expect(last).toMatchObject({ action: 'meeting.share', decision: 'deny', rule_id: 'default/not-found', resource_id: m.id, actor_id: otherStaff.id });
    const own = await as(world, staff).get(`/api/meetings/${m.id}`);
    expect(own.statusCode).toBe(200);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'meeting.read', decision: 'allow', rule_id: 'meetings/case-team-reads', clause: '3.3, 3.4, 4.2' });
    const before = [await count('meetings'), await count('meeting_attendees')];
    const notOnTeam = await as(world, otherStaff).post('/api/meetings', meeting());
    expect(notOnTeam.statusCode).toBe(404);
    const bad = await as(world, staff).post('/api/meetings', meeting({ caseId: undefined }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.caseId']);
    const badRole = await as(world, staff).post('/api/meetings', meeting({ external: [{ name: 'X', role: 'journalist' }] }));
    expect(badRole.statusCode).toBe(400);
    expect([await count('meetings'), await count('meeting_attendees')]).toEqual(before);
  });
  it('3.4 need-to-know: a person\'s meetings list those about them and their cases, without notes, for their team only; audited once naming the person', async () => {
    const m = await record({ title: 'Listed review' });
    const list = await as(world, staff).get(`/api/people/${person}/meetings`);
    expect(list.statusCode, list.body).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === m.id);
    expect(item).toMatchObject({ title: 'Listed review', about: 'case', caseId, attendees: 3, external: 2, awaitingAcknowledgement: 2 });
    expect(list.body).not.toContain('CAMHS');
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'meeting.read', decision: 'allow', rule_id: 'meetings/case-team-reads', resource_type: 'person', resource_id: person, actor_id: staff.id });
    const outsider = await as(world, otherStaff).get(`/api/people/${person}/meetings`);
    expect(outsider.statusCode).toBe(404);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'meeting.read', decision: 'deny', resource_id: person, actor_id: otherStaff.id });
  });
});
