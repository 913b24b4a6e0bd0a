import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { createWorld, dialects, type World } from '../support/world';

const SAFEGUARDING_NOTES = 'Child protection plan 2023, named social worker';
const HEALTH_NOTES = 'Asthma, carries an inhaler';
const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const flat = (s: string) => s.replace(/\s+/g, ' ');

/**
 * 3.4 need to know, down to the field (4.2), for an ordinary disclosure's pack as for a referral's
 * (test/integration/referral-pack-fields.test.ts): the case team opens the pack (disclosure/case-team-requests), but a
 * manager on the team may share what the person's record shows the rest of the team not at all — their safeguarding
 * notes are management's (safeguarding/management-oversight). A member of staff on the team who did not release it
 * reads those items withheld, with the record's reason, never their value; the manager who released it and management
 * read the pack whole, as it went out.
 */
describe.each(dialects())('an ordinary disclosure\'s pack, item by item for the case team (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, teamManager: TestUser, manager2: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, org: string, purpose: string;
  const detail = (e: { detail: string | null }) => JSON.parse(e.detail ?? '{}') as Record<string, unknown>;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    teamManager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs', healthNotes: HEALTH_NOTES, safeguardingNotes: SAFEGUARDING_NOTES });
    await makeCase(world, person, { [staff.id]: 'lead', [teamManager.id]: 'manager' });
    org = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const created = await as(world, teamManager).post('/api/purposes', {
      name: 'Referral to a youth partner', description: 'Share what the partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
    const consent = await as(world, teamManager).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: org }], dataCategories: ['general', 'special', 'safeguarding'], told,
      method: { kind: 'oral', attestation: 'I explained the sharing and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
  });
  afterAll(async () => world?.close());

  it('3.4 need-to-know disclosure/case-team-requests: staff on the team read a manager\'s disclosure\'s pack as the person\'s record shows it to them — health notes, not safeguarding notes (withheld with the record\'s reason, never the value) — in the PDF, the JSON and the disclosure\'s view alike, audited item by item with the rule and clause that decided; the manager who released it and management read it whole', async () => {
    const res = await as(world, teamManager).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: org, name: 'Sam Carter', role: 'Youth worker', email: 'sam@riverside.example' }, purposeId: purpose,
      reason: 'The trust takes over mentoring and needs to know how to keep her safe.', items: { personFields: ['givenName', 'healthNotes', 'safeguardingNotes'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json().data.id as string;
    const link = await as(world, teamManager).post(`/api/disclosures/${d}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: world.clock.now().toISOString().slice(0, 10) });
    expect(ack.statusCode, ack.body).toBe(200);
    expect((await as(world, teamManager).post(`/api/disclosures/${d}/release`, {})).statusCode).toBe(200);

    // What the person's record shows the member of staff: health notes, not safeguarding notes.
    const record = (await as(world, staff).get(`/api/people/${person}`)).json();
    expect(record.data.healthNotes).toBe(HEALTH_NOTES);
    expect(record.data).not.toHaveProperty('safeguardingNotes');
    const reason = (record.restricted as { field: string; reason: string }[]).find((r) => r.field === 'safeguardingNotes')!.reason;

    const view = (await as(world, staff).get(`/api/disclosures/${d}`)).json();
    expect(view.can.pack).toBe(true);
    expect(view.pack).toEqual({ copy: 'reader', withheld: [{ item: 'personFields.safeguardingNotes', label: 'Safeguarding notes', classes: ['safeguarding'], reason }] });

    const json = await as(world, staff).get(`/api/disclosures/${d}/pack.json`);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.body).not.toContain(SAFEGUARDING_NOTES);
    expect(json.json()).toMatchObject({ copy: 'reader', withheld: view.pack.withheld });
    expect(json.json().items[0].entries).toEqual([
      { label: 'Given name', value: 'Jo' }, { label: 'Health notes', value: HEALTH_NOTES },
      { label: 'Safeguarding notes', withheld: { classes: ['safeguarding'], reason } },
    ]);
    const pdf = await as(world, staff).get(`/api/disclosures/${d}/pack.pdf`);
    expect(pdf.statusCode).toBe(200);
    const text = flat(pdfPagesText(pdf.rawPayload).join('\n'));
    expect(text).toContain(HEALTH_NOTES);
    expect(text).not.toContain(SAFEGUARDING_NOTES);
    expect(text).toContain(flat(`Withheld from your copy: ${reason}`));
    expect(sha(pdf.rawPayload)).not.toBe(view.data.packSha256);

    const reads = (await auditRows(world)).filter((e) => e.action === 'disclosure.pack' && e.resource_id === d && e.actor_id === staff.id);
    expect(reads.map((e) => [e.decision, e.rule_id, e.clause, e.subject_person_id, detail(e).format])).toEqual([
      ['allow', 'disclosure/case-team-requests', '4.3, 1.2', person, 'json'], ['allow', 'disclosure/case-team-requests', '4.3, 1.2', person, 'pdf'],
    ]);
    for (const e of reads) {
      expect(detail(e)).toMatchObject({
        copy: 'reader',
        shown: [
          { item: 'personFields.givenName', classes: ['general'], rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' },
          { item: 'personFields.healthNotes', classes: ['special'], rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' },
        ],
        withheld: [{ item: 'personFields.safeguardingNotes', classes: ['safeguarding'], rule: 'default/deny', clause: '3.3, 3.4, 4.2' }],
        classes: { shown: ['general', 'special'], withheld: ['safeguarding'] },
      });
      expect(e.detail).not.toContain(SAFEGUARDING_NOTES);
      expect(e.detail).not.toContain(HEALTH_NOTES);
    }

    // The manager who released it, and management off the team, read it as it went out: its SHA-256 the register's.
    for (const u of [teamManager, manager2]) {
      const whole = (await as(world, u).get(`/api/disclosures/${d}`)).json();
      expect(whole.pack).toEqual({ copy: 'as-released', withheld: [] });
      const body = await as(world, u).get(`/api/disclosures/${d}/pack.pdf`);
      expect(sha(body.rawPayload)).toBe(view.data.packSha256);
      expect((await as(world, u).get(`/api/disclosures/${d}/pack.json`)).body).toContain(SAFEGUARDING_NOTES);
    }
    const whole = (await auditRows(world)).filter((e) => e.action === 'disclosure.pack' && e.resource_id === d && e.actor_id !== staff.id);
    expect(whole.map((e) => [e.actor_id, e.rule_id, detail(e).copy, (detail(e).withheld as unknown[]).length])).toEqual([
      [teamManager.id, 'disclosure/case-team-requests', 'as-released', 0], [teamManager.id, 'disclosure/case-team-requests', 'as-released', 0],
      [manager2.id, 'disclosure/management-releases', 'as-released', 0], [manager2.id, 'disclosure/management-releases', 'as-released', 0],
    ]);
    expect(detail(whole[0])).toMatchObject({ releasedByReader: true });
  });
});
