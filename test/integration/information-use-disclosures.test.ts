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
    police = await makeOrganisation(world, { name: 'Riverside Police' });
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
