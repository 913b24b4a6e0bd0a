import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertConsent, insertPurpose, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'The organisations named.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };

/**
 * "Named partner organisation" means the agencies we work with jointly (practice 5.1): a partner agency, a local
 * authority, the police or another organisation — never a funder or a business, which only their own recipient
 * category ("funder", "business") reaches (4.3: disclosure only with express consent and for a clear reason; 3.1:
 * every transfer clearly defined). One definition (src/purposes/reaches.ts) decides a disclosure (rule
 * disclosure/recipient-within-purpose), the organisations a consent may name, and an agreement's purposes.
 */
describe.each(dialects())('"named partner organisation" never reaches a funder or a business, 4.3 and 3.1 (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, staff: TestUser;
  let person: string, partner: string, funder: string, business: string, joint: string;
  const db = () => world.services.db.kysely;
  const RULE = 'disclosure/recipient-within-purpose';
  const CLAUSE = '3.1, monitoring-and-review';
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const consents = async () => Number((await db().selectFrom('consents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /** A consent-based request (4.3): no exception, so the person's consent is the basis. */
  const request = (organisationId: string, purposeId = joint) => ({
    personIds: [person], recipient: { organisationId, name: 'Sam Carter', role: 'Officer' }, purposeId,
    reason: 'They take over support next term and need contact details.', items: { personFields: ['givenName', 'familyName'] },
  });
  const consentBody = (purposeId: string, organisationIds: string[]) => ({
    purposeId, decision: 'given', recipients: organisationIds.map((organisationId) => ({ kind: 'organisation', organisationId })),
    dataCategories: ['general', 'personal'], told, method: { kind: 'oral', attestation: 'I explained the sharing and Jo agreed.' }, givenBy: { kind: 'person' },
  });

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    partner = await makeOrganisation(world, { name: 'Riverside Youth Trust', kind: 'partner_agency' });
    funder = await makeOrganisation(world, { name: 'Northern Arts Trust', kind: 'funder' });
    business = await makeOrganisation(world, { name: 'Sound Hire Ltd', kind: 'business' });
    joint = await insertPurpose(world, { name: 'Joint working', guardianId: guardian.id, createdBy: manager.id, categories: ['general', 'personal'], recipientCategories: ['named partner organisation'] });
    // A consent naming all three, as one recorded before a consent could no longer name a funder or a business under
    // such a purpose: it is still no basis for sending them anything.
    const id = await insertConsent(world, { personId: person, purposeId: joint, recordedBy: staff.id });
    await db().updateTable('consents').set({ data_categories: JSON.stringify(['general', 'personal']), categories_mask: 3 }).where('id', '=', id).execute();
    await db().insertInto('consent_recipients').values([partner, funder, business].map((o) => ({ consent_id: id, recipient: `org:${o}` }))).execute();
  });
  afterAll(() => world.close());

  it('4.3 third-party-disclosure, 3.1 justify-purpose: a disclosure to a funder or a business under a purpose listing only "named partner organisation" is refused — even with the person\'s consent naming it — with the rule, clause and what to do in the problem+json, audited as a denial on the person, nothing written', async () => {
    for (const [org, kind] of [[funder, 'funder'], [business, 'business']] as const) {
      const before = await disclosures();
      const seq = (await auditRows(world)).length;
      const res = await as(world, staff).post('/api/disclosures', request(org));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
      expect(res.json().detail).toContain(`never a ${kind}: only a purpose whose recipients include “${kind}” may go to a ${kind}. Choose a purpose whose recipients include “${kind}”.`);
      expect(res.json().detail).toContain(`the person's consent must name this ${kind} under that purpose`);
      expect(res.json().errors).toEqual([{ path: 'body.purposeId', message: `its recipients (named partner organisation) do not include a ${kind} (“named partner organisation” does not reach a ${kind}; it must list “${kind}”)` }]);
      const denials = (await auditRows(world)).slice(seq).filter((r) => r.decision === 'deny');
      expect(denials.map((r) => [r.action, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([['disclosure.request', RULE, CLAUSE, 'person', person]]);
      expect(JSON.parse(denials[0].detail)).toEqual({ purposeId: joint, recipientOrganisationId: org, recipientKind: kind });
      expect(JSON.stringify(denials)).not.toContain('Bloggs');
      expect(await disclosures()).toBe(before);
    }
  });

  it('4.3 third-party-disclosure, practice 5.1 partnership: a partner agency is still reached by "named partner organisation" — the same consent is the basis, audited as allowed', async () => {
    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post('/api/disclosures', request(partner));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ basis: 'consent', status: 'awaiting_acknowledgement' });
    const entry = (await auditRows(world)).slice(seq).find((r) => r.action === 'disclosure.request');
    expect(entry).toMatchObject({ decision: 'allow', resource_type: 'disclosure', resource_id: res.json().data.id });
    expect((await auditRows(world)).slice(seq).filter((r) => r.decision === 'deny')).toEqual([]);
  });

  it('4.3 informed-consent, 3.1: a purpose listing "funder" reaches a funder, and a consent naming the funder under it is the basis; it still does not reach a business', async () => {
    const funding = await insertPurpose(world, { name: 'Reporting to our funder', guardianId: guardian.id, createdBy: manager.id, categories: ['general', 'personal'], recipientCategories: ['named partner organisation', 'Funder'] });
    const recorded = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(funding, [funder]));
    expect(recorded.statusCode, recorded.body).toBe(201);
    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post('/api/disclosures', request(funder, funding));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ basis: 'consent', consentId: recorded.json().data.id });
    expect((await auditRows(world)).slice(seq).find((r) => r.action === 'disclosure.request')).toMatchObject({ decision: 'allow', resource_id: res.json().data.id });

    const seq2 = (await auditRows(world)).length;
    const toBusiness = await as(world, staff).post('/api/disclosures', request(business, funding));
    expect(toBusiness.statusCode, toBusiness.body).toBe(403);
    expect(toBusiness.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    const denials = (await auditRows(world)).slice(seq2).filter((r) => r.decision === 'deny');
    // Refused for the recipient first, and (its own entry) because no consent names the business.
    expect(denials.map((r) => [r.action, r.rule_id, r.clause, r.resource_type, r.resource_id])[0]).toEqual(['disclosure.request', RULE, CLAUSE, 'person', person]);
    expect(denials.map((r) => r.rule_id)).toEqual([RULE, 'consent/none-covers']);
  });

  it('4.3 informed-consent, 3.1: a consent under a purpose listing only "named partner organisation" may name a partner agency but not a funder or a business — 400 at each, saying what the purpose must list, nothing written', async () => {
    const before = await consents();
    const res = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(joint, [partner, funder, business]));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'body.recipients.1.organisationId', message: expect.stringContaining('never a funder: only a purpose whose recipients include “funder” may go to a funder') },
      { path: 'body.recipients.2.organisationId', message: expect.stringContaining('never a business: only a purpose whose recipients include “business” may go to a business') },
    ]);
    expect(await consents()).toBe(before);
    const ok = await as(world, staff).post(`/api/people/${person}/consents`, { ...consentBody(joint, [partner]), supersedes: await currentConsent(joint) });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('3.1 justify-purpose agreements/purpose-reaches-partners, practice 5.1: an agreement with a funder cannot cover a purpose listing only "named partner organisation" — 400 naming the funder and what the purpose must list', async () => {
    const res = await as(world, manager).post('/api/agreements', {
      title: 'Funding report protocol', partnerIds: [funder], purposeIds: [joint], dataCategories: ['general'],
      conditions: { security: 'Encrypted email only.', onwardSharing: 'None.', retention: '12 months.', breachNotification: 'Within 24 hours.' },
      requiresConsent: true, startsOn: '2026-04-01', endsOn: '2027-03-31', reviewOn: '2027-01-01',
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ rule: 'agreements/purpose-reaches-partners', clause: CLAUSE });
    expect(res.json().errors).toEqual([{ path: 'body.purposeIds.0', message: expect.stringMatching(/^the purpose “Joint working” cannot reach Northern Arts Trust \(a funder\): its recipients \(named partner organisation\) do not include “funder” \(“named partner organisation” means .* never a funder/) }]);
  });

  /** The person's current consent for a purpose (the one a new answer supersedes). */
  async function currentConsent(purposeId: string) {
    return (await db().selectFrom('consents').select('id').where('person_id', '=', person).where('purpose_id', '=', purposeId).where('superseded_by', 'is', null).executeTakeFirstOrThrow()).id;
  }
});
