import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const NEED_TO_KNOW = '3.3, 3.4, 4.2';
type Res = Awaited<ReturnType<ReturnType<typeof as>['get']>>;

// A person's record the user can see is never answered as missing: when the meetings about them are not open to the
// user, the list is refused (403) with the rule and clause, and audited.
describe.each(dialects())('a person\'s meetings list refused to someone who sees the person, 3.4 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser, teamManager: TestUser, granted: TestUser, outsider: TestUser;
  let person: string;
  /** The audit entries a call added: action, decision, rule, clause, resource type and id, actor and detail. */
  async function audited(call: () => Promise<unknown>) {
    const before = (await auditRows(world)).length;
    await call();
    return (await auditRows(world)).slice(before).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id, JSON.parse(r.detail)]);
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    teamManager = await makeUser(world, ['manager']);
    granted = await makeUser(world, ['staff']);
    outsider = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [teamManager.id]: 'supervisor' });
    const now = world.clock.now();
    await world.services.db.kysely.insertInto('access_grants').values({
      id: newId(), user_id: granted.id, kind: 'request', resource_type: 'person', resource_id: person, person_id: person, case_id: null, organisation_id: null,
      classifications: JSON.stringify(['personal']), reason: 'covering for a colleague', status: 'approved', requested_at: now.toISOString(), requested_hours: 72,
      decided_by: manager.id, decided_at: now.toISOString(), decision_note: null, expires_at: new Date(now.getTime() + 72 * 3_600_000).toISOString(),
      revoked_at: null, revoked_by: null, review_status: null, reviewed_by: null, reviewed_at: null, review_note: null,
    }).execute();
    const recorded = await as(world, staff).post('/api/meetings', {
      about: 'person', personId: person, title: 'Review with the GP', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed a plan.', notesClassification: 'general',
      external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }],
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: a manager off the team sees the person and their cases, but their meetings list is 403 naming the rule and clause — not 404 "no person" — audited; nothing of the meetings shown', async () => {
    expect((await as(world, manager).get(`/api/people/${person}`)).statusCode).toBe(200);
    expect((await as(world, manager).get(`/api/people/${person}/cases`)).statusCode).toBe(200); // management oversight of the record
    let res!: Res;
    const entries = await audited(async () => (res = await as(world, manager).get(`/api/people/${person}/meetings`)));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'default/deny', clause: NEED_TO_KNOW, detail: expect.stringContaining("not on this person's case team") });
    expect(res.body).not.toContain('No person');
    expect(res.body).not.toContain('Review with the GP');
    expect(entries).toEqual([['meeting.read', 'deny', 'default/deny', NEED_TO_KNOW, 'person', person, manager.id, { list: 'meeting' }]]);
  });

  it('3.4 need-to-know: staff who see the person through an access grant are refused their meetings alike (403, audited) — a grant opens the record, not the meetings', async () => {
    expect((await as(world, granted).get(`/api/people/${person}`)).statusCode).toBe(200);
    let res!: Res;
    const entries = await audited(async () => (res = await as(world, granted).get(`/api/people/${person}/meetings`)));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'default/deny', clause: NEED_TO_KNOW });
    expect(entries).toEqual([['meeting.read', 'deny', 'default/deny', NEED_TO_KNOW, 'person', person, granted.id, { list: 'meeting' }]]);
  });

  it('3.4 need-to-know: a manager on the team lists the meetings (allowed, audited); staff who cannot see the person get the same 404 as for no person', async () => {
    let res!: Res;
    const entries = await audited(async () => (res = await as(world, teamManager).get(`/api/people/${person}/meetings`)));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ items: [{ title: 'Review with the GP', external: 1, awaitingAcknowledgement: 1 }], hidden: 0 });
    expect(entries.map((e) => e.slice(0, 7))).toEqual([['meeting.read', 'allow', 'meetings/case-team-reads', NEED_TO_KNOW, 'person', person, teamManager.id]]);
    const hidden = await as(world, outsider).get(`/api/people/${person}/meetings`);
    const missing = await as(world, outsider).get(`/api/people/${newId()}/meetings`);
    expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect(hidden.json().detail).toBe(missing.json().detail);
  });
});
