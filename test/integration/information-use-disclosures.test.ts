import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesText } from '../support/pdf';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';
import { DISCLOSURES_LEFT_OUT, MANAGER_TO_COMPLETE } from '../../src/information-use/disclosures';

/** Text with its line breaks and runs of spaces made single spaces (pdftotext wraps lines). */
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe.each(dialects())('"How your information is used" and disclosures the person was not asked about (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, nobody: string, police: string, purpose: string;
  const today = () => world.clock.now().toISOString().slice(0, 10);
  const summaryOf = async (by: TestUser = staff, of = person) => {
    const res = await as(world, by).get(`/api/people/${of}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const summaryAudit = async () => JSON.parse((await auditRows(world)).filter((r) => r.action === 'person.information-use').at(-1)!.detail);

  /** An exception disclosure to the police (1.3), approved by another manager with the decision whether to tell the person, acknowledged and released. */
  async function releasedException(tellPerson: boolean): Promise<string> {
    const res = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: police, name: 'DC Jones', role: 'Detective constable', email: 'jones@police.example' }, purposeId: purpose,
      reason: 'A statutory request under the Crime and Disorder Act.', items: { personFields: ['givenName', 'familyName'] }, exception: { ground: 'crime', consentSought: false, notSoughtBecause: 'not_safe' },
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
    // Someone about whom nothing was ever disclosed: what their summary says is what a withheld disclosure's must say.
    nobody = await makePerson(world, { givenName: 'Kit', familyName: 'Nobody' });
    await makeCase(world, nobody, { [staff.id]: 'lead' });
    police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
  });
  afterAll(() => world.close());

  it('1.3 disclosure-exception: a disclosure a manager decided not to tell the person about is left out of their summary and its PDF; the audit counts none', async () => {
    await releasedException(false);
    const s = await summaryOf();
    expect(s.disclosures).toEqual({ items: [], statement: 'So far this part lists no disclosures of your information to anyone outside our organisation.', leftOut: DISCLOSURES_LEFT_OUT, toComplete: MANAGER_TO_COMPLETE });
    expect(JSON.stringify(s)).not.toContain('Riverside Police');
    expect(await summaryAudit()).toMatchObject({ disclosures: 0 });
    const pdf = await as(world, staff).get(`/api/people/${person}/information-use.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdfPagesText(pdf.rawPayload).join('\n')).not.toContain('Riverside Police');
  });

  it('1.3 disclosure-exception information-use/management: the withheld disclosure leaves the manager\'s summary saying exactly what it says for someone with nothing disclosed — "none that we can tell you about" and what the law lets us leave out, never a flat "none"; the PDF too; audited', async () => {
    const s = await summaryOf(manager);
    expect(s.disclosures).toEqual({
      items: [], statement: 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation that we can tell you about.',
      leftOut: DISCLOSURES_LEFT_OUT, toComplete: null,
    });
    expect(await summaryAudit()).toMatchObject({ disclosures: 0, disclosuresComplete: true });
    // The same words with and without the withheld disclosure, so they tell nobody there is one (1.3).
    expect((await summaryOf(manager, nobody)).disclosures).toEqual(s.disclosures);
    expect((await summaryOf(staff, nobody)).disclosures).toEqual((await summaryOf(staff)).disclosures);
    expect(JSON.stringify(s)).not.toContain('Riverside Police');
    expect(JSON.stringify(s)).not.toContain('has recorded no disclosures of your information to anyone outside our organisation.');
    const pdf = flat(pdfPagesText((await as(world, manager).get(`/api/people/${person}/information-use.pdf`)).rawPayload).join('\n'));
    expect(pdf).toContain('has recorded no disclosures of your information to anyone outside our organisation that we can tell you about.');
    expect(pdf).toContain('The law allows us to leave this out.');
    expect(pdf).not.toContain('Riverside Police');
    expect(pdf).not.toContain('completed by a manager');
  });

  it('1.3 disclosure-exception: one they are to be told of is listed once their being told is recorded, not before', async () => {
    const id = await releasedException(true);
    expect((await summaryOf()).disclosures.items).toEqual([]);
    const told = await as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt: world.clock.now().toISOString() });
    expect(told.statusCode, told.body).toBe(200);
    const s = await summaryOf();
    expect(s.disclosures.items).toEqual([expect.objectContaining({ recipient: 'Riverside Police', agreement: null, basis: 'without asking you first, because the law or a risk of harm required it and asking you could have put someone at risk or harmed an investigation' })]);
    expect(s.disclosures.statement).toBe('So far this part lists one disclosure of your information to people outside our organisation.');
    expect(await summaryAudit()).toMatchObject({ disclosures: 1 });
    // The manager's lists it too, in the same words; the one left out above stays out.
    expect((await summaryOf(manager)).disclosures).toMatchObject({ items: [expect.objectContaining({ recipient: 'Riverside Police' })], statement: 'Confide has recorded one disclosure of your information to people outside our organisation that we can tell you about.' });
    expect(await summaryAudit()).toMatchObject({ disclosures: 1, disclosuresComplete: true });
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

