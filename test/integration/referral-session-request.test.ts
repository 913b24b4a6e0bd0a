import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const REQUEST = 'Mia asked on 2 March, in her session, that her session notes go to the social worker.';

/**
 * Practice 2: session details go to no third party "without exception unless the client concerned specifically
 * requests this" — a safeguarding referral included. A referral that shares a note (its account is session details)
 * records the person's request in `share.clientRequest`, as a disclosure does; without it the refusal names the note
 * and the request still to record. An item the referrer may not read at all is refused naming the item too (3.4),
 * so the decision aid can point at it.
 */
describe.each(dialects())('a referral shares session details only at the person\'s recorded request (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, leadManager: TestUser, teamManager: TestUser, staff: TestUser, volunteer: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, caseId: string, council: string, purpose: string, note: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'referrals' | 'disclosures') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  async function raise() {
    const res = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: 'Said her stepfather hits her when she is late home', occurredAt: '2026-03-02T08:30:00Z', immediateRisk: false,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  const answers = (share: Record<string, unknown>) => ({
    to: 'local_authority', riskOfHarm: true, riskOfHarmReason: 'Disclosed physical harm at home', consentPossibleAndSafe: true,
    consentNote: 'She agreed and asked for her session notes to go', informationShared: 'Her name and her session note', sharedWith: 'Children\'s services duty team',
    sharedHow: 'Secure referral portal', personTold: true,
    share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Children\'s services duty team' }, purposeId: purpose, items: { personFields: ['givenName'], notes: [note] }, ...share },
  });

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    teamManager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Mia', familyName: 'Stone' });
    // The lead works on her case; a manager on the team sees session details (practice 2), one off it does not.
    caseId = await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'volunteer', [lead.id]: 'worker', [teamManager.id]: 'manager' });
    note = await makeNote(world, caseId, staff.id, 'She talked about home and asked for this to go to her social worker');
    council = await makeOrganisation(world, { name: 'City Council Children\'s Services', kind: 'local_authority' });
    const created = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team needs to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding', 'session'], recipientCategories: ['local authority', 'police'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
  });
  afterAll(async () => world?.close());

  it('practice 2 session-staff-team-only: a referral sharing a note without the person\'s request is refused naming the note (body.share.items.notes.0) and the request to record (body.share.clientRequest.detail); nothing written, the denial audited', async () => {
    const id = await raise();
    const [referrals, disclosures] = [await count('referrals'), await count('disclosures')];
    const res = await as(world, lead).post(`/api/concerns/${id}/referrals`, answers({}));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'disclosure/session-only-at-client-request', clause: 'practice 1, practice 2' });
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.share.items.notes.0', 'body.share.clientRequest.detail']);
    expect([await count('referrals'), await count('disclosures')]).toEqual([referrals, disclosures]);
    const denial = (await auditRows(world)).filter((r) => r.action === 'disclosure.request' && r.decision === 'deny' && r.actor_id === lead.id).at(-1)!;
    expect(denial).toMatchObject({ rule_id: 'disclosure/session-only-at-client-request', resource_type: 'concern', resource_id: id });
    expect(JSON.parse(denial.detail)).toMatchObject({ sessionItems: true, clientRequested: false });
  });

  it('practice 2 session-staff-team-only: with the person\'s request recorded (share.clientRequest) the referral shares the note — the request kept on its disclosure, never in the audit — and a manager on the team releases it (1.3)', async () => {
    const id = await raise();
    const res = await as(world, lead).post(`/api/concerns/${id}/referrals`, answers({ clientRequest: { detail: REQUEST } }));
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r.disclosure).toMatchObject({ status: 'awaiting_approval' });
    const d = (await as(world, lead).get(`/api/disclosures/${r.disclosure.id}`)).json().data;
    expect(d).toMatchObject({ clientRequested: true, clientRequestDetail: REQUEST, items: { personFields: ['givenName'], notes: [note] } });
    const requested = (await auditRows(world)).filter((e) => e.action === 'disclosure.request' && e.decision === 'allow' && e.resource_id === r.disclosure.id);
    expect(requested.map((e) => JSON.parse(e.detail).clientRequested)).toEqual([true]);
    for (const e of await auditRows(world)) expect(e.detail ?? '').not.toContain('asked on 2 March');

    // Released by a manager other than the referrer, on her staff team: checked again with the request recorded.
    const approved = await as(world, teamManager).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'She asked for her notes to go; a risk of harm at home.' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await as(world, lead).get(`/api/disclosures/${r.disclosure.id}`)).json().data).toMatchObject({ status: 'released' });
  });

  it('3.4 need-to-know: a note whose session details the referrer may not read is refused with the read\'s rule, naming the note (body.share.items.notes.0) — even with the person\'s request; nothing written', async () => {
    const id = await raise();
    const [referrals, disclosures] = [await count('referrals'), await count('disclosures')];
    const res = await as(world, leadManager).post(`/api/concerns/${id}/referrals`, answers({ clientRequest: { detail: REQUEST } }));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'session/staff-team-only', clause: 'practice 1, practice 2' });
    expect(res.json().errors).toEqual([{ path: 'body.share.items.notes.0', message: res.json().detail }]);
    expect([await count('referrals'), await count('disclosures')]).toEqual([referrals, disclosures]);
  });

  it('3.4 need-to-know: a disclosure request naming a field its requester may not read is refused with the read\'s rule, naming that field (body.items.personFields.1)', async () => {
    const res = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: council, name: 'Duty social worker', role: 'Duty team' }, purposeId: purpose,
      reason: 'A statutory request.', items: { personFields: ['givenName', 'safeguardingNotes'] }, exception: { ground: 'legal_duty', reference: 'CS-1', consentSought: false, notSoughtBecause: 'not_safe' },
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().errors).toEqual([{ path: 'body.items.personFields.1', message: res.json().detail }]);
  });
});
