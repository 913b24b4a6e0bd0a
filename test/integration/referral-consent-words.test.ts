import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesText } from '../support/pdf';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/** Text with its line breaks and runs of spaces made single spaces (pdftotext wraps lines). */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/**
 * A safeguarding referral is made under the legal duty (1.3), whether or not the person was asked: its basis stays
 * exception/legal_duty, and the CONFIDENTIAL pack (4.3) and the person's summary say whether they were asked first, as
 * the referral's answers record it (`consentPossibleAndSafe`) — never "without the consent" of someone who was asked.
 */
describe.each(dialects())('a safeguarding referral\'s words say whether the person was asked (%s)', (dialect) => {
  let world: World;
  let leadManager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, council: string, purpose: string;

  /** A referral that is not urgent, waiting for a manager who did not make it, approved (and so released) and the person told. */
  async function releasedReferral(asked: boolean, consentNote: string) {
    const concern = await as(world, staff).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: 'Said that there is no food at home', occurredAt: world.clock.now().toISOString(),
      peopleInvolved: 'the child', immediateRisk: false, actionsTaken: 'Told the lead',
    });
    expect(concern.statusCode, concern.body).toBe(201);
    const res = await as(world, leadManager).post(`/api/concerns/${concern.json().data.id}/referrals`, {
      to: 'local_authority', urgent: false, riskOfHarm: true, riskOfHarmReason: 'Neglect at home', consentPossibleAndSafe: asked, consentNote,
      informationShared: 'Name and what was said', sharedWith: 'Children\'s services duty team', sharedHow: 'Secure referral portal', personTold: true,
      share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Children\'s services duty team' }, purposeId: purpose, items: { personFields: ['givenName', 'familyName'], concern: true } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const approved = await as(world, manager2).post(`/api/referrals/${id}/approval`, { decision: 'approve', justification: 'Neglect; the law requires it' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().disclosure).toMatchObject({ status: 'released' });
    const d = (await as(world, leadManager).get(`/api/disclosures/${id}`)).json().data;
    expect(d).toMatchObject({ basis: 'exception', exceptionGround: 'legal_duty', consentId: null });
    const pdf = flat(pdfPagesText((await as(world, leadManager).get(`/api/disclosures/${id}/pack.pdf`)).rawPayload).join('\n'));
    const json = JSON.parse((await as(world, leadManager).get(`/api/disclosures/${id}/pack.json`)).body) as { terms: string; handling: string[] };
    const told = await as(world, leadManager).post(`/api/disclosures/${id}/person-told`, { toldAt: world.clock.now().toISOString() });
    expect(told.statusCode, told.body).toBe(200);
    return { id, pdf, json };
  }
  const summaryLines = async (by: TestUser) => {
    const res = await as(world, by).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().disclosures.items as { basis: string; sentence: string }[];
  };

  beforeAll(async () => {
    world = await createWorld(dialect);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Alex', familyName: 'Moor' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    council = await makeOrganisation(world, { name: 'City Council Children\'s Services', kind: 'local_authority' });
    purpose = await approvedStatutoryPurpose(world, manager2, guardian.id, guardian2);
  });
  afterAll(() => world.close());

  it('1.3 legal duty, 4.3 disclosure: a referral the person was asked about (consentPossibleAndSafe) is released under the legal duty; its pack, PDF and JSON, says it was shared as a referral under that duty and that the person was asked — never "without the consent", never "agreed" from free text; the basis and its audit stay exception/legal_duty; the person\'s summary says we asked them first', async () => {
    const { id, pdf, json } = await releasedReferral(true, 'Alex agreed to the referral');
    for (const text of [pdf, json.terms]) {
      expect(text).toContain('CONFIDENTIAL — shared by');
      expect(text).toContain('as a safeguarding referral under a legal duty to share it');
      expect(text).toContain('it rests on that duty, not on the consent of the person it concerns.');
      expect(text).toContain('The person it concerns was asked about this referral before it was made.');
      expect(text).toContain('do not share it further except as the law requires');
      expect(text).not.toContain('without the consent');
      expect(text).not.toContain('not asked');
      expect(text).not.toContain('agreed');
    }
    expect(json.handling.join(' ')).not.toContain('consent');
    const release = (await auditRows(world)).filter((r) => r.action === 'disclosure.release' && r.resource_id === id);
    expect(release.map((r) => [r.decision, r.rule_id])).toEqual([['allow', 'disclosure/manager-decides-exception'], ['allow', 'safeguarding/referral-disclosure']]);
    for (const r of release) expect(JSON.parse(r.detail)).toMatchObject({ basis: 'exception', ground: 'legal_duty' });
    for (const r of release) expect(r.detail).not.toContain('Alex agreed');

    const lines = await summaryLines(manager2);
    expect(lines).toEqual([expect.objectContaining({ basis: 'because the law required us to share it to keep someone safe; we asked you about it first' })]);
    expect(lines[0].sentence).not.toMatch(/without asking|agreed/);
  });

  it('1.3 legal duty, 4.3 disclosure: a referral made without asking the person (seeking consent not possible or not safe) says so in the pack and in their summary; the case team still see no referral (practice 4.1)', async () => {
    const { pdf, json } = await releasedReferral(false, 'Asking would alert the parent');
    for (const text of [pdf, json.terms]) {
      expect(text).toContain('as a safeguarding referral under a legal duty to share it');
      expect(text).toContain('The person it concerns was not asked first: seeking their consent was not possible or not safe.');
      expect(text).not.toContain('was asked about this referral');
      expect(text).not.toContain('alert the parent');
    }
    const lines = await summaryLines(manager2);
    expect(lines.map((l) => l.basis)).toEqual([
      'because the law required us to share it to keep someone safe; we asked you about it first',
      'without asking you first, because the law required us to share it to keep someone safe and asking you was not possible or not safe',
    ]);
    expect(await summaryLines(staff)).toEqual([]);
  });
});
