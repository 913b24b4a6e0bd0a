import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const NEED_TO_KNOW = '3.3, 3.4, 4.2';

describe.each(dialects())('a referral that does not exist, 3.4 (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, leadManager: TestUser, manager2: TestUser, volunteer: TestUser;
  let person: string, council: string, purpose: string;
  /** The audit entries a call added: action, decision, rule, clause, resource type and id, actor and detail. */
  async function audited(call: () => Promise<unknown>) {
    const before = (await auditRows(world)).length;
    await call();
    return (await auditRows(world)).slice(before).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id, JSON.parse(r.detail)]);
  }
  async function raise() {
    const res = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: 'Said her stepfather hits her', occurredAt: '2026-03-02T08:30:00Z',
      peopleInvolved: 'the child; her stepfather', immediateRisk: true, actionsTaken: 'Stayed with her; told the lead',
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  /** An urgent referral sharing under the legal duty, the consent and telling answers left to complete: its answer. */
  async function refer(by: TestUser) {
    const res = await as(world, by).post(`/api/concerns/${await raise()}/referrals`, {
      to: 'local_authority', urgent: true, riskOfHarm: true, riskOfHarmReason: 'Disclosed physical harm at home', consentPossibleAndSafe: null, consentNote: null,
      informationShared: 'Name and what she said', sharedWith: 'Children\'s services duty team', sharedHow: 'Secure referral portal', personTold: null,
      share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Duty team' }, purposeId: purpose, items: { personFields: ['givenName', 'familyName'], concern: true } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; releasedAtOnce: boolean };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    volunteer = await makeUser(world, ['volunteer']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Mia', familyName: 'Stone' });
    await makeCase(world, person, { [volunteer.id]: 'volunteer', [lead.id]: 'worker' });
    council = await makeOrganisation(world, { name: 'City Council Children\'s Services', kind: 'local_authority' });
    const created = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team needs to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['local authority safeguarding team'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: approving, reviewing or completing a referral that does not exist is 404 — the answer any referral one may not work gives — audited as the action attempted, default/not-found', async () => {
    const missing = newId();
    const calls: [TestUser, string, string, unknown][] = [
      [manager2, 'disclosure.approve', 'approval', { decision: 'approve', justification: 'The law requires it' }],
      [manager2, 'disclosure.approve', 'review', { outcome: 'upheld', note: 'Right to release at once' }],
      [lead, 'concern.work', 'completion', { personTold: true }],
    ];
    for (const [user, action, step, body] of calls) {
      let res: Awaited<ReturnType<ReturnType<typeof as>['post']>> | undefined;
      const entries = await audited(async () => (res = await as(world, user).post(`/api/referrals/${missing}/${step}`, body)));
      expect(res!.statusCode, `${step}: ${res!.body}`).toBe(404);
      expect(res!.json()).toMatchObject({ status: 404, detail: 'No referral with that id, or you do not have access to it.' });
      expect(entries).toEqual([[action, 'deny', 'default/not-found', NEED_TO_KNOW, 'referral', missing, user.id, { found: false }]]);
    }
  });

  it('practice 4.2 safeguarding-management: a referral that exists is approved by a manager who did not make it, completed by a lead and reviewed after a release at once — each allowed and audited', async () => {
    const waiting = await refer(lead);
    const approval = await audited(async () => expect((await as(world, manager2).post(`/api/referrals/${waiting.id}/approval`, { decision: 'approve', justification: 'The law requires it' })).statusCode).toBe(200));
    expect(approval.filter((r) => r[0] === 'disclosure.approve').map((r) => r.slice(0, 4))).toEqual([['disclosure.approve', 'allow', 'disclosure/manager-decides-exception', '1.3']]);
    const completion = await audited(async () => expect((await as(world, lead).post(`/api/referrals/${waiting.id}/completion`, { consentPossibleAndSafe: false, consentNote: 'Not safe to ask' })).statusCode).toBe(200));
    expect(completion.filter((r) => r[0] === 'referral.complete').map((r) => r.slice(0, 4))).toEqual([['referral.complete', 'allow', 'safeguarding/work-concern', 'practice 4.2, practice 4.3']]);
    const atOnce = await refer(leadManager);
    expect(atOnce.releasedAtOnce).toBe(true);
    const review = await audited(async () => expect((await as(world, manager2).post(`/api/referrals/${atOnce.id}/review`, { outcome: 'upheld', note: 'Right to release at once' })).statusCode).toBe(200));
    expect(review.filter((r) => r[0] === 'referral.review').map((r) => r.slice(0, 2))).toEqual([['referral.review', 'allow']]);
  });
});
