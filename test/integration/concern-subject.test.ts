import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Whom a concern is about, by name, for those who work concerns (rule safeguarding/subject-name-for-leads,
// practice 4.1: the leads act at once, on the person's case team or not). General fields only; the raiser reads back
// what they wrote and no more; staff who do not work concerns learn nothing (404).

describe.each(dialects())('the name of whom a concern is about (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, manager: TestUser, volunteer: TestUser, otherStaff: TestUser;
  let personId: string, caseId: string, concernId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead']); // on no case team
    manager = await makeUser(world, ['manager']);
    volunteer = await makeUser(world, ['volunteer']);
    otherStaff = await makeUser(world, ['staff']);
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace', healthNotes: 'asthma', safeguardingNotes: 'known to social care' });
    caseId = await makeCase(world, personId, { [volunteer.id]: 'volunteer' });
    const res = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personId, whatHappened: 'Said her dad grabbed her', occurredAt: '2026-03-02T08:30:00Z', immediateRisk: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    concernId = res.json().data.id;
  });
  afterAll(async () => world?.close());

  it('practice 4.1 safeguarding-management safeguarding/subject-name-for-leads: a lead off the person\'s case team sees their name on the concern (general fields only), though not their record; the audit names the rule, the clause and the person', async () => {
    expect((await as(world, lead).get(`/api/people/${personId}`)).statusCode).toBe(404); // need to know still holds for the record (3.4)
    const res = await as(world, lead).get(`/api/concerns/${concernId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().subject).toEqual({ personId, givenName: 'Ada', familyName: 'Lovelace', preferredName: null });
    expect(res.body).not.toMatch(/asthma|social care/);
    const shown = (await auditRows(world)).filter((r) => r.action === 'concern.subject' && r.actor_id === lead.id);
    expect(shown.map((r) => [r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.subject_person_id])).toEqual([
      ['allow', 'safeguarding/subject-name-for-leads', 'practice 4.1, practice 4.2', 'concern', concernId, personId],
    ]);
    expect(JSON.parse(shown[0].detail)).toEqual({ fields: ['givenName', 'familyName', 'preferredName'] });
    expect(shown[0].detail).not.toContain('Ada');
    expect((await as(world, manager).get(`/api/concerns/${concernId}`)).json().subject.familyName).toBe('Lovelace');
  });

  it('practice 4.1 safeguarding-management safeguarding/subject-name-for-leads: the raiser who can no longer see the person learns nothing more than they wrote; staff who do not work concerns get nothing', async () => {
    await world.services.db.kysely.deleteFrom('case_team').where('case_id', '=', caseId).where('user_id', '=', volunteer.id).execute();
    expect((await as(world, volunteer).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const own = await as(world, volunteer).get(`/api/concerns/${concernId}`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().subject).toBeUndefined();
    expect(own.body).not.toMatch(/Ada|Lovelace/);
    const other = await as(world, otherStaff).get(`/api/concerns/${concernId}`);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toMatch(/Ada|Lovelace/);
    const audit = (await auditRows(world)).filter((r) => r.action === 'concern.subject' && (r.actor_id === volunteer.id || r.actor_id === otherStaff.id));
    expect(audit).toEqual([]); // nothing shown, nothing to record beyond the read itself
  });
});
