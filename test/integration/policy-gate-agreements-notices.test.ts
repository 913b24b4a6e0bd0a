import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_CONDITIONS, as, auditRows, insertPurpose, makeOrganisation, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const GATE = 'agreement/not-accepted';
const CLAUSE = '3.5, practice 3';
const SIGNATORY = 'Rowan Partnerson';

// 3.5: everyone handling information knows their responsibilities before acting. The sharing-agreement register names
// a partner's signatories and the conditions agreed with it — a partner's business information, held as
// confidentially as personal information (1.4, 2.3) — and the notice people are told at first contact is written
// under the policy (4.1): both wait until the current version of the policy is accepted, as `may` says.
describe.each(dialects())('the policy-acceptance gate: sharing agreements and writing the notice (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, newcomer: TestUser, guardian: TestUser, staffNewcomer: TestUser;
  let agreementId: string;
  const db = () => world.services.db.kysely;
  const notices = async () => Number((await db().selectFrom('notices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const denialsOf = async (user: TestUser) => (await auditRows(world)).filter((r) => r.actor_id === user.id && r.decision === 'deny');
  const mayOf = async (user: TestUser) => {
    const me = await as(world, user).get('/api/auth/me');
    expect(me.statusCode, me.body).toBe(200);
    return me.json().may as string[];
  };
  const noticeBody = { title: 'How we use your information', body: 'We keep what you tell us confidential, and share it only with your consent or where the law requires.', language: 'en' };

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    newcomer = await makeUser(world, ['manager'], { accepted: false });
    staffNewcomer = await makeUser(world, ['staff'], { accepted: false });
    const partner = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const purpose = await insertPurpose(world, {
      name: 'Joint support planning', guardianId: guardian.id, createdBy: manager.id, categories: ['general', 'personal'], recipientCategories: ['named partner organisation'],
    });
    const created = await as(world, manager).post('/api/agreements', {
      title: 'Joint working protocol with Riverside', partnerIds: [partner], purposeIds: [purpose], dataCategories: ['general', 'personal'],
      conditions: AGREEMENT_CONDITIONS, requiresConsent: true, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-10-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    agreementId = created.json().data.id;
    const signed = await as(world, manager).post(`/api/agreements/${agreementId}/signatories`, { party: 'partner', organisationId: partner, name: SIGNATORY, role: 'Director', signedOn: '2026-01-06' }, { 'if-match': created.headers.etag as string });
    expect(signed.statusCode, signed.body).toBe(200);
  });
  afterAll(() => world.close());

  it('3.5 staff-awareness (agreement/not-accepted): a manager who has not accepted the current policy reads no sharing agreement — the register, one agreement, its reviews or those due — 403 naming the rule and clause, audited, no partner detail in the answer', async () => {
    const before = (await denialsOf(newcomer)).length;
    const urls = ['/api/agreements', `/api/agreements/${agreementId}`, `/api/agreements/${agreementId}/reviews`, '/api/agreements/review-due'];
    for (const url of urls) {
      const res = await as(world, newcomer).get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ rule: GATE, clause: CLAUSE });
      expect(res.body).not.toContain(SIGNATORY);
      expect(res.body).not.toContain(AGREEMENT_CONDITIONS.onwardSharing);
    }
    const denied = (await denialsOf(newcomer)).slice(before);
    expect(denied.map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual(urls.map(() => ['agreement.read', 'deny', GATE, CLAUSE]));
    for (const r of denied) expect(r.detail).not.toContain(SIGNATORY);
    // The same holds for anyone: staff too.
    expect((await as(world, staffNewcomer).get('/api/agreements')).json()).toMatchObject({ rule: GATE, clause: CLAUSE });
    // A manager who has accepted reads the register and the agreement's signatories (allowed, audited).
    const list = await as(world, manager).get('/api/agreements');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(agreementId);
    const one = await as(world, manager).get(`/api/agreements/${agreementId}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.body).toContain(SIGNATORY);
  });

  it('3.5 staff-awareness (agreement/not-accepted): a manager who has not accepted the current policy cannot draft or publish the notice — 403 naming the rule and clause, audited, nothing written; reading the published notice stays open to them', async () => {
    const before = await notices();
    const denialsBefore = (await denialsOf(newcomer)).length;
    for (const body of [noticeBody, { ...noticeBody, publish: true }]) {
      const res = await as(world, newcomer).post('/api/notices', body);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ rule: GATE, clause: CLAUSE });
    }
    expect(await notices()).toBe(before);
    expect((await denialsOf(newcomer)).slice(denialsBefore).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual(Array(2).fill(['notice.publish', 'deny', GATE, CLAUSE]));
    expect((await auditRows(world)).filter((r) => r.actor_id === newcomer.id && r.decision !== 'deny' && r.action.startsWith('notice.'))).toEqual([]);

    // A manager who has accepted drafts and publishes it; the newcomer still reads the published notice (not gated).
    const drafted = await as(world, manager).post('/api/notices', { ...noticeBody, publish: true });
    expect(drafted.statusCode, drafted.body).toBe(201);
    expect(await notices()).toBe(before + 1);
    expect((await auditRows(world)).filter((r) => r.actor_id === manager.id && r.action === 'notice.publish').map((r) => [r.decision, r.rule_id])).not.toEqual([]);
    const read = await as(world, newcomer).get('/api/notices');
    expect(read.statusCode, read.body).toBe(200);
  });

  it('3.5 staff-awareness (agreement/not-accepted): `may` of /api/auth/me leaves out reading agreements and writing the notice until the policy is accepted; once accepted, both are offered and allowed', async () => {
    const gated = ['agreement.read', 'notice.publish'];
    const mayBefore = await mayOf(newcomer);
    for (const action of gated) expect(mayBefore).not.toContain(action);
    // Reading the notice and reporting a breach never wait (3.5 and clause 5).
    expect(mayBefore).toEqual(expect.arrayContaining(['notice.read', 'breach.report']));
    expect(await mayOf(manager)).toEqual(expect.arrayContaining(gated));

    const accepted = await as(world, newcomer).post('/api/policy/accept', { version: 1 });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await mayOf(newcomer)).toEqual(expect.arrayContaining(gated));
    const list = await as(world, newcomer).get('/api/agreements');
    expect(list.statusCode, list.body).toBe(200);
    const before = await notices();
    const drafted = await as(world, newcomer).post('/api/notices', { ...noticeBody, title: 'How we use your information (draft)' });
    expect(drafted.statusCode, drafted.body).toBe(201);
    expect(await notices()).toBe(before + 1);
    const allowed = (await auditRows(world)).filter((r) => r.actor_id === newcomer.id && r.decision !== 'deny' && r.action.startsWith('notice.'));
    expect(allowed.map((r) => [r.action, r.rule_id, r.resource_id])).toEqual([['notice.draft', 'notices/publish', drafted.json().id]]);
  });
});
