import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { agreementCoversSql } from '../../src/policy/agreement-relation';
import { classMask } from '../../src/policy/types';
import { AGREEMENT_CONDITIONS, as, auditRows, insertPurpose, makeOrganisation, makeUser, multipartFile, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const conditions = AGREEMENT_CONDITIONS;

describe.each(dialects())('sharing agreements, practice 5.1 (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, guardian: TestUser, staff: TestUser, volunteer: TestUser;
  let partner: string, otherOrg: string, purpose: string, otherPurpose: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'agreements' | 'agreement_signatories' | 'agreement_reviews') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const auditOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id).map((r) => [r.action, r.decision, r.rule_id, r.clause]);
  const lastAudit = async () => (await auditRows(world)).at(-1)!;

  const org = (name: string) => makeOrganisation(world, { name });
  const activePurpose = (name: string) => insertPurpose(world, {
    name, description: 'Joint support planning.', guardianId: guardian.id, createdBy: manager.id, categories: ['general', 'personal', 'special'],
    art9Condition: 'health_social_care', recipientCategories: ['named partner organisation'],
  });
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Joint working protocol with Riverside', partnerIds: [partner], purposeIds: [purpose], dataCategories: ['general', 'personal'],
    conditions, requiresConsent: true, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-10-01', ...over,
  });
  /** Both forms of agreementCovers for the same question, and the API's check. */
  async function covers(organisationId: string, purposeId: string, categories: string[], at?: string) {
    const res = await as(world, staff).get(`/api/agreements/check?organisationId=${organisationId}&purposeId=${purposeId}&categories=${categories.join(',')}${at ? `&at=${at}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const ask = { organisationId, purposeId, mask: classMask(categories as never), at: at ?? world.clock.now().toISOString() };
    const row = await sql<{ n: number }>`select case when ${agreementCoversSql(ask)} then 1 else 0 end as n`.execute(db());
    expect(Number(row.rows[0].n) === 1, 'SQL form agrees with the in-memory form').toBe(res.json().allowed);
    return res.json() as { allowed: boolean; agreementId: string | null; ruleId: string; clause: string; requiresConsent: boolean | null };
  }
  async function draft(over: Record<string, unknown> = {}) {
    const res = await as(world, manager).post('/api/agreements', body(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; version: number };
  }
  const etagOf = async (id: string) => (await as(world, manager).get(`/api/agreements/${id}`)).headers.etag as string;
  const signOurs = async (id: string) => as(world, manager).post(`/api/agreements/${id}/signatories`, { party: 'ours', userId: guardian.id, role: 'Caldicott guardian', signedOn: '2026-01-05' }, { 'if-match': await etagOf(id) });
  const signPartner = async (id: string, orgId = partner) => as(world, manager).post(`/api/agreements/${id}/signatories`, { party: 'partner', organisationId: orgId, name: 'R. Partner', role: 'Director', signedOn: '2026-01-06' }, { 'if-match': await etagOf(id) });
  const attach = async (id: string, bytes = PDF) => {
    const m = multipartFile(bytes);
    return world.app.inject({ method: 'POST', url: `/api/agreements/${id}/document`, payload: m.payload, headers: { 'content-type': m.contentType, cookie: `confide_session=${manager.cookie}`, 'x-csrf-token': manager.csrf, 'if-match': await etagOf(id) } });
  };
  async function fullySigned(over: Record<string, unknown> = {}) {
    const a = await draft(over);
    expect((await signOurs(a.id)).statusCode).toBe(200);
    for (const orgId of (over.partnerIds as string[] | undefined) ?? [partner]) expect((await signPartner(a.id, orgId)).statusCode).toBe(200);
    const res = await attach(a.id);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as { id: string; status: string; usable: boolean };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    partner = await org('Riverside Youth Trust');
    otherOrg = await org('Hillside Housing');
    purpose = await activePurpose('Joint support planning');
    otherPurpose = await activePurpose('Fundraising');
  });
  afterAll(() => world.close());

  it('5.1 sharing-agreements: staff cannot create an agreement — 403 with the rule, audited, nothing written; bad input is a 400 naming the field', async () => {
    const before = await count('agreements');
    const denied = await as(world, staff).post('/api/agreements', body());
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ rule: 'default/deny', clause: 'practice 5.1', detail: 'Only managers and the guardian may do this.' });
    expect(await lastAudit()).toMatchObject({ action: 'agreement.manage', decision: 'deny', rule_id: 'default/deny', clause: 'practice 5.1', actor_id: staff.id });
    const bad: [Record<string, unknown>, string | string[]][] = [
      [body({ partnerIds: [newId()] }), 'body.partnerIds'],
      [body({ purposeIds: [newId()] }), 'body.purposeIds'],
      [body({ endsOn: '2025-12-01', reviewOn: '2025-11-01' }), ['body.endsOn', 'body.reviewOn']], // both before the start date
      [body({ reviewOn: '2025-12-01' }), 'body.reviewOn'], // before the start date
      [body({ conditions: { ...conditions, retention: '' } }), 'body.conditions.retention'],
      [body({ surprise: true }), 'body'],
    ];
    for (const [b, path] of bad) {
      const res = await as(world, manager).post('/api/agreements', b);
      expect(res.statusCode, String(path)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path].flat());
    }
    expect(await count('agreements')).toBe(before);
  });

  it('5.1 sharing-agreements: unsigned and partly signed agreements are not usable; fully signed with the signed copy and in force it covers its partner, purpose and categories — from the later of its start and the last signature, and, once ended early, only what came before — every step audited', async () => {
    const a = await draft();
    expect(await covers(partner, purpose, ['general'])).toMatchObject({ allowed: false, ruleId: 'agreements/none-covers', clause: 'practice 5.1', agreementId: null });
    expect(await lastAudit()).toMatchObject({ action: 'agreement.check', decision: 'deny', rule_id: 'agreements/none-covers', resource_id: partner });
    // Our signatory must be a manager or the guardian.
    const notManager = await as(world, manager).post(`/api/agreements/${a.id}/signatories`, { party: 'ours', userId: staff.id, role: 'Worker', signedOn: '2026-01-05' }, { 'if-match': '"1"' });
    expect(notManager.statusCode).toBe(400);
    expect(notManager.json().errors[0].path).toBe('body.userId');
    expect((await signOurs(a.id)).json().data).toMatchObject({ status: 'draft', usable: false, awaitingSignatures: [partner] });
    expect((await covers(partner, purpose, ['general'])).allowed).toBe(false);
    // The terms someone signed cannot change.
    const edit = await as(world, manager).patch(`/api/agreements/${a.id}`, { title: 'Other' }, { 'if-match': await etagOf(a.id) });
    expect(edit.statusCode).toBe(409);
    const partly = (await signPartner(a.id)).json().data;
    expect(partly).toMatchObject({ status: 'draft', usable: false, awaitingSignatures: [], document: { attached: false } });
    expect((await covers(partner, purpose, ['general'])).allowed).toBe(false);
    const stale = multipartFile(PDF);
    const wrongVersion = await world.app.inject({ method: 'POST', url: `/api/agreements/${a.id}/document`, payload: stale.payload, headers: { 'content-type': stale.contentType, cookie: `confide_session=${manager.cookie}`, 'x-csrf-token': manager.csrf, 'if-match': '"1"' } });
    expect(wrongVersion.statusCode).toBe(412);
    const notPdf = await attach(a.id, Buffer.from('just some text, not a signed copy'));
    expect(notPdf.statusCode).toBe(415);
    const signed = await attach(a.id);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().data).toMatchObject({ status: 'in_force', usable: true, document: { attached: true, filename: 'signed copy.pdf', contentType: 'application/pdf' } });

    const ok = await covers(partner, purpose, ['general', 'personal']);
    expect(ok).toMatchObject({ allowed: true, ruleId: 'agreements/covers', clause: 'practice 5.1', agreementId: a.id, requiresConsent: true });
    expect(await lastAudit()).toMatchObject({ action: 'agreement.check', decision: 'allow', rule_id: 'agreements/covers', clause: 'practice 5.1' });
    // Wrong purpose, a category it does not cover, an organisation that is not a party: not covered.
    expect((await covers(partner, otherPurpose, ['general'])).allowed).toBe(false);
    expect((await covers(partner, purpose, ['general', 'special'])).allowed).toBe(false);
    expect((await covers(otherOrg, purpose, ['general'])).allowed).toBe(false);

    // A signed agreement is not edited; a variation is a new version.
    expect((await as(world, manager).patch(`/api/agreements/${a.id}`, { title: 'Changed' }, { 'if-match': await etagOf(a.id) })).statusCode).toBe(409);
    const v = await as(world, manager).post(`/api/agreements/${a.id}/vary`);
    expect(v.statusCode, v.body).toBe(201);
    expect(v.json().data).toMatchObject({ status: 'draft', supersedes: a.id });

    expect(await auditOf(a.id)).toEqual([
      ['agreement.create', 'allow', 'agreements/manage', 'practice 5.1'],
      ['agreement.sign', 'allow', 'agreements/manage', 'practice 5.1'],
      ['agreement.sign', 'allow', 'agreements/manage', 'practice 5.1'],
      ['agreement.attach', 'allow', 'agreements/manage', 'practice 5.1'],
      ['agreement.signed', 'change', 'agreements/manage', 'practice 5.1'],
    ]);

    // Everyone working here reads that it exists, with whom and for what; not the signed copy.
    const seen = await as(world, volunteer).get(`/api/agreements/${a.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().data).toMatchObject({ partners: [{ organisationId: partner }], purposeIds: [purpose], document: { attached: true } });
    expect(seen.json().data.document.sha256).toBeUndefined();
    const doc = await as(world, staff).get(`/api/agreements/${a.id}/document`);
    expect(doc.statusCode).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'agreement.document', decision: 'deny', actor_id: staff.id });
    const got = await as(world, guardian).get(`/api/agreements/${a.id}/document`);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(PDF)).toBe(true);
    expect(await lastAudit()).toMatchObject({ action: 'agreement.document', decision: 'allow', rule_id: 'agreements/signed-copy', clause: 'practice 5.1' });

    // In force from the later of its start (1 January) and the last signature (6 January), not before.
    expect((await covers(partner, purpose, ['general'], '2026-01-03T12:00:00.000Z')).allowed).toBe(false);
    expect((await covers(partner, purpose, ['general'], '2026-01-06T12:00:00.000Z')).allowed).toBe(true);

    // Terminated early, with a reason: covers nothing from now, but still what came before it (a call made then).
    const before = new Date(world.clock.now().getTime() - 60_000).toISOString();
    const ended = await as(world, manager).post(`/api/agreements/${a.id}/terminate`, { reason: 'Partner closed the service.' }, { 'if-match': await etagOf(a.id) });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().data).toMatchObject({ status: 'terminated', usable: false });
    expect((await covers(partner, purpose, ['general'])).allowed).toBe(false);
    expect((await covers(partner, purpose, ['general'], before)).allowed).toBe(true);
  });

  it('5.1 sharing-agreements: can says who may manage agreements and open the signed copy — management and the guardian, not staff or volunteers — and the API agrees', async () => {
    const a = await draft({ title: 'Capabilities' });
    for (const [user, manage] of [[manager, true], [guardian, true], [staff, false], [volunteer, false]] as const) {
      expect((await as(world, user).get(`/api/agreements/${a.id}`)).json().can).toEqual({ manage, document: manage, review: false }); // a draft is not reviewed
      expect((await as(world, user).get('/api/agreements?limit=1')).json().can).toEqual({ manage, document: manage });
    }
    expect((await as(world, staff).post(`/api/agreements/${a.id}/signatories`, { party: 'ours', userId: guardian.id, role: 'Guardian', signedOn: '2026-01-05' }, { 'if-match': await etagOf(a.id) })).statusCode).toBe(403);
  });

  it('5.1 sharing-agreements: an expired agreement is not usable, though fully signed', async () => {
    const a = await fullySigned({ partnerIds: [otherOrg], startsOn: '2025-01-01', endsOn: '2025-12-31', reviewOn: '2025-10-01' });
    expect(a).toMatchObject({ status: 'ended', usable: false });
    expect((await covers(otherOrg, purpose, ['general'])).allowed).toBe(false);
  });

  it('5.1 sharing-agreements: the review list shows signed agreements whose end or review date is within 60 days, not others, and marks a review already overdue', async () => {
    const soon = await fullySigned({ title: 'Ends soon', startsOn: '2026-01-01', endsOn: '2026-04-15', reviewOn: '2026-04-01' });
    const later = await fullySigned({ title: 'Ends later', startsOn: '2026-01-01', endsOn: '2027-06-30', reviewOn: '2027-03-01' });
    const draftOnly = await draft({ title: 'Draft ending soon', endsOn: '2026-04-10', reviewOn: '2026-04-01' });
    const res = await as(world, staff).get('/api/agreements/review-due');
    expect(res.statusCode).toBe(200);
    const ids = res.json().items.map((i: { id: string }) => i.id);
    expect(res.json().withinDays).toBe(60);
    expect(ids).toContain(soon.id);
    expect(ids).not.toContain(later.id);
    expect(ids).not.toContain(draftOnly.id);
    const wider = await as(world, staff).get('/api/agreements/review-due?withinDays=365');
    expect(wider.json().items.map((i: { id: string }) => i.id)).toContain(later.id);
    // 3.1: a review date already past (the clock is 2026-03-02) says it is overdue; one still to come does not.
    const overdue = await fullySigned({ title: 'Review overdue', startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-02-15' });
    const byId = new Map((await as(world, staff).get('/api/agreements/review-due')).json().items.map((i: { id: string; reviewOverdue: boolean }) => [i.id, i.reviewOverdue]));
    expect([byId.get(overdue.id), byId.get(soon.id)]).toEqual([true, false]);
  });
  const review = (user: TestUser, id: string, b: Record<string, unknown>, headers: Record<string, string> = {}) => as(world, user).post(`/api/agreements/${id}/reviews`, b, headers);
  const reviewBody = (over: Record<string, unknown> = {}) => ({ outcome: 'continue', note: 'Working well; both sides keep to the conditions.', nextReviewOn: '2026-09-01', ...over });
  const reviewsOf = async (id: string) => Number((await db().selectFrom('agreement_reviews').select((eb) => eb.fn.countAll().as('n')).where('agreement_id', '=', id).executeTakeFirstOrThrow()).n);
  const reviewAuditOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'agreement.review');

  it('practice 5.1 sharing-agreements agreements/review: a manager, and the guardian (3.1), record a review — outcome, note, next review date — in one step and audited; the history keeps it; it leaves the review list and the management review (3.1)', async () => {
    const a = await fullySigned({ title: 'Reviewed protocol', startsOn: '2026-01-01', endsOn: '2027-06-30', reviewOn: '2026-02-20' });
    const dueIds = async () => (await as(world, staff).get('/api/agreements/review-due')).json().items.map((i: { id: string; reviewOverdue: boolean }) => [i.id, i.reviewOverdue]);
    const inManagementReview = async () => (await as(world, manager).get('/api/review?withinDays=60')).json().sections.agreementsToReview.items.map((i: { id: string }) => i.id);
    expect(await dueIds()).toContainEqual([a.id, true]); // overdue since 20 Feb (the clock is 2 Mar 2026)
    expect(await inManagementReview()).toContain(a.id);
    for (const [user, may] of [[manager, true], [guardian, true], [staff, false], [volunteer, false]] as const) {
      expect((await as(world, user).get(`/api/agreements/${a.id}`)).json().can.review, user.username).toBe(may);
    }

    // Staff may not: 403 with the rule, the refusal audited, nothing written.
    const denied = await review(staff, a.id, reviewBody(), { 'if-match': await etagOf(a.id) });
    expect(denied.statusCode).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'agreement.review', decision: 'deny', rule_id: 'default/deny', clause: 'practice 5.1', actor_id: staff.id, resource_type: 'agreement', resource_id: a.id }); // refused by the pipeline, before the agreement is read; the entry names it (1.1)
    const staffRefusal = await reviewAuditOf(a.id);

    // Bad input: a 400 naming the field; nothing half-written.
    const etag = await etagOf(a.id);
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [reviewBody({ nextReviewOn: '2026-03-02' }), 'body.nextReviewOn', /after today/],
      [reviewBody({ nextReviewOn: '2025-12-01' }), 'body.nextReviewOn', /after today/],
      [reviewBody({ nextReviewOn: '2027-07-01' }), 'body.nextReviewOn', /on or before 2027-06-30/],
      [reviewBody({ nextReviewOn: '1 September' }), 'body.nextReviewOn', /./],
      [reviewBody({ outcome: 'maybe' }), 'body.outcome', /./],
      [reviewBody({ note: '   ' }), 'body.note', /./],
      [reviewBody({ reviewedBy: staff.id }), 'body', /reviewedBy/],
    ];
    for (const [b, path, message] of bad) {
      const res = await review(manager, a.id, b, { 'if-match': etag });
      expect(res.statusCode, path).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors).toEqual([{ path, message: expect.stringMatching(message) }]);
    }
    expect((await review(manager, a.id, reviewBody())).statusCode).toBe(428); // If-Match is required
    expect((await review(manager, a.id, reviewBody(), { 'if-match': '"1"' })).statusCode).toBe(412);
    expect(await reviewsOf(a.id)).toBe(0);
    expect((await as(world, manager).get(`/api/agreements/${a.id}`)).json().data).toMatchObject({ reviewOn: '2026-02-20' });
    expect(await reviewAuditOf(a.id)).toEqual(staffRefusal); // nothing more

    // Recorded: the review date moves on, the version too, and the answer says who reviewed.
    const ok = await review(manager, a.id, reviewBody(), { 'if-match': etag });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
    expect(ok.json()).toMatchObject({
      data: { id: a.id, reviewOn: '2026-09-01', status: 'in_force', usable: true }, can: { review: true },
      review: { agreementId: a.id, outcome: 'continue', note: 'Working well; both sides keep to the conditions.', previousReviewOn: '2026-02-20', nextReviewOn: '2026-09-01', reviewedBy: { id: manager.id }, reviewedAt: world.clock.now().toISOString() },
    });
    const entries = (await reviewAuditOf(a.id)).slice(staffRefusal.length);
    expect(entries.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.actor_id, r.resource_type])).toEqual([
      ['agreement.review', 'allow', 'agreements/review', 'practice 5.1', manager.id, 'agreement'],
    ]);
    const detail = JSON.parse(entries[0].detail);
    expect(detail).toEqual({ reviewId: ok.json().review.id, outcome: 'continue', previousReviewOn: '2026-02-20', nextReviewOn: '2026-09-01', version: ok.json().version });
    expect(entries[0].detail).not.toContain('Working well'); // the note is not copied into the audit

    // No longer due or overdue, in the review list and the management review.
    expect((await dueIds()).map((x: [string, boolean]) => x[0])).not.toContain(a.id);
    expect(await inManagementReview()).not.toContain(a.id);

    // A second review, by the guardian (3.1): the history, newest first, for everyone working here.
    const again = await review(guardian, a.id, reviewBody({ outcome: 'vary', note: 'Add the new purpose at the next variation.', nextReviewOn: '2026-12-01' }), { 'if-match': ok.headers.etag as string });
    expect(again.statusCode, again.body).toBe(200);
    const history = await as(world, volunteer).get(`/api/agreements/${a.id}/reviews`);
    expect(history.statusCode).toBe(200);
    expect(history.json().items).toMatchObject([
      { outcome: 'vary', previousReviewOn: '2026-09-01', nextReviewOn: '2026-12-01', reviewedBy: { id: guardian.id } },
      { outcome: 'continue', previousReviewOn: '2026-02-20', nextReviewOn: '2026-09-01', reviewedBy: { id: manager.id } },
    ]);
    expect(await reviewsOf(a.id)).toBe(2);
    expect((await as(world, staff).get(`/api/agreements/${newId()}/reviews`)).statusCode).toBe(404);
  });

  /**
   * Agreements that are not current (the clock is 2 Mar 2026): a draft, one ended early today, one past its last day,
   * and a superseded version — with the signed variation in force that superseded it.
   */
  async function notCurrent(label: string) {
    const draftOnly = await draft({ title: `Not yet signed (${label})`, reviewOn: '2026-04-01' });
    const terminated = await fullySigned({ title: `Ended early (${label})`, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-04-01' });
    expect((await as(world, manager).post(`/api/agreements/${terminated.id}/terminate`, { reason: 'Partner closed.' }, { 'if-match': await etagOf(terminated.id) })).statusCode).toBe(200);
    const expired = await fullySigned({ title: `Past its end (${label})`, startsOn: '2025-01-01', endsOn: '2025-12-31', reviewOn: '2025-10-01' });
    const original = await fullySigned({ title: `Varied (${label})`, startsOn: '2026-01-01', endsOn: '2026-12-31', reviewOn: '2026-04-01' });
    const variation = (await as(world, manager).post(`/api/agreements/${original.id}/vary`)).json().data.id as string;
    expect((await signOurs(variation)).statusCode).toBe(200);
    expect((await signPartner(variation)).statusCode).toBe(200);
    expect((await attach(variation)).json().data.status).toBe('in_force');
    return { draftOnly, terminated, expired, original, variation };
  }

  it('practice 5.1 sharing-agreements agreements/review: a draft, an agreement ended early, one past its last day and a superseded version are not reviewed — 409 saying why, nothing written, and can.review is false', async () => {
    const { draftOnly, terminated, expired, original, variation } = await notCurrent('review');

    for (const [id, status, says] of [
      [draftOnly.id, 'draft', /draft is not reviewed/], [terminated.id, 'terminated', /ended early on 2026-03-02: there is nothing left to review/],
      [expired.id, 'ended', /ended on 2025-12-31/], [original.id, 'superseded', /replaced by its variation/],
    ] as const) {
      expect((await as(world, manager).get(`/api/agreements/${id}`)).json().can.review, status).toBe(false);
      const res = await review(manager, id, reviewBody({ nextReviewOn: '2026-06-01' }), { 'if-match': await etagOf(id) });
      expect(res.statusCode, status).toBe(409);
      expect(res.json()).toMatchObject({ status: 409, detail: expect.stringMatching(says), errors: [{ path: 'params.id', message: `the agreement is ${status}` }] });
      expect(await reviewsOf(id)).toBe(0);
      expect(await reviewAuditOf(id)).toEqual([]);
    }
    expect((await as(world, manager).get(`/api/agreements/${variation}`)).json().can.review).toBe(true); // the version in force is
  });

  it('practice 5.1 sharing-agreements: only a current agreement is varied or ended early — one past its last day, ended early, superseded or still a draft is refused 409 saying why, nothing written or audited; one in force and one yet to start are', async () => {
    const { draftOnly, terminated, expired, original, variation } = await notCurrent('vary');

    for (const [id, status, says] of [
      [draftOnly.id, 'draft', /draft is not (varied|ended early): it is not in force until every party has signed, and until then it is edited/],
      [terminated.id, 'terminated', /ended early on 2026-03-02: there is nothing left to (vary|end)/],
      [expired.id, 'ended', /ended on 2025-12-31: there is nothing left to (vary|end)\. Draft a new one/],
      [original.id, 'superseded', /replaced by its variation: (vary|end) the version in force instead/],
    ] as const) {
      const agreements = await count('agreements');
      const before = await etagOf(id);
      const audited = (await auditOf(id)).length;
      const varied = await as(world, manager).post(`/api/agreements/${id}/vary`);
      expect(varied.statusCode, status).toBe(409);
      expect(varied.json()).toMatchObject({ status: 409, detail: expect.stringMatching(says), errors: [{ path: 'params.id', message: `the agreement is ${status}` }] });
      expect(varied.json().detail).toMatch(/vary|varied/);
      const ended = await as(world, manager).post(`/api/agreements/${id}/terminate`, { reason: 'Tidy up.' }, { 'if-match': before });
      expect(ended.statusCode, status).toBe(409);
      expect(ended.json()).toMatchObject({ status: 409, detail: expect.stringMatching(says), errors: [{ path: 'params.id', message: `the agreement is ${status}` }] });
      expect(ended.json().detail).toMatch(/\bend\b|ended early/);
      expect(await count('agreements'), status).toBe(agreements); // no variation drafted
      expect(await etagOf(id), status).toBe(before); // not ended
      expect((await auditOf(id)).length, status).toBe(audited);
    }

    // Allowed: the version in force, and a signed agreement yet to start, are varied and ended early — audited.
    const upcoming = await fullySigned({ title: 'Starts next year', startsOn: '2027-01-01', endsOn: '2027-12-31', reviewOn: '2027-06-01' });
    expect(upcoming.status).toBe('signed');
    const next = await as(world, manager).post(`/api/agreements/${upcoming.id}/vary`);
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().data).toMatchObject({ status: 'draft', supersedes: upcoming.id });
    expect(await auditOf(next.json().data.id)).toEqual([['agreement.vary', 'allow', 'agreements/manage', 'practice 5.1']]);
    const end = await as(world, manager).post(`/api/agreements/${variation}/terminate`, { reason: 'Service closed.' }, { 'if-match': await etagOf(variation) });
    expect(end.statusCode, end.body).toBe(200);
    expect((await auditOf(variation)).at(-1)).toEqual(['agreement.terminate', 'allow', 'agreements/manage', 'practice 5.1']);
  });
});
