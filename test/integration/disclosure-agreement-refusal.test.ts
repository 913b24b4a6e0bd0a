import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, auditRows, insertPurpose, makeCase, makeOrganisation, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };

/**
 * 4.3 ("disclosure only takes place on the terms agreed with the person it concerns"), 1.3, practice 5.1: a sharing
 * agreement is made between organisations and never overrides the person's own answer — when they refused or
 * withdrew consent for the purpose, no agreement covers them (rule disclosure/not-over-a-refusal), at request and at
 * release; only an exception decided by another manager can share then.
 */
describe.each(dialects())('a sharing agreement never overrides the person\'s no (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser;
  let purpose: string, partner: string, consentOrg: string;
  const RULE = 'disclosure/not-over-a-refusal';
  const db = () => world.services.db.kysely;
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** A signed agreement with `org` for the purpose, general and personal information, needing no consent of its own. */
  async function agreementWithoutConsent(org: string) {
    const id = newId();
    const now = world.clock.now().toISOString();
    await db().insertInto('agreements').values({
      id, title: 'Joint working protocol', status: 'signed', data_categories: JSON.stringify(['general', 'personal']), categories_mask: 3,
      security: 'Encrypted email only.', onward_sharing: 'None.', retention: '12 months.', breach_notification: 'Within 24 hours.',
      requires_consent: 0, starts_on: '2026-01-01', ends_on: '2026-12-31', review_on: '2026-11-01',
      document_sha256: 'a'.repeat(64), document_filename: 'signed.pdf', document_content_type: 'application/pdf', document_size: 10,
      document_uploaded_by: manager.id, document_uploaded_at: now, signed_at: now, terminated_at: null, terminated_by: null,
      termination_reason: null, supersedes: null, superseded_by: null, created_by: manager.id, created_at: now, updated_at: now, version: 3,
    }).execute();
    await db().insertInto('agreement_parties').values({ agreement_id: id, organisation_id: org }).execute();
    await db().insertInto('agreement_purposes').values({ agreement_id: id, purpose_id: purpose }).execute();
    await db().insertInto('agreement_signatories').values([
      { id: newId(), agreement_id: id, party: 'ours', user_id: guardian.id, name: 'G', role: 'Guardian', signed_on: '2026-01-05', recorded_by: manager.id, recorded_at: now },
      { id: newId(), agreement_id: id, party: org, user_id: null, name: 'P', role: 'Director', signed_on: '2026-01-06', recorded_by: manager.id, recorded_at: now },
    ]).execute();
    return id;
  }
  /** A person on the staff member's case, and their answer for the purpose (consent to `consentOrg`, or a refusal). */
  async function personWho(answer: 'gave' | 'refused' | 'nothing') {
    const person = await makePerson(world, { givenName: 'Jo', familyName: `Answer-${answer}` });
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    if (answer === 'nothing') return { person, consentId: null };
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: answer === 'gave' ? 'given' : 'refused', recipients: [{ kind: 'organisation', organisationId: consentOrg }],
      dataCategories: ['general', 'personal'], told, method: { kind: 'oral', attestation: 'I explained the sharing.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    return { person, consentId: c.json().data.id as string };
  }
  const request = (person: string, over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId: partner, name: 'Nora North', role: 'Youth worker' }, purposeId: purpose,
    reason: 'The partner takes over mentoring next term.', items: { personFields: ['givenName', 'familyName'] }, ...over,
  });
  const withdraw = (consentId: string) => as(world, staff).post(`/api/consents/${consentId}/withdraw`, { method: 'orally', note: 'Changed their mind.' });

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    purpose = await insertPurpose(world, { name: 'Joint working', guardianId: guardian.id, createdBy: manager.id, recipientCategories: ['named partner organisation'] });
    partner = await makeOrganisation(world, { name: 'Northbank Youth Project' });
    consentOrg = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    await agreementWithoutConsent(partner);
  });
  afterAll(() => world.close());

  it('practice 5.1 sharing-agreements: with no answer from the person, or consent given for the purpose, the agreement is the basis (allow)', async () => {
    for (const answer of ['nothing', 'gave'] as const) {
      const { person } = await personWho(answer);
      const res = await as(world, staff).post('/api/disclosures', request(person));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().data).toMatchObject({ basis: 'agreement', consentWithdrawnAt: null });
    }
  });

  it('4.3 third-party-disclosure, 1.3: after the person refused consent for the purpose, a request on the agreement is refused — the refusal cites consent, names the agreement\'s rule among the bases tried, is audited on the person, and nothing is written', async () => {
    const { person } = await personWho('refused');
    const before = await disclosures();
    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post('/api/disclosures', request(person));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([{ path: 'body.personIds.0', message: expect.any(String) }]);
    const denial = (await auditRows(world)).slice(seq).find((r) => r.action === 'disclosure.request' && r.decision === 'deny')!;
    expect(denial).toMatchObject({ resource_type: 'person', resource_id: person, subject_person_id: person });
    expect(JSON.parse(denial.detail).alsoTried).toEqual([{ basis: 'agreement', rule: RULE, clause: '4.3, 1.2' }]);
    expect(await disclosures()).toBe(before);
  });

  it('4.3, 4.1: a withdrawal stops an agreement-based disclosure still waiting — its view says so and offers no release, the release is refused with rule disclosure/not-over-a-refusal and clause 4.3, audited on the disclosure, and no pack leaves; a new request is refused too', async () => {
    const { person, consentId } = await personWho('gave');
    const { id, token } = await requestDisclosureWithLink(world, staff, manager2, request(person));
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Nora North', date: '2026-03-02' })).statusCode).toBe(200);
    expect((await withdraw(consentId!)).statusCode).toBe(201);

    const view = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(view.data).toMatchObject({ basis: 'agreement', status: 'acknowledged', consentWithdrawnAt: expect.any(String) });
    expect(view.can.release).toBe(false);

    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: RULE, clause: '4.3, 1.2' });
    expect(res.json().detail).toContain('a sharing agreement does not override their answer');
    expect((await auditRows(world)).slice(seq).filter((r) => r.decision === 'deny').map((r) => [r.action, r.rule_id, r.clause, r.resource_type, r.resource_id, r.subject_person_id])).toEqual([
      ['disclosure.release', RULE, '4.3, 1.2', 'disclosure', id, person],
    ]);
    expect(await db().selectFrom('disclosures').select(['status', 'pack_sha256']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'acknowledged', pack_sha256: null });
    expect(await db().selectFrom('disclosure_packs').select('disclosure_id').where('disclosure_id', '=', id).execute()).toEqual([]);

    const again = await as(world, staff).post('/api/disclosures', request(person));
    expect(again.statusCode, again.body).toBe(403);
    expect(again.json().detail).toMatch(/withdrew their consent for this purpose/);
  });

  it('1.3 exceptions: after a refusal, only an exception can share — a legal-duty request waits for a manager other than the requester', async () => {
    const { person } = await personWho('refused');
    const res = await as(world, staff).post('/api/disclosures', request(person, { exception: { ground: 'legal_duty', reference: 'Court order 12/26', consentSought: false, notSoughtBecause: 'not_possible' } }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ basis: 'exception', status: 'awaiting_approval' });
  });
});
