import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_CONDITIONS, as, auditRows, insertPurpose, makeOrganisation, makeUser, multipartFile, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const RULE = 'agreements/purpose-reaches-partners';

/**
 * An agreement covers only purposes whose information may go to each of its partners (3.1; practice 5.1): a
 * disclosure goes only to a recipient its purpose names (src/purposes/reaches.ts), so a purpose that cannot reach a
 * partner could never be shared under the agreement. And its review date falls within its dates.
 */
describe.each(dialects())('an agreement\'s purposes reach its partners, and its dates are in order, 3.1 and practice 5.1 (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, guardian: TestUser;
  let agency: string, police: string, other: string;
  let named: string, agencyOnly: string, policeOnly: string, internal: string;
  const db = () => world.services.db.kysely;

  const purpose = (name: string, recipientCategories: string[]) => insertPurpose(world, { name, guardianId: guardian.id, createdBy: manager.id, recipientCategories });
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Joint working protocol', partnerIds: [agency], purposeIds: [named], dataCategories: ['general', 'personal'],
    conditions: AGREEMENT_CONDITIONS, requiresConsent: true, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-10-01', ...over,
  });
  const etagOf = async (id: string) => (await as(world, manager).get(`/api/agreements/${id}`)).headers.etag as string;
  const create = (over: Record<string, unknown> = {}) => as(world, manager).post('/api/agreements', body(over));
  /** Every row an agreement is written to, and the audit, to show that a refusal wrote nothing. */
  const snapshot = async () => ({
    agreements: await db().selectFrom('agreements').selectAll().orderBy('id').execute(),
    parties: await db().selectFrom('agreement_parties').selectAll().orderBy('agreement_id').orderBy('organisation_id').execute(),
    purposes: await db().selectFrom('agreement_purposes').selectAll().orderBy('agreement_id').orderBy('purpose_id').execute(),
    audit: (await auditRows(world)).length,
  });
  async function draft(over: Record<string, unknown> = {}) {
    const res = await create(over);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    agency = await makeOrganisation(world, { name: 'Riverside Youth Trust', kind: 'partner_agency' });
    police = await makeOrganisation(world, { name: 'Northshire Police', kind: 'police' });
    other = await makeOrganisation(world, { name: 'Hillside Choir', kind: 'other' });
    named = await purpose('Joint support planning', ['named partner organisation']);
    agencyOnly = await purpose('Handing over to an agency', ['Partner agency']);
    policeOnly = await purpose('Statutory requests', ['police']);
    internal = await purpose('Running our sessions', ['internal service only']);
  });
  afterAll(() => world.close());

  it('3.1 justify-purpose agreements/purpose-reaches-partners: a new agreement whose purposes list its partners — by name ("named partner organisation") or by the kind\'s category, in any case — is drafted', async () => {
    for (const [partnerIds, purposeIds] of [
      [[agency, police, other], [named]], [[agency], [agencyOnly, named]], [[police], [policeOnly, named]],
    ] as const) {
      const res = await create({ partnerIds, purposeIds });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().data).toMatchObject({ status: 'draft', purposeIds: expect.arrayContaining([...purposeIds]) });
    }
  });

  it('3.1 justify-purpose agreements/purpose-reaches-partners: a new agreement naming a purpose that cannot reach one of its partners is refused — 400 at that purpose\'s entry, saying which partner and why, nothing written', async () => {
    const before = await snapshot();
    for (const [over, path, says] of [
      [{ purposeIds: [named, internal] }, 'body.purposeIds.1', /“Running our sessions” cannot reach Riverside Youth Trust \(a partner agency\): its recipients \(internal service only\) do not include “partner agency” or “named partner organisation”/],
      [{ partnerIds: [agency, police], purposeIds: [agencyOnly] }, 'body.purposeIds.0', /“Handing over to an agency” cannot reach Northshire Police \(police\): its recipients \(Partner agency\) do not include “police” or “named partner organisation”/],
      [{ partnerIds: [other], purposeIds: [named, agencyOnly] }, 'body.purposeIds.1', /cannot reach Hillside Choir \(another kind of organisation\): its recipients \(Partner agency\) do not include “named partner organisation”$/],
      [{ partnerIds: [agency, police], purposeIds: [internal] }, 'body.purposeIds.0', /cannot reach Riverside Youth Trust \(a partner agency\) or Northshire Police \(police\): .* do not include “partner agency”, “police” or “named partner organisation”/],
    ] as const) {
      const res = await create(over);
      expect(res.statusCode, path).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 400, rule: RULE, clause: '3.1, monitoring-and-review', detail: expect.stringMatching(/a disclosure goes only to a recipient its purpose names \(3\.1\)/) });
      expect(res.json().errors).toEqual([{ path, message: expect.stringMatching(says) }]);
      expect(res.json().detail).not.toMatch(/purposeIds|partnerIds|recipient_categories/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('3.1 justify-purpose agreements/purpose-reaches-partners: changing a draft checks the purposes and partners it would have — a purpose added that cannot reach, or a partner added that a purpose cannot reach, is refused at its entry, nothing written; a change that keeps them in reach is saved', async () => {
    const id = await draft({ partnerIds: [agency], purposeIds: [agencyOnly] });
    const etag = await etagOf(id);
    const before = await snapshot();
    for (const [change, path, says] of [
      [{ purposeIds: [agencyOnly, internal] }, 'body.purposeIds.1', /“Running our sessions” cannot reach Riverside Youth Trust/],
      [{ partnerIds: [agency, police] }, 'body.partnerIds.1', /“Handing over to an agency” cannot reach Northshire Police \(police\)/],
      [{ partnerIds: [police], purposeIds: [named, agencyOnly] }, 'body.purposeIds.1', /“Handing over to an agency” cannot reach Northshire Police/],
    ] as const) {
      const res = await as(world, manager).patch(`/api/agreements/${id}`, change, { 'if-match': etag });
      expect(res.statusCode, path).toBe(400);
      expect(res.json()).toMatchObject({ rule: RULE, clause: '3.1, monitoring-and-review', errors: [{ path, message: expect.stringMatching(says) }] });
    }
    expect(await snapshot()).toEqual(before);

    const ok = await as(world, manager).patch(`/api/agreements/${id}`, { partnerIds: [agency, police], purposeIds: [named] }, { 'if-match': etag });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data).toMatchObject({ purposeIds: [named], partners: expect.arrayContaining([expect.objectContaining({ organisationId: police })]) });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'agreement.update', decision: 'allow', resource_id: id });
  });

  it('3.1 justify-purpose agreements/purpose-reaches-partners: a variation copies the terms, so one of a signed agreement whose partner its purpose no longer reaches (the partner\'s kind changed) is refused — 400 naming the purpose, nothing written; once the purpose reaches it again, the variation is drafted', async () => {
    const partner = await makeOrganisation(world, { name: 'Eastside Family Service', kind: 'partner_agency' });
    const id = await draft({ partnerIds: [partner], purposeIds: [agencyOnly], requiresConsent: false });
    const sign = async (b: Record<string, unknown>) => expect((await as(world, manager).post(`/api/agreements/${id}/signatories`, b, { 'if-match': await etagOf(id) })).statusCode).toBe(200);
    await sign({ party: 'ours', userId: guardian.id, role: 'Caldicott guardian', signedOn: '2026-01-05' });
    await sign({ party: 'partner', organisationId: partner, name: 'E. Partner', role: 'Director', signedOn: '2026-01-06' });
    const m = multipartFile(PDF);
    const attached = await world.app.inject({ method: 'POST', url: `/api/agreements/${id}/document`, payload: m.payload, headers: { 'content-type': m.contentType, cookie: `confide_session=${manager.cookie}`, 'x-csrf-token': manager.csrf, 'if-match': await etagOf(id) } });
    expect(attached.json().data.status).toBe('in_force');

    await db().updateTable('organisations').set({ kind: 'business' }).where('id', '=', partner).execute();
    const before = await snapshot();
    const refused = await as(world, manager).post(`/api/agreements/${id}/vary`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      rule: RULE, clause: '3.1, monitoring-and-review', detail: expect.stringMatching(/Draft a new agreement without it instead\.$/),
      errors: [{ path: 'params.id', message: expect.stringMatching(/“Handing over to an agency” cannot reach Eastside Family Service \(a business\)/) }],
    });
    expect(await snapshot()).toEqual(before);

    await db().updateTable('organisations').set({ kind: 'partner_agency' }).where('id', '=', partner).execute();
    const varied = await as(world, manager).post(`/api/agreements/${id}/vary`);
    expect(varied.statusCode, varied.body).toBe(201);
    expect(varied.json().data).toMatchObject({ status: 'draft', supersedes: id, purposeIds: [agencyOnly] });
  });

  it('3.1 justify-purpose agreements/purpose-reaches-partners: each step towards signing rechecks the draft — once its partner\'s kind changed so that its purpose no longer reaches it, recording a signatory and attaching the signed copy are refused (409 at the agreement, naming the purpose), audited as the step attempted, nothing written; once the purpose reaches it again, it is signed', async () => {
    const partner = await makeOrganisation(world, { name: 'Westgate Family Hub', kind: 'partner_agency' });
    const id = await draft({ partnerIds: [partner], purposeIds: [agencyOnly], requiresConsent: false });
    const signatory = (b: Record<string, unknown>) => async () => as(world, manager).post(`/api/agreements/${id}/signatories`, b, { 'if-match': await etagOf(id) });
    const ours = signatory({ party: 'ours', userId: guardian.id, role: 'Caldicott guardian', signedOn: '2026-01-05' });
    const theirs = signatory({ party: 'partner', organisationId: partner, name: 'W. Partner', role: 'Director', signedOn: '2026-01-06' });
    const attach = async () => {
      const m = multipartFile(PDF);
      return world.app.inject({ method: 'POST', url: `/api/agreements/${id}/document`, payload: m.payload, headers: { 'content-type': m.contentType, cookie: `confide_session=${manager.cookie}`, 'x-csrf-token': manager.csrf, 'if-match': await etagOf(id) } });
    };
    expect((await ours()).statusCode).toBe(200);

    await db().updateTable('organisations').set({ kind: 'business' }).where('id', '=', partner).execute();
    const before = { ...(await snapshot()), signatories: await db().selectFrom('agreement_signatories').selectAll().where('agreement_id', '=', id).execute() };
    for (const [action, step] of [['agreement.sign', theirs], ['agreement.attach', attach]] as const) {
      const refused = await step();
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({
        rule: RULE, clause: '3.1, monitoring-and-review', detail: expect.stringMatching(/changed since it was drafted/),
        errors: [{ path: 'params.id', message: expect.stringMatching(/“Handing over to an agency” cannot reach Westgate Family Hub \(a business\)/) }],
      });
      const entry = (await auditRows(world)).at(-1)!;
      expect([entry.action, entry.decision, entry.rule_id, entry.clause, entry.resource_type, entry.resource_id, entry.actor_id]).toEqual([action, 'deny', RULE, '3.1, monitoring-and-review', 'agreement', id, manager.id]);
    }
    const after = { ...(await snapshot()), signatories: await db().selectFrom('agreement_signatories').selectAll().where('agreement_id', '=', id).execute() };
    expect({ ...after, audit: after.audit - 2 }).toEqual(before);

    await db().updateTable('organisations').set({ kind: 'partner_agency' }).where('id', '=', partner).execute();
    expect((await theirs()).statusCode).toBe(200);
    const signed = await attach();
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().data.status).toBe('in_force');
  });

  it('practice 5.1 sharing-agreements: the review date falls within the agreement — not before its start date (nor after its end date), on creating and on changing a draft: 400 naming the field in plain words, nothing written; a review on the first day is accepted', async () => {
    const before = await snapshot();
    for (const [over, errors] of [
      [{ startsOn: '2026-12-10', endsOn: '2027-12-09', reviewOn: '2025-01-01' }, [{ path: 'body.reviewOn', message: 'must not be before the start date' }]],
      [{ reviewOn: '2027-01-01' }, [{ path: 'body.reviewOn', message: 'must not be after the end date' }]],
      [{ startsOn: '2026-06-01', endsOn: '2026-05-31', reviewOn: '2026-05-01' }, [
        { path: 'body.endsOn', message: 'must not be before the start date' }, { path: 'body.reviewOn', message: 'must not be before the start date' },
      ]],
    ] as const) {
      const res = await create(over);
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.json().errors).toEqual(errors);
    }
    expect(await snapshot()).toEqual(before);

    const id = await draft({ startsOn: '2026-04-01', endsOn: '2027-03-31', reviewOn: '2026-04-01' }); // the first day is within it
    const etag = await etagOf(id);
    const unchanged = await snapshot();
    for (const [change, path, message, detail] of [
      [{ reviewOn: '2026-03-31' }, 'body.reviewOn', 'must not be before the start date', 'The review date must not be before the start date.'],
      [{ startsOn: '2026-05-01' }, 'body.reviewOn', 'must not be before the start date', 'The review date must not be before the start date.'],
      [{ reviewOn: '2027-04-01' }, 'body.reviewOn', 'must not be after the end date', 'The review date must not be after the end date.'],
    ] as const) {
      const res = await as(world, manager).patch(`/api/agreements/${id}`, change, { 'if-match': etag });
      expect(res.statusCode, path).toBe(400);
      expect(res.json()).toMatchObject({ detail, errors: [{ path, message }] });
    }
    const endsFirst = await as(world, manager).patch(`/api/agreements/${id}`, { endsOn: '2026-03-01' }, { 'if-match': etag });
    expect(endsFirst.statusCode).toBe(400);
    expect(endsFirst.json()).toMatchObject({ detail: 'The end date must not be before the start date.', errors: [
      { path: 'body.endsOn', message: 'must not be before the start date' }, { path: 'body.reviewOn', message: 'must not be after the end date' },
    ] });
    expect(await snapshot()).toEqual(unchanged);
    const ok = await as(world, manager).patch(`/api/agreements/${id}`, { startsOn: '2026-05-01', reviewOn: '2026-11-01' }, { 'if-match': etag });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data).toMatchObject({ startsOn: '2026-05-01', reviewOn: '2026-11-01' });
  });
});
