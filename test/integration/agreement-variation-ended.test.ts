import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_STATUSES } from '../../src/agreements/schema';
import { AGREEMENT_CONDITIONS, as, auditRows, insertPurpose, makeOrganisation, makeUser, multipartFile, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const conditions = AGREEMENT_CONDITIONS;

/**
 * A variation replaces the version it varies once every party has signed it — only while that version is current
 * (practice 5.1): one ended early covers nothing from then on, so a variation drafted before cannot bring it back.
 */
describe.each(dialects())('a variation of an agreement no longer current, practice 5.1 (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, guardian: TestUser, staff: TestUser;
  let partner: string, purpose: string;
  const db = () => world.services.db.kysely;
  const NOW = new Date('2026-03-02T09:00:00.000Z');

  const activePurpose = (name: string) => insertPurpose(world, {
    name, description: 'Joint support planning.', guardianId: guardian.id, createdBy: manager.id, categories: ['general', 'personal'],
    art9Condition: 'health_social_care', recipientCategories: ['named partner organisation'],
  });
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Joint working protocol', partnerIds: [partner], purposeIds: [purpose], dataCategories: ['general', 'personal'],
    conditions, requiresConsent: false, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-10-01', ...over,
  });
  const etagOf = async (id: string) => (await as(world, manager).get(`/api/agreements/${id}`)).headers.etag as string;
  const view = async (id: string) => (await as(world, manager).get(`/api/agreements/${id}`)).json();
  const signOurs = async (id: string) => as(world, manager).post(`/api/agreements/${id}/signatories`, { party: 'ours', userId: guardian.id, role: 'Caldicott guardian', signedOn: '2026-01-05' }, { 'if-match': await etagOf(id) });
  const signPartner = async (id: string) => as(world, manager).post(`/api/agreements/${id}/signatories`, { party: 'partner', organisationId: partner, name: 'R. Partner', role: 'Director', signedOn: '2026-01-06' }, { 'if-match': await etagOf(id) });
  const attach = async (id: string) => {
    const m = multipartFile(PDF);
    return world.app.inject({ method: 'POST', url: `/api/agreements/${id}/document`, payload: m.payload, headers: { 'content-type': m.contentType, cookie: `confide_session=${manager.cookie}`, 'x-csrf-token': manager.csrf, 'if-match': await etagOf(id) } });
  };
  async function fullySigned(over: Record<string, unknown> = {}) {
    const res = await as(world, manager).post('/api/agreements', body(over));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    expect((await signOurs(id)).statusCode).toBe(200);
    expect((await signPartner(id)).statusCode).toBe(200);
    expect((await attach(id)).statusCode).toBe(200);
    return id;
  }
  const vary = async (id: string) => {
    const res = await as(world, manager).post(`/api/agreements/${id}/vary`);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const terminate = async (id: string) => as(world, manager).post(`/api/agreements/${id}/terminate`, { reason: 'Partner closed the service.' }, { 'if-match': await etagOf(id) });
  const checkCovers = async () => (await as(world, staff).get(`/api/agreements/check?organisationId=${partner}&purposeId=${purpose}&categories=general`)).json();
  /** Every row of the agreements and their signatories, to show that a refusal wrote nothing. */
  const snapshot = async () => ({
    agreements: await db().selectFrom('agreements').selectAll().orderBy('id').execute(),
    signatories: await db().selectFrom('agreement_signatories').selectAll().orderBy('id').execute(),
  });

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    partner = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    purpose = await activePurpose('Joint support planning');
  });
  afterAll(() => world.close());

  it('practice 5.1 sharing-agreements agreements/variation-of-current: a variation drafted before its agreement was ended early is not completed afterwards — 409 naming the status, nothing written, the refusal audited; the end says so and can no longer offers signing', async () => {
    world.clock.set(NOW);
    const a = await fullySigned({ title: 'Ended early, variation pending' });
    const b = await vary(a);
    expect((await signOurs(b)).statusCode).toBe(200); // both sides signed while it was current; the signed copy is not yet attached
    expect((await signPartner(b)).statusCode).toBe(200);
    expect((await view(b)).can.manage).toBe(true);

    // Ending it early says the draft variation can no longer be signed, and the audit names it.
    const ended = await terminate(a);
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ data: { id: a, status: 'terminated', usable: false }, pendingVariation: { id: b, detail: expect.stringMatching(/ended early on 2026-03-02.*can no longer be signed/) } });
    const endEntry = (await auditRows(world)).filter((r) => r.resource_id === a && r.action === 'agreement.terminate');
    expect(endEntry.map((r) => JSON.parse(r.detail).pendingVariation)).toEqual([b]);

    // The draft's view offers no signing step any more.
    expect((await view(b)).can).toEqual({ manage: false, document: true, review: false });

    // Attaching the signed copy would complete it: refused, saying why and naming the status of the version it varies.
    const before = await snapshot();
    const audited = (await auditRows(world)).length;
    const completing = await attach(b);
    expect(completing.statusCode, completing.body).toBe(409);
    expect(completing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(completing.json()).toMatchObject({
      status: 409, title: 'Conflict', rule: 'agreements/variation-of-current', clause: 'practice 5.1',
      detail: expect.stringMatching(/^The agreement this varies was ended early on 2026-03-02, so it covers nothing from then on: this variation of it can no longer be signed/),
      errors: [{ path: 'params.id', message: 'the agreement it varies is terminated' }],
    });

    expect(await snapshot()).toEqual(before); // nothing written: neither the copy, nor the signing, nor the replacement
    const refusals = (await auditRows(world)).slice(audited);
    expect(refusals.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.actor_id, JSON.parse(r.detail)])).toEqual([
      ['agreement.attach', 'deny', 'agreements/variation-of-current', 'practice 5.1', 'agreement', b, manager.id, { supersedes: a, sourceStatus: 'terminated' }],
    ]);

    // Nothing covers the partner any more; the agreement stays ended early, replaced by nothing.
    expect(await checkCovers()).toMatchObject({ allowed: false, agreementId: null });
    expect((await view(a)).data).toMatchObject({ status: 'terminated', supersededBy: null });
    expect((await view(b)).data).toMatchObject({ status: 'draft', usable: false, document: { attached: false } });
  });

  it('practice 5.1 sharing-agreements agreements/variation-of-current: a variation of one past its last day, or already replaced, is not signed either — 409 naming the status, audited', async () => {
    // A renewal drafted a week before the agreement's last day (the clock is 2 Mar 2026), not signed by then.
    world.clock.set(new Date('2026-02-20T09:00:00.000Z'));
    const lapsing = await fullySigned({ title: 'Lapsing', startsOn: '2026-01-01', endsOn: '2026-02-27', reviewOn: '2026-02-21' });
    const renewal = await vary(lapsing);
    expect((await as(world, manager).patch(`/api/agreements/${renewal}`, { endsOn: '2027-02-27', reviewOn: '2027-01-10' }, { 'if-match': await etagOf(renewal) })).statusCode).toBe(200);
    world.clock.set(NOW);
    const replaced = await fullySigned({ title: 'Replaced meanwhile' });
    const late = await vary(replaced);
    // Another variation replaced it meanwhile (as a concurrent signing could): written straight to the row.
    await db().updateTable('agreements').set({ superseded_by: lapsing }).where('id', '=', replaced).execute();
    for (const [id, source, status, says] of [[renewal, lapsing, 'ended', /ended on 2026-02-27/], [late, replaced, 'superseded', /already replaced by another variation/]] as const) {
      const before = await snapshot();
      const res = await signOurs(id);
      expect(res.statusCode, status).toBe(409);
      expect(res.json()).toMatchObject({ rule: 'agreements/variation-of-current', clause: 'practice 5.1', detail: expect.stringMatching(says), errors: [{ path: 'params.id', message: `the agreement it varies is ${status}` }] });
      expect(await snapshot(), status).toEqual(before);
      const entry = (await auditRows(world)).at(-1)!;
      expect([entry.action, entry.decision, entry.rule_id, entry.clause, entry.resource_id, JSON.parse(entry.detail)], status).toEqual(['agreement.sign', 'deny', 'agreements/variation-of-current', 'practice 5.1', id, { supersedes: source, sourceStatus: status }]);
      expect((await view(id)).can.manage, status).toBe(false);
      // Changing its terms is refused alike.
      const edit = await as(world, manager).patch(`/api/agreements/${id}`, { title: 'Renamed' }, { 'if-match': await etagOf(id) });
      expect(edit.statusCode, status).toBe(409);
      expect(edit.json()).toMatchObject({ rule: 'agreements/variation-of-current', errors: [{ path: 'params.id', message: `the agreement it varies is ${status}` }] });
      expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'agreement.update', decision: 'deny', rule_id: 'agreements/variation-of-current', resource_id: id });
      expect(await snapshot(), status).toEqual(before);
    }
  });

  it('practice 5.1 sharing-agreements agreements/manage: a variation of a current agreement still completes and replaces it — audited; the check answers with the variation', async () => {
    world.clock.set(NOW);
    partner = await makeOrganisation(world, { name: 'Hillside Housing' }); // one no other agreement here covers
    const a = await fullySigned({ title: 'Varied in force' });
    const versionBefore = (await view(a)).version;
    const b = await vary(a);
    expect((await signOurs(b)).statusCode).toBe(200);
    expect((await signPartner(b)).statusCode).toBe(200);
    const done = await attach(b);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ data: { id: b, status: 'in_force', usable: true, supersedes: a }, can: { manage: true } });
    const replaced = await view(a);
    expect(replaced.data).toMatchObject({ status: 'superseded', usable: false, supersededBy: b });
    expect(replaced.version).toBe(versionBefore + 1); // the replaced version moved on, so an end racing the signing answers 412
    const signed = (await auditRows(world)).filter((r) => r.resource_id === b && r.action === 'agreement.signed');
    expect(signed.map((r) => [r.decision, r.rule_id, r.clause, JSON.parse(r.detail)])).toEqual([['change', 'agreements/manage', 'practice 5.1', { supersedes: a }]]);
    expect(await checkCovers()).toMatchObject({ allowed: true, agreementId: b });
    expect((await terminate(b)).json().pendingVariation).toBeNull(); // nothing pending: nothing to say
  });

  it('practice 5.1 sharing-agreements: a filter by status lists exactly the agreements shown with that status — one ended early that a variation names replaced is listed as terminated, not superseded', async () => {
    world.clock.set(NOW);
    // A row as the earlier defect left it: ended early, then named replaced by a variation signed afterwards.
    const a = await fullySigned({ title: 'Legacy ended early' });
    const b = await vary(a);
    expect((await terminate(a)).statusCode).toBe(200);
    await db().updateTable('agreements').set({ superseded_by: b }).where('id', '=', a).execute();
    // And one of every other status: a variation in force and the version it replaced, one yet to start, one past its end.
    const variation = await vary(await fullySigned({ title: 'Varied' }));
    for (const step of [signOurs, signPartner, attach]) expect((await step(variation)).statusCode).toBe(200);
    await fullySigned({ title: 'Starts next year', startsOn: '2027-01-01', endsOn: '2027-12-31', reviewOn: '2027-06-01' });
    await fullySigned({ title: 'Past its end', startsOn: '2025-01-01', endsOn: '2025-12-31', reviewOn: '2025-10-01' });
    expect((await view(a)).data.status).toBe('terminated');

    const all: { id: string; status: string }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = (await as(world, staff).get(`/api/agreements?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json() as { items: { id: string; status: string }[]; nextCursor: string | null };
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(new Set(all.map((i) => i.status))).toEqual(new Set(AGREEMENT_STATUSES));
    for (const status of AGREEMENT_STATUSES) {
      const res = await as(world, staff).get(`/api/agreements?limit=200&status=${status}`);
      expect(res.statusCode).toBe(200);
      const listed = res.json().items as { id: string; status: string }[];
      expect(listed.map((i) => i.status).filter((s) => s !== status), status).toEqual([]);
      expect(listed.map((i) => i.id).sort(), status).toEqual(all.filter((i) => i.status === status).map((i) => i.id).sort());
    }
  });
});
