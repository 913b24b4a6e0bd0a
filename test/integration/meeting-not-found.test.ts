import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const NEED_TO_KNOW = '3.3, 3.4, 4.2';

/** A problem's answer without its request id: what a caller could compare between two 404s. */
const answer = (res: { statusCode: number; json: () => Record<string, unknown> }) => {
  const { instance: _instance, ...rest } = res.json();
  return { status: res.statusCode, ...rest };
};

describe.each(dialects())('a meeting that does not exist answers as one that cannot be seen, 3.4 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, otherStaff: TestUser;
  let person: string, hiddenPerson: string, caseId: string;
  const db = () => world.services.db.kysely;
  const meetings = async () => Number((await db().selectFrom('meetings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /** The audit entries a call added: action, decision, rule, clause, resource type and id, actor and detail. */
  async function audited(call: () => Promise<unknown>) {
    const before = (await auditRows(world)).length;
    await call();
    return (await auditRows(world)).slice(before).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id, JSON.parse(r.detail)]);
  }
  const meeting = (over: Record<string, unknown> = {}) => ({
    about: 'person', personId: person, title: 'Review with the GP', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed a plan.', notesClassification: 'general',
    external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }], ...over,
  });

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    hiddenPerson = await makePerson(world, { givenName: 'Ali', familyName: 'Other' });
    await makeCase(world, hiddenPerson, { [otherStaff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: reading a meeting that does not exist is the same 404 as one on another team, audited alike as default/not-found; the team reads it (allowed, audited)', async () => {
    const created = await as(world, staff).post('/api/meetings', meeting());
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().data.id as string;
    const missing = newId();
    let hiddenRes, missingRes;
    const hidden = await audited(async () => (hiddenRes = await as(world, otherStaff).get(`/api/meetings/${id}`)));
    const absent = await audited(async () => (missingRes = await as(world, otherStaff).get(`/api/meetings/${missing}`)));
    expect(answer(missingRes!)).toEqual(answer(hiddenRes!));
    expect(answer(missingRes!)).toMatchObject({ status: 404 });
    expect(hidden).toEqual([['meeting.read', 'deny', 'default/not-found', NEED_TO_KNOW, 'meeting', id, otherStaff.id, { why: expect.any(String) }]]);
    expect(absent).toEqual([['meeting.read', 'deny', 'default/not-found', NEED_TO_KNOW, 'meeting', missing, otherStaff.id, { found: false }]]);
    const own = await audited(async () => expect((await as(world, staff).get(`/api/meetings/${id}`)).statusCode).toBe(200));
    expect(own.map((r) => r.slice(0, 6))).toEqual([['meeting.read', 'allow', 'meetings/case-team-reads', NEED_TO_KNOW, 'meeting', id]]);
  });

  it('3.4 need-to-know: acknowledging at, sharing from or linking to a meeting that does not exist is 404, audited as the action attempted', async () => {
    const missing = newId();
    const attendee = newId();
    const calls: [string, string, unknown][] = [
      ['meeting.update', `/api/meetings/${missing}/attendees/${attendee}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:00:00Z' }],
      ['meeting.share', `/api/meetings/${missing}/share`, { attendeeId: attendee }],
      ['meeting.update', `/api/meetings/${missing}/attendees/${attendee}/acknowledgement-link`, {}],
    ];
    for (const [action, url, body] of calls) {
      const entries = await audited(async () => expect((await as(world, staff).post(url, body)).statusCode).toBe(404));
      expect(entries).toEqual([[action, 'deny', 'default/not-found', NEED_TO_KNOW, 'meeting', missing, staff.id, { found: false }]]);
    }
  });

  it('3.4 need-to-know: a meeting about a person or case that does not exist is the same 404 as one about a person the recorder does not work with, audited alike, nothing written; about their own person it is recorded', async () => {
    const before = await meetings();
    const missingPerson = newId();
    let hiddenRes, missingRes;
    const hidden = await audited(async () => (hiddenRes = await as(world, staff).post('/api/meetings', meeting({ personId: hiddenPerson }))));
    const absent = await audited(async () => (missingRes = await as(world, staff).post('/api/meetings', meeting({ personId: missingPerson }))));
    expect(answer(missingRes!)).toEqual(answer(hiddenRes!));
    expect(answer(missingRes!)).toMatchObject({ status: 404 });
    expect(hidden.map((r) => r.slice(0, 7))).toEqual([['meeting.record', 'deny', 'default/not-found', NEED_TO_KNOW, 'person', hiddenPerson, staff.id]]);
    expect(absent).toEqual([['meeting.record', 'deny', 'default/not-found', NEED_TO_KNOW, 'person', missingPerson, staff.id, { found: false }]]);
    const missingCase = newId();
    const noCase = await audited(async () => expect((await as(world, staff).post('/api/meetings', meeting({ about: 'case', personId: undefined, caseId: missingCase }))).statusCode).toBe(404));
    expect(noCase).toEqual([['meeting.record', 'deny', 'default/not-found', NEED_TO_KNOW, 'case', missingCase, staff.id, { found: false }]]);
    expect(await meetings()).toBe(before);
    const ok = await audited(async () => expect((await as(world, staff).post('/api/meetings', meeting({ about: 'case', personId: undefined, caseId }))).statusCode).toBe(201));
    expect(ok.map((r) => r.slice(0, 4))).toEqual([['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3']]);
  });
});
