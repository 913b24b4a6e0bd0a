import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, auditRows, insertPurpose, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };

/**
 * 3.4 need to know, 1.3: volunteers and students on a person's case see what was disclosed to whom on the person's
 * consent or a sharing agreement (general fields only), but not a disclosure made under an exception to consent — that
 * the person's information went to the police without their consent is for the staff on their case and management
 * (relation not-exception, rule disclosure/case-team-volunteer-reads).
 */
describe.each(dialects())('volunteers and students do not see exception disclosures (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, volunteer: TestUser, student: TestUser, manager: TestUser;
  let person: string, consented: string, exception: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    const guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    student = await makeUser(world, ['student']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'member', [student.id]: 'member', [manager.id]: 'manager' });
    const purpose = await insertPurpose(world, { name: 'Joint working', guardianId: guardian.id, createdBy: manager.id, recipientCategories: ['named partner organisation'] });
    const partner = await makeOrganisation(world, { name: 'Northbank Youth Project' });
    const police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: partner }], dataCategories: ['general', 'personal'],
      told, method: { kind: 'oral', attestation: 'I explained the sharing.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    const items = { personFields: ['givenName', 'familyName'] };
    const a = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: partner, name: 'Nora North', role: 'Youth worker' }, purposeId: purpose, reason: 'Mentoring handover.', items,
    });
    expect(a.statusCode, a.body).toBe(201);
    consented = a.json().data.id as string;
    const b = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: police, name: 'DC Smith', role: 'Detective' }, purposeId: purpose, reason: 'Police investigating an assault.', items,
      exception: { ground: 'crime', reference: 'CRIME-123', consentSought: false, notSoughtBecause: 'not_safe' },
    });
    expect(b.statusCode, b.body).toBe(201);
    exception = b.json().data.id as string;
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: a volunteer and a student on the case read a consent-based disclosure\'s general fields, not its reasons', async () => {
    for (const user of [volunteer, student]) {
      const res = await as(world, user).get(`/api/disclosures/${consented}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({ id: consented, basis: 'consent', recipientName: 'Nora North' });
      expect(res.json().data.reason).toBeUndefined();
      expect(res.json().restricted.map((r: { field: string }) => r.field)).toContain('reason');
      expect((await auditRows(world)).filter((r) => r.action === 'disclosure.read' && r.actor_id === user.id).at(-1))
        .toMatchObject({ decision: 'allow', rule_id: 'disclosure/case-team-volunteer-reads', resource_id: consented, subject_person_id: person });
    }
  });

  it('3.4 need-to-know, 1.3: an exception disclosure (to the police, without consent) is not found for them — the same answer as a random id, audited — and left out of the person\'s register; the staff on the case and management still see it', async () => {
    for (const user of [volunteer, student]) {
      const res = await as(world, user).get(`/api/disclosures/${exception}`);
      const random = await as(world, user).get(`/api/disclosures/${newId()}`);
      expect(res.statusCode, res.body).toBe(404);
      const { instance: _a, ...shown } = res.json();
      const { instance: _b, ...unknown } = random.json();
      expect(shown).toEqual(unknown);
      const denied = (await auditRows(world)).filter((r) => r.action === 'disclosure.read' && r.actor_id === user.id && r.resource_id === exception);
      expect(denied.at(-1)).toMatchObject({ decision: 'deny', resource_type: 'disclosure' });
      expect(denied.at(-1)!.rule_id).toBeTruthy();
      const register = await as(world, user).get(`/api/people/${person}/disclosures`);
      expect(register.statusCode, register.body).toBe(200);
      expect(register.json().items.map((i: { id: string }) => i.id)).toEqual([consented]);
      expect(register.body).not.toContain('Riverside Police');
    }
    for (const user of [staff, manager]) {
      const res = await as(world, user).get(`/api/disclosures/${exception}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({ basis: 'exception', exceptionGround: 'crime' });
      const register = (await as(world, user).get(`/api/people/${person}/disclosures`)).json().items.map((i: { id: string }) => i.id);
      expect(register.sort()).toEqual([consented, exception].sort());
    }
  });
});