describe.each(dialects())('"How your information is used" and a safeguarding referral the person was told of (%s)', (dialect) => {
  let world: World;
  let leadManager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, nobody: string, police: string, purpose: string, referralId: string;
  const summaryOf = async (by: TestUser, of = person) => {
    const res = await as(world, by).get(`/api/people/${of}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const summaryAudit = async () => (await auditRows(world)).filter((r) => r.action === 'person.information-use').at(-1)!;
  const pdfOf = async (by: TestUser) => {
    const res = await as(world, by).get(`/api/people/${person}/information-use.pdf`);
    expect(res.statusCode).toBe(200);
    return flat(pdfPagesText(res.rawPayload).join('\n'));
  };

  beforeAll(async () => {
    world = await createWorld(dialect);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Mia', familyName: 'Stone' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    nobody = await makePerson(world, { givenName: 'Kit', familyName: 'Nobody' });
    await makeCase(world, nobody, { [staff.id]: 'lead' });
    police = await makeOrganisation(world, { name: 'City Police Public Protection Unit', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager2, guardian.id, guardian2);
    // An urgent referral to the police, released at once by a manager (practice 4.1), its answers completed afterwards.
    const concern = await as(world, staff).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: 'Said that her stepfather hits her', occurredAt: world.clock.now().toISOString(),
      peopleInvolved: 'the child; her stepfather', immediateRisk: true, actionsTaken: 'Stayed with her; told the lead',
    });
    expect(concern.statusCode, concern.body).toBe(201);
    const referral = await as(world, leadManager).post(`/api/concerns/${concern.json().data.id}/referrals`, {
      to: 'police', urgent: true, riskOfHarm: true, riskOfHarmReason: 'Disclosed physical harm at home', consentPossibleAndSafe: null, consentNote: null,
      informationShared: 'Name and what she said', sharedWith: 'Public protection unit', sharedHow: 'Secure e-mail', personTold: null,
      share: { recipient: { organisationId: police, name: 'DS Khan', role: 'Public protection unit' }, purposeId: purpose, items: { personFields: ['givenName', 'familyName'], concern: true } },
    });
    expect(referral.statusCode, referral.body).toBe(201);
    expect(referral.json().disclosure).toMatchObject({ status: 'released' });
    referralId = referral.json().id as string;
    const completed = await as(world, leadManager).post(`/api/referrals/${referralId}/completion`, { consentPossibleAndSafe: false, consentNote: 'Asking would alert the stepfather', personTold: true });
    expect(completed.statusCode, completed.body).toBe(200);
  });
  afterAll(() => world.close());

  it('1.3, practice 4.1: before the person is told, the referral is in nobody\'s summary and every summary reads as for someone with nothing disclosed — the manager\'s "none that we can tell you about", the case team\'s "a manager completes this part"', async () => {
    for (const by of [leadManager, manager2, staff]) {
      const s = await summaryOf(by);
      expect(s.disclosures.items).toEqual([]);
      expect(s.disclosures).toEqual((await summaryOf(by, nobody)).disclosures);
      expect(JSON.stringify(s)).not.toContain('City Police');
    }
    expect((await summaryOf(manager2)).disclosures.statement).toBe('Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation that we can tell you about.');
  });

  it('practice 4.1, 1.3 information-use/management: once the person is told, the manager\'s summary and PDF list the police referral — when, to whom, under the legal duty, not asked first as the referral records; audited with the count', async () => {
    const told = await as(world, leadManager).post(`/api/disclosures/${referralId}/person-told`, { toldAt: world.clock.now().toISOString() });
    expect(told.statusCode, told.body).toBe(200);
    const s = await summaryOf(manager2);
    expect(s.disclosures).toMatchObject({ statement: 'Confide has recorded one disclosure of your information to people outside our organisation that we can tell you about.', toComplete: null, leftOut: DISCLOSURES_LEFT_OUT });
    expect(s.disclosures.items).toEqual([expect.objectContaining({
      recipient: 'City Police Public Protection Unit',
      basis: 'without asking you first, because the law required us to share it to keep someone safe and asking you was not possible or not safe',
    })]);
    expect(s.disclosures.items[0].sentence).toMatch(/^On \d+ \w+ \d{4} we shared .* with City Police Public Protection Unit, for .*, without asking you first/);
    expect(await summaryAudit()).toMatchObject({ decision: 'allow', rule_id: 'information-use/management', actor_id: manager2.id, resource_id: person });
    expect(JSON.parse((await summaryAudit()).detail)).toMatchObject({ format: 'json', disclosures: 1, disclosuresComplete: true });
    const pdf = await pdfOf(manager2);
    expect(pdf).toContain('City Police Public Protection Unit');
    expect(pdf).not.toContain('completed by a manager');
    expect(JSON.parse((await summaryAudit()).detail)).toMatchObject({ format: 'pdf', disclosures: 1 });
  });

  it('practice 4.1, 3.4 need-to-know information-use/case-team: the case team, who may not see a referral\'s disclosure, never read "none" — their summary and PDF say a manager completes this part, in the same words as for someone with nothing disclosed, and name no recipient; audited as incomplete', async () => {
    const s = await summaryOf(staff);
    expect(s.disclosures).toEqual({ items: [], statement: 'So far this part lists no disclosures of your information to anyone outside our organisation.', leftOut: DISCLOSURES_LEFT_OUT, toComplete: MANAGER_TO_COMPLETE });
    expect(MANAGER_TO_COMPLETE).toMatch(/^This part can only be completed by a manager/);
    expect(s.disclosures).toEqual((await summaryOf(staff, nobody)).disclosures);
    expect(JSON.stringify(s)).not.toMatch(/City Police|DS Khan|has recorded no disclosures/);
    const entry = (await auditRows(world)).filter((r) => r.action === 'person.information-use' && r.resource_id === person).at(-1)!;
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'information-use/case-team', actor_id: staff.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ disclosures: 0, disclosuresComplete: false });
    expect(entry.detail).not.toContain('City Police');
    const pdf = await pdfOf(staff);
    expect(pdf).toContain('This part can only be completed by a manager');
    expect(pdf).toContain('So far this part lists no disclosures');
    expect(pdf).not.toContain('City Police');
    expect(pdf).not.toContain('has recorded no disclosures');
  });
});
