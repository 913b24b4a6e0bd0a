import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesText } from '../support/pdf';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('"How your information is used" and disclosures the person was not asked about (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, police: string, purpose: string;
  const today = () => world.clock.now().toISOString().slice(0, 10);
  const summaryOf = async () => {
    const res = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const summaryAudit = async () => JSON.parse((await auditRows(world)).filter((r) => r.action === 'person.information-use').at(-1)!.detail);

  /** An exception disclosure to the police (1.3), approved by another manager with the decision whether to tell the person, acknowledged and released. */
  async function releasedException(tellPerson: boolean): Promise<string> {
    const res = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: police, name: 'DC Jones', role: 'Detective constable', email: 'jones@police.example' }, purposeId: purpose,
      reason: 'A statutory request under the Crime and Disorder Act.', items: { personFields: ['givenName', 'familyName'] }, exception: { ground: 'crime' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    const decision = tellPerson
      ? { decision: 'approve', justification: 'A statutory request.', tellPerson: true }
      : { decision: 'approve', justification: 'A statutory request.', tellPerson: false, notToldReason: 'Telling would prejudice the investigation.' };
    const approved = await as(world, manager2).post(`/api/disclosures/${id}/approval`, decision);
    expect(approved.statusCode, approved.body).toBe(200);
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'DC Jones', date: today() });
    expect(ack.statusCode, ack.body).toBe(200);
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    return id;
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
  });
  afterAll(() => world.close());

  it('1.3 disclosure-exception: a disclosure a manager decided not to tell the person about is left out of their summary and its PDF; the audit counts none', async () => {
    await releasedException(false);
    const s = await summaryOf();
    expect(s.disclosures).toEqual({ items: [], statement: 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation.' });
    expect(JSON.stringify(s)).not.toContain('Riverside Police');
    expect(await summaryAudit()).toMatchObject({ disclosures: 0 });
    const pdf = await as(world, staff).get(`/api/people/${person}/information-use.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdfPagesText(pdf.rawPayload).join('\n')).not.toContain('Riverside Police');
  });

  it('1.3 disclosure-exception: one they are to be told of is listed once their being told is recorded, not before', async () => {
    const id = await releasedException(true);
    expect((await summaryOf()).disclosures.items).toEqual([]);
    const told = await as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt: world.clock.now().toISOString() });
    expect(told.statusCode, told.body).toBe(200);
    const s = await summaryOf();
    expect(s.disclosures.items).toEqual([expect.objectContaining({ recipient: 'Riverside Police', agreement: null, basis: 'without asking you first, because the law or a risk of harm required it' })]);
    expect(await summaryAudit()).toMatchObject({ disclosures: 1 });
  });
});

describe.each(dialects())('"How your information is used" leaves out the work on a safeguarding referral (%s)', (dialect) => {
  let world: World;
  let leadManager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, council: string, purpose: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Mia', familyName: 'Stone' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    council = await makeOrganisation(world, { name: 'City Council Children\'s Services', kind: 'local_authority' });
    purpose = await approvedStatutoryPurpose(world, manager2, guardian.id, guardian2);
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: a safeguarding lead reading a referral\'s disclosure is not counted among those who looked at the person\'s record, while ordinary looks still are', async () => {
    const concern = await as(world, staff).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: 'Said that her stepfather hits her', occurredAt: world.clock.now().toISOString(),
      peopleInvolved: 'the child; her stepfather', immediateRisk: true, actionsTaken: 'Stayed with her; told the lead',
    });
    expect(concern.statusCode, concern.body).toBe(201);
    const referral = await as(world, leadManager).post(`/api/concerns/${concern.json().data.id}/referrals`, {
      to: 'local_authority', urgent: true, riskOfHarm: true, riskOfHarmReason: 'Disclosed physical harm at home', consentPossibleAndSafe: null, consentNote: null,
      informationShared: 'Name and what she said', sharedWith: 'Children\'s services duty team', sharedHow: 'Secure referral portal', personTold: null,
      share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Children\'s services duty team' }, purposeId: purpose, items: { personFields: ['givenName', 'familyName'], concern: true } },
    });
    expect(referral.statusCode, referral.body).toBe(201);
    const disclosureId = referral.json().disclosure.id as string;
    // Every line but the case team's (whose member prepares the summary, which counts as a look).
    const others = async () => (await as(world, staff).get(`/api/people/${person}/information-use`)).json().access.months
      .flatMap((m: { lines: { group: string }[] }) => m.lines).filter((l: { group: string }) => l.group !== 'case-team');
    expect(await others()).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await as(world, leadManager).get(`/api/disclosures/${disclosureId}`)).statusCode).toBe(200);
    const reads = (await auditRows(world)).filter((r) => r.action === 'disclosure.read' && r.resource_id === disclosureId && r.actor_id === leadManager.id);
    expect(reads.map((r) => [r.decision, r.subject_person_id])).toEqual(Array(3).fill(['allow', person])); // audited, about the person
    expect(await others()).toEqual([]);
    // The same lead opening the person's record is counted as any manager's look.
    expect((await as(world, leadManager).get(`/api/people/${person}`)).statusCode).toBe(200);
    expect(await others()).toEqual([expect.objectContaining({ group: 'manager', people: 1, looks: 1 })]);
  });
});
