import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// The test clock starts at 2026-03-02: a review may be due on 2029-03-02 at the latest (three years ahead).
const LATEST = '2029-03-02';
const CLAUSE = '3.1, 2.1';

/** A purpose kept inside the organisation's own service. */
const purposeBody = (guardianId: string, over: Record<string, unknown> = {}) => ({
  name: 'Service planning', description: 'Plan the sessions each young person needs, within the service.',
  lawfulBasis: 'legitimate_interests', dataCategories: ['general', 'personal'], recipientCategories: ['internal service only'], needsIdentity: true,
  retentionPeriod: 'P6Y', guardianId, nextReviewOn: '2027-03-01', ...over,
});

describe.each(dialects())('the purpose register: reviews, retention and organisation data (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, guardian2: TestUser, manager: TestUser;
  const db = () => world.services.db.kysely;
  const count = async () => Number((await db().selectFrom('purposes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rowOf = (id: string) => db().selectFrom('purposes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditCount = async () => (await auditRows(world)).length;
  const expect400 = (res: { statusCode: number; body: string; headers: Record<string, unknown>; json(): { errors: { path: string; message: string }[] } }, path: string) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.json().errors.map((e) => e.path)).toEqual([path]);
    return res.json().errors[0].message;
  };
  const draft = async (over: Record<string, unknown> = {}) => {
    const res = await as(world, manager).post('/api/purposes', purposeBody(guardian.id, over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
  });
  afterAll(() => world.close());

  it(`3.1 purpose-register: the next review is at most three years ahead on create, update, approve and re-approve — 2099 or the day after ${LATEST} is a 400 naming body.nextReviewOn, nothing written; ${LATEST} itself is accepted`, async () => {
    // Create.
    const before = await count();
    const audits = await auditCount();
    for (const nextReviewOn of ['2099-01-01', '2029-03-03']) {
      const message = expect400(await as(world, manager).post('/api/purposes', purposeBody(guardian.id, { nextReviewOn })), 'body.nextReviewOn');
      expect(message).toBe(`must be on or before ${LATEST}`);
    }
    expect(await count()).toBe(before);
    expect(await auditCount()).toBe(audits);
    const id = await draft({ nextReviewOn: LATEST });
    expect((await rowOf(id)).next_review_on).toBe(LATEST);

    // Update (its author, with If-Match).
    expect400(await as(world, manager).patch(`/api/purposes/${id}`, { nextReviewOn: '2099-01-01' }, { 'if-match': '"1"' }), 'body.nextReviewOn');
    expect(await rowOf(id)).toMatchObject({ version: 1, next_review_on: LATEST });
    const updated = await as(world, manager).patch(`/api/purposes/${id}`, { nextReviewOn: '2028-01-01' }, { 'if-match': '"1"' });
    expect(updated.statusCode, updated.body).toBe(200);

    // Approve (another guardian): a date given with the approval is checked the same way.
    expect400(await as(world, guardian2).post(`/api/purposes/${id}/approve`, { nextReviewOn: '2099-01-01' }, { 'if-match': '"2"' }), 'body.nextReviewOn');
    expect(await rowOf(id)).toMatchObject({ version: 2, status: 'draft', approved_by: null, next_review_on: '2028-01-01' });
    const approved = await as(world, guardian2).post(`/api/purposes/${id}/approve`, { nextReviewOn: LATEST }, { 'if-match': '"2"' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().data).toMatchObject({ status: 'active', nextReviewOn: LATEST });

    // Re-approve at a review: the next one is again at most three years ahead.
    const changesBefore = (await auditRows(world)).filter((r) => r.resource_id === id).length;
    expect400(await as(world, guardian2).post(`/api/purposes/${id}/reapprove`, { nextReviewOn: '2099-01-01' }, { 'if-match': '"3"' }), 'body.nextReviewOn');
    expect(await rowOf(id)).toMatchObject({ version: 3, next_review_on: LATEST });
    expect((await auditRows(world)).filter((r) => r.resource_id === id).length).toBe(changesBefore);
    const re = await as(world, guardian2).post(`/api/purposes/${id}/reapprove`, { nextReviewOn: '2028-06-01' }, { 'if-match': '"3"' });
    expect(re.statusCode, re.body).toBe(200);
    expect((await auditRows(world)).filter((r) => r.resource_id === id).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['purpose.create', 'allow', 'purposes/propose', CLAUSE],
      ['purpose.update', 'allow', 'purposes/author-edits-draft', CLAUSE],
      ['purpose.approve', 'allow', 'purposes/guardian-approves', CLAUSE],
      ['purpose.reapprove', 'allow', 'purposes/guardian-approves', CLAUSE],
    ]);
  });

  it('3.1 purpose-register: information is kept at most 50 years — P100Y, P51Y, P601M, P2601W and P18251D are a 400 naming body.retentionPeriod on create and update, nothing written; P50Y, P600M and P6Y are accepted', async () => {
    const before = await count();
    for (const retentionPeriod of ['P100Y', 'P51Y', 'P601M', 'P2601W', 'P18251D', 'P50Y1D']) {
      const message = expect400(await as(world, manager).post('/api/purposes', purposeBody(guardian.id, { retentionPeriod })), 'body.retentionPeriod');
      expect(message, retentionPeriod).toBe('at most 50 years (P50Y)');
    }
    expect(await count()).toBe(before);
    for (const retentionPeriod of ['P50Y', 'P600M', 'P6Y']) expect((await rowOf(await draft({ retentionPeriod }))).retention_period).toBe(retentionPeriod);
    const id = await draft();
    expect400(await as(world, manager).patch(`/api/purposes/${id}`, { retentionPeriod: 'P100Y' }, { 'if-match': '"1"' }), 'body.retentionPeriod');
    expect(await rowOf(id)).toMatchObject({ version: 1, retention_period: 'P6Y' });
    const ok = await as(world, manager).patch(`/api/purposes/${id}`, { retentionPeriod: 'P25Y' }, { 'if-match': '"1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.retentionPeriod).toBe('P25Y');
  });

  it('3.2 no-organisation-data: a purpose using organisation-specific (commercial) data goes to "internal service only" — any third-party recipient beside it is a 400 naming body.dataCategories, on create and on an update (the purpose as it would be), nothing written; kept internal it is accepted, and other information may still go to third parties', async () => {
    const before = await count();
    for (const recipientCategories of [['internal service only', 'GP practice'], ['funder'], ['named partner organisation']]) {
      const message = expect400(await as(world, manager).post('/api/purposes', purposeBody(guardian.id, { dataCategories: ['general', 'commercial'], recipientCategories })), 'body.dataCategories');
      expect(message).toBe('organisation-specific data goes to "internal service only", never to a third party');
    }
    expect(await count()).toBe(before);

    // Kept within the service (however it is capitalised), organisation data is fine; other data may go out.
    const internal = await draft({ dataCategories: ['general', 'commercial'], recipientCategories: ['Internal service only'] });
    const outward = await draft({ recipientCategories: ['GP practice'] });
    expect(await count()).toBe(before + 2);

    // An update is checked on the purpose as it would be: new recipients for the internal one, new data for the other.
    const audits = await auditCount();
    expect400(await as(world, manager).patch(`/api/purposes/${internal}`, { recipientCategories: ['internal service only', 'funder'] }, { 'if-match': '"1"' }), 'body.dataCategories');
    expect400(await as(world, manager).patch(`/api/purposes/${outward}`, { dataCategories: ['general', 'commercial'] }, { 'if-match': '"1"' }), 'body.dataCategories');
    expect(await rowOf(internal)).toMatchObject({ version: 1, recipient_categories: JSON.stringify(['Internal service only']) });
    expect(await rowOf(outward)).toMatchObject({ version: 1, data_categories: JSON.stringify(['general', 'personal']) });
    expect(await auditCount()).toBe(audits);

    // Both changed together, to keep it internal: accepted and audited.
    const ok = await as(world, manager).patch(`/api/purposes/${outward}`, { dataCategories: ['general', 'commercial'], recipientCategories: ['internal service only'] }, { 'if-match': '"1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data).toMatchObject({ dataCategories: ['general', 'commercial'], recipientCategories: ['internal service only'], version: 2 });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'purpose.update', decision: 'allow', rule_id: 'purposes/author-edits-draft', clause: CLAUSE, resource_id: outward });
  });
});
