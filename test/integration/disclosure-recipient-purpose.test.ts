import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertPurpose, makeCase, makeOrganisation, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * 3.1 (every transfer clearly defined and documented): a disclosure goes only to a recipient its purpose names — the
 * purpose lists "named partner organisation" or the organisation's kind — whatever its basis, at request and again
 * at release (rule disclosure/recipient-within-purpose).
 */
describe.each(dialects())('a disclosure goes only to a recipient its purpose names (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, police: string, council: string, other: string;
  const db = () => world.services.db.kysely;
  const RULE = 'disclosure/recipient-within-purpose';
  const CLAUSE = '3.1, monitoring-and-review';

  const purposeFor = (recipientCategories: string[]) =>
    insertPurpose(world, { name: `Purpose for ${recipientCategories.join(', ')}`, guardianId: guardian.id, createdBy: manager.id, recipientCategories });
  /** A legal-duty request (1.3): no consent asked, so only the purpose's recipients stand between it and a manager. */
  const legalDuty = (purposeId: string, organisationId: string) => ({
    personIds: [person], recipient: { organisationId, name: 'Duty officer', role: 'Officer' }, purposeId,
    reason: 'A statutory request for contact details.', items: { personFields: ['givenName', 'familyName'] },
    exception: { ground: 'legal_duty', reference: 'Request 4471/26', consentSought: false, notSoughtBecause: 'not_safe' },
  });
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    council = await makeOrganisation(world, { name: 'Riverside Council', kind: 'local_authority' });
    other = await makeOrganisation(world, { name: 'Hillside Choir', kind: 'other' });
  });
  afterAll(() => world.close());

  it('3.1 justify-purpose: a purpose whose information stays in house ("internal service only") reaches no organisation — even under a legal-duty exception the request is refused with the rule and clause, the purpose named as the field at fault, audited on the person, nothing written', async () => {
    const inHouse = await purposeFor(['internal service only']);
    const before = await disclosures();
    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post('/api/disclosures', legalDuty(inHouse, police));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    expect(res.json().detail).toContain('“police” or “named partner organisation”');
    expect(res.json().errors).toEqual([{ path: 'body.purposeId', message: 'its recipients (internal service only) do not include a police' }]);
    const denials = (await auditRows(world)).slice(seq).filter((r) => r.decision === 'deny');
    expect(denials.map((r) => [r.action, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([['disclosure.request', RULE, CLAUSE, 'person', person]]);
    expect(JSON.parse(denials[0].detail)).toEqual({ purposeId: inHouse, recipientOrganisationId: police, recipientKind: 'police' });
    expect(JSON.stringify(denials)).not.toContain('Bloggs');
    expect(await disclosures()).toBe(before);
  });

  it('3.1: a purpose naming the kind reaches organisations of that kind only (in any case), and "named partner organisation" reaches every kind but a funder and a business, "other" included', async () => {
    const policeOnly = await purposeFor(['police']);
    const allowed = await as(world, staff).post('/api/disclosures', legalDuty(policeOnly, police));
    expect(allowed.statusCode, allowed.body).toBe(201);
    expect(allowed.json().data.status).toBe('awaiting_approval');
    expect((await auditRows(world)).filter((r) => r.action === 'disclosure.request').at(-1)).toMatchObject({ decision: 'allow', resource_type: 'disclosure', resource_id: allowed.json().data.id });

    const toCouncil = await as(world, staff).post('/api/disclosures', legalDuty(policeOnly, council));
    expect(toCouncil.statusCode, toCouncil.body).toBe(403);
    expect(toCouncil.json()).toMatchObject({ rule: RULE, errors: [{ path: 'body.purposeId', message: 'its recipients (police) do not include a local authority' }] });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: RULE, clause: CLAUSE, resource_id: person });

    const councilByKind = await purposeFor(['Local Authority']);
    expect((await as(world, staff).post('/api/disclosures', legalDuty(councilByKind, council))).statusCode).toBe(201);

    // An organisation of kind "other" has no category of its own: only "named partner organisation" reaches it.
    const byKinds = await purposeFor(['police', 'local authority']);
    const toOther = await as(world, staff).post('/api/disclosures', legalDuty(byKinds, other));
    expect(toOther.statusCode, toOther.body).toBe(403);
    expect(toOther.json().detail).toContain('choose a purpose whose recipients include “named partner organisation”');
    expect(toOther.json().errors).toEqual([{ path: 'body.purposeId', message: 'its recipients (police; local authority) do not include this organisation: only “named partner organisation” reaches an organisation of kind “other”' }]);
    const named = await purposeFor(['named partner organisation']);
    for (const org of [other, police, council]) expect((await as(world, staff).post('/api/disclosures', legalDuty(named, org))).statusCode).toBe(201);
  });

  it('3.1: checked again at release — a recipient whose kind changed since the request is refused, audited as the release on the disclosure, and nothing leaves', async () => {
    const policeOnly = await purposeFor(['police']);
    const changing = await makeOrganisation(world, { name: 'Riverside Police Liaison', kind: 'police' });
    const { id, token } = await requestDisclosureWithLink(world, staff, manager2, legalDuty(policeOnly, changing));
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Duty officer', date: '2026-03-02' })).statusCode).toBe(200);
    await db().updateTable('organisations').set({ kind: 'business' }).where('id', '=', changing).execute();

    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: RULE, clause: CLAUSE, errors: [{ path: 'params.id', message: 'its recipients (police) do not include a business' }] });
    expect((await auditRows(world)).slice(seq).map((r) => [r.action, r.decision, r.rule_id, r.resource_type, r.resource_id])).toEqual([
      ['disclosure.release', 'deny', RULE, 'disclosure', id],
    ]);
    const row = await db().selectFrom('disclosures').select(['status', 'pack_sha256']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'acknowledged', pack_sha256: null });
    expect(await db().selectFrom('disclosure_packs').select('disclosure_id').where('disclosure_id', '=', id).execute()).toEqual([]);

    // Back to the police: released.
    await db().updateTable('organisations').set({ kind: 'police' }).where('id', '=', changing).execute();
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data.status).toBe('released');
  });
});
