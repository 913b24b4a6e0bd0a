import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { runReviewChecks } from '../../src/review/jobs';
import { as, auditRows, insertConsent, insertPurpose, insertReleasedDisclosure, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const DAY = 86_400_000;
const CLAUSE = 'monitoring-and-review, 3.6';

describe.each(dialects())('management review — Monitoring and Review, 3.6 (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, staff: TestUser, volunteer: TestUser, lead: TestUser, guardian: TestUser, admin: TestUser, leadManager: TestUser;
  let person: string;
  const db = () => world.services.db.kysely;
  const ids: Record<string, string[]> = {};
  const now = () => world.clock.now().toISOString();

  const purpose = (name: string, nextReviewOn: string) => insertPurpose(world, { name, nextReviewOn, guardianId: guardian.id, createdBy: manager.id });
  const disclosure = (basis: string, releasedAt: string, purposeId: string, orgId: string) =>
    insertReleasedDisclosure(world, { personId: person, basis, releasedAt, purposeId, orgId, requestedBy: staff.id, releasedBy: manager.id });
  const consent = (purposeId: string, expiresAt: string | null, personId = person, givenBy = 'person', recordedAt = now()) =>
    insertConsent(world, { personId, purposeId, expiresAt, givenBy, recordedAt, recordedBy: staff.id });
  async function agreement(title: string, endsOn: string) {
    const id = newId();
    await db().insertInto('agreements').values({
      id, title, status: 'signed', data_categories: '["general"]', categories_mask: 1, security: 's', onward_sharing: 'n', retention: 'r',
      breach_notification: 'b', requires_consent: 1, starts_on: '2026-01-01', ends_on: endsOn, review_on: '2026-02-01', document_sha256: null,
      document_filename: null, document_content_type: null, document_size: null, document_uploaded_by: null, document_uploaded_at: null, signed_at: now(),
      terminated_at: null, terminated_by: null, termination_reason: null, supersedes: null, superseded_by: null, created_by: manager.id,
      created_at: now(), updated_at: now(), version: 1,
    }).execute();
    return id;
  }

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 400 * 24 * 60, sessionMaxHours: 400 * 24 });
    manager = await makeUser(world, ['manager'], { email: 'smt@example.org' });
    manager2 = await makeUser(world, ['manager']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    guardian = await makeUser(world, ['guardian']);
    admin = await makeUser(world, ['administrator']);
    await makeUser(world, ['staff'], { accepted: false, username: 'not-yet-accepted' });
    person = await makePerson(world, { givenName: 'Secretname', familyName: 'Hiddenfamily' });
    await makeCase(world, person, { [staff.id]: 'key_worker' });
    const org = await makeOrganisation(world, { name: 'Riverside' });

    // Today is 2026-03-02.
    ids.purposes = [await purpose('Overdue purpose', '2026-02-01'), await purpose('Soon purpose', '2026-03-20')];
    await purpose('Later purpose', '2026-09-01');
    ids.consents = [await consent(ids.purposes[0], '2026-03-05T00:00:00.000Z'), await consent(ids.purposes[1], '2026-03-25T00:00:00.000Z')];
    await consent(ids.purposes[0], '2026-06-01T00:00:00.000Z', await makePerson(world)); // beyond 30 days
    await consent(ids.purposes[0], null, await makePerson(world)); // never expires
    ids.disclosures = [
      await disclosure('consent', '2026-01-10T10:00:00.000Z', ids.purposes[0], org), await disclosure('consent', '2026-03-01T10:00:00.000Z', ids.purposes[0], org),
      await disclosure('exception', '2026-02-10T10:00:00.000Z', ids.purposes[0], org), await disclosure('agreement', '2025-01-10T10:00:00.000Z', ids.purposes[0], org),
    ];
    ids.agreements = [await agreement('Protocol ending soon', '2026-03-15')];
    ids.agreements.push(await agreement('Protocol ending later', '2026-12-31'));
    // A break-glass use, two concerns (one old) and a breach, through the API.
    const bg = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: person, reason: 'Client collapsed, need emergency contacts' });
    expect(bg.statusCode, bg.body).toBe(201);
    ids.breakGlass = [bg.json().id];
    const concern = async () => {
      const r = await as(world, staff).post('/api/concerns', { concernFor: 'child', personId: person, whatHappened: 'Bruises seen at the session', occurredAt: now(), immediateRisk: false });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().data.id as string;
    };
    world.clock.advance(-40 * DAY);
    const oldConcern = await concern();
    world.clock.advance(40 * DAY);
    ids.concerns = [oldConcern, await concern()];
    const breach = await as(world, staff).post('/api/breaches', { report: 'Laptop with notes stolen from a car' });
    expect(breach.statusCode, breach.body).toBe(201);
    ids.breaches = [breach.json().data.id];
  });
  afterAll(() => world.close());

  it('3.6 management-review: a manager sees every section as counts, chart series and item ids with non-confidential labels only; the read is audited', async () => {
    const res = await as(world, manager).get('/api/review');
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    const s = v.sections;
    expect(v.withinDays).toBe(30);
    expect(s.purposesDue).toMatchObject({ count: 2, series: [{ label: 'overdue', value: 1 }, { label: 'due within 30 days', value: 1 }] });
    expect(s.purposesDue.items.map((i: { id: string }) => i.id)).toEqual(ids.purposes);
    expect(s.purposesDue.items[0]).toEqual({ id: ids.purposes[0], label: 'Overdue purpose', nextReviewOn: '2026-02-01', overdue: true });
    expect(s.consentsExpiring).toMatchObject({ count: 2, series: [{ label: 'within 7 days', value: 1 }, { label: '8 to 30 days', value: 1 }] });
    expect(s.consentsExpiring.items.map((i: { id: string }) => i.id)).toEqual(ids.consents);
    expect(s.consentsExpiring.items[0]).toEqual({ id: ids.consents[0], personId: person, purposeId: ids.purposes[0], label: 'Overdue purpose', expiresAt: '2026-03-05T00:00:00.000Z' });
    expect(s.breakGlassAwaitingReview.count).toBe(1);
    expect(s.breakGlassAwaitingReview.items[0]).toMatchObject({ id: ids.breakGlass[0], userId: staff.id, resourceType: 'person', resourceId: person, ageDays: 0 });
    expect(s.openConcerns.count).toBe(2);
    expect(s.openConcerns.series).toEqual([{ label: 'under 1 day', value: 1 }, { label: '1 to 7 days', value: 0 }, { label: '7 to 30 days', value: 0 }, { label: 'over 30 days', value: 1 }]);
    expect(s.openConcerns.items.map((i: { id: string }) => i.id)).toEqual(ids.concerns);
    expect(s.openBreaches).toMatchObject({ count: 1, series: [{ label: 'ICO deadline passed', value: 0 }, { label: 'ICO clock running', value: 1 }, { label: 'ICO reported or not required', value: 0 }] });
    expect(s.openBreaches.items[0]).toMatchObject({ id: ids.breaches[0], status: 'reported', clock: { state: 'running', minutesLeft: 72 * 60 } });
    expect(s.policyNotAccepted.count).toBe(1);
    expect(s.policyNotAccepted.items).toEqual([expect.objectContaining({ username: 'not-yet-accepted' })]);
    const months = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
    expect(s.disclosuresByBasis.labels).toEqual(months);
    expect(s.disclosuresByBasis.series).toEqual([
      { label: 'consent', data: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1] },
      { label: 'agreement', data: months.map(() => 0) },
      { label: 'exception', data: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0] },
    ]);
    expect(s.disclosuresByBasis.count).toBe(3); // the 2025-01 one is outside the 12 months
    // Practice 5.1, 3.1: one ends within 30 days; both are overdue for review (due 2026-02-01), the later-ending one too.
    expect(s.agreementsToReview).toMatchObject({
      count: 2, series: [{ label: 'ending within 30 days', value: 1 }, { label: 'due for review (or overdue), not ending', value: 1 }],
      items: [
        { id: ids.agreements[0], label: 'Protocol ending soon', endsOn: '2026-03-15', reviewOn: '2026-02-01', reviewOverdue: true },
        { id: ids.agreements[1], label: 'Protocol ending later', endsOn: '2026-12-31', reviewOn: '2026-02-01', reviewOverdue: true },
      ],
    });
    // Never a person's name, a concern's or breach's text, or a reason given.
    for (const secret of ['Secretname', 'Hiddenfamily', 'Bruises', 'Laptop', 'collapsed', 'confidential reason text']) expect(res.body).not.toContain(secret);
    const entry = (await auditRows(world)).filter((r) => r.action === 'review.read').at(-1)!;
    expect([entry.actor_id, entry.decision, entry.rule_id, entry.clause, entry.resource_type]).toEqual([manager.id, 'allow', 'review/senior-management', CLAUSE, 'system']);
    expect(JSON.parse(entry.detail!)).toMatchObject({ view: 'management-review', counts: { purposesDue: 2, openConcerns: 2, openBreaches: 1, disclosuresByBasis: 3 } });
  });

  it('4.1 informed consent, 3.6 management-review: consents to ask for again — a parent consented for someone now 16 or over, or a child under 16 consented without an assessment — are listed by id and purpose; every other answer is not', async () => {
    // Today is 2026-03-02 on the test clock.
    const p = (dateOfBirth: string) => makePerson(world, { dateOfBirth });
    const purposeId = ids.purposes[1];
    const sixteenToday = await consent(purposeId, null, await p('2010-03-02'), 'parental_responsibility');
    const seventeen = await consent(purposeId, null, await p('2009-01-01'), 'parental_responsibility', '2024-06-01T10:00:00.000Z');
    const childAlone = await consent(purposeId, null, await p('2012-05-01'), 'person');
    const childRepresented = await consent(purposeId, null, await p('2012-05-01'), 'representative');
    // Not flagged: a parent for a child still under 16 (16 tomorrow), a child judged competent, someone who was 16 on
    // the day they answered, an expired consent, an archived person, an unknown date of birth.
    await consent(purposeId, null, await p('2010-03-03'), 'parental_responsibility');
    await consent(purposeId, null, await p('2012-05-01'), 'competent_child');
    await consent(purposeId, null, await p('2008-05-01'), 'person', '2024-05-01T09:00:00.000Z');
    await consent(purposeId, '2026-03-01T00:00:00.000Z', await p('2009-01-01'), 'parental_responsibility');
    const archived = await p('2009-01-01');
    await consent(purposeId, null, archived, 'parental_responsibility');
    await db().updateTable('people').set({ archived_at: now() }).where('id', '=', archived).execute();
    const unknownAge = await makePerson(world);
    await db().updateTable('people').set({ date_of_birth: null }).where('id', '=', unknownAge).execute();
    await consent(purposeId, null, unknownAge, 'person');

    const res = await as(world, manager).get('/api/review');
    expect(res.statusCode, res.body).toBe(200);
    const section = res.json().sections.consentsToAskAgain;
    expect(section.count).toBe(4);
    expect(section.series).toEqual([
      { label: 'given by a parent, the person now 16 or over', value: 2 },
      { label: 'given while under 16 without an assessment of competence', value: 2 },
    ]);
    const listed = section.items.map((i: { id: string }) => i.id);
    expect(listed[0]).toBe(seventeen); // oldest answer first
    expect(new Set(listed)).toEqual(new Set([seventeen, sixteenToday, childAlone, childRepresented]));
    expect(section.items.find((i: { id: string }) => i.id === seventeen)).toEqual({
      id: seventeen, personId: expect.any(String), purposeId, label: 'Soon purpose', recordedAt: '2024-06-01T10:00:00.000Z', reason: 'now-of-age',
    });
    expect(section.items.find((i: { id: string }) => i.id === childAlone).reason).toBe('child-without-assessment');
    const entry = (await auditRows(world)).filter((r) => r.action === 'review.read').at(-1)!;
    expect([entry.actor_id, entry.rule_id, entry.clause]).toEqual([manager.id, 'review/senior-management', CLAUSE]);
    expect(JSON.parse(entry.detail!).counts).toMatchObject({ consentsToAskAgain: 4 });
  });

  it('monitoring-and-review management-review: staff, volunteers, safeguarding leads who are not managers, the guardian and administrators are refused, citing the clause; a lead who is also a manager is allowed', async () => {
    for (const user of [staff, volunteer, lead, guardian, admin]) {
      for (const [method, url] of [['get', '/api/review'], ['get', '/api/review/policy-reviews']] as const) {
        const res = await as(world, user)[method](url);
        expect(res.statusCode, `${user.username} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ rule: 'review/senior-management-only', clause: CLAUSE });
      }
      const post = await as(world, user).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'n', nextReviewOn: '2027-03-01' });
      expect(post.statusCode).toBe(403);
    }
    const denials = (await auditRows(world)).filter((r) => r.action.startsWith('review.') && r.decision === 'deny');
    expect(denials.length).toBe(15);
    expect(new Set(denials.map((r) => `${r.rule_id}|${r.clause}`))).toEqual(new Set([`review/senior-management-only|${CLAUSE}`]));
    expect((await as(world, leadManager).get('/api/review')).statusCode).toBe(200);
  });

  it('3.6 management-review: the policy review is recorded (who, when, outcome, notes, next date) and listed newest first; bad input names the field', async () => {
    const bad = await as(world, manager).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'Reviewed', nextReviewOn: '2026-03-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'body.nextReviewOn', message: 'must be after today' }]);
    const far = await as(world, manager).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'Reviewed', nextReviewOn: '2030-01-01' });
    expect(far.json().errors[0].path).toBe('body.nextReviewOn');
    const extra = await as(world, manager).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'Reviewed', nextReviewOn: '2027-01-01', reviewedBy: staff.id });
    expect(extra.statusCode).toBe(400);
    const wrong = await as(world, manager).post('/api/review/policy-reviews', { outcome: 'fine', notes: '', nextReviewOn: '2027-01-01' });
    expect(wrong.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.notes', 'body.outcome']);

    const first = await as(world, manager).post('/api/review/policy-reviews', { outcome: 'changes_needed', notes: 'Break-glass reviews are slow; remind managers.', nextReviewOn: '2026-09-01' });
    expect(first.statusCode, first.body).toBe(201);
    // Who reviewed it, by name too, as the history shows it.
    expect(first.json()).toMatchObject({ outcome: 'changes_needed', reviewedBy: { id: manager.id, name: manager.username }, reviewedAt: now(), nextReviewOn: '2026-09-01', policyVersion: 1 });
    world.clock.advance(DAY);
    const second = await as(world, manager2).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'Follow-up done.', nextReviewOn: '2026-06-01' });
    expect(second.statusCode).toBe(201);
    const list = (await as(world, manager).get('/api/review/policy-reviews')).json();
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([second.json().id, first.json().id]);
    expect(list.items[0].reviewedBy).toEqual({ id: manager2.id, name: manager2.username });
    expect(list.status).toMatchObject({ state: 'scheduled', nextReviewOn: '2026-06-01', daysOverdue: 0 });
    const recorded = (await auditRows(world)).filter((r) => r.action === 'review.record' && r.decision === 'change');
    expect(recorded.map((r) => [r.actor_id, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      [manager.id, 'review/senior-management', CLAUSE, 'policy_review', first.json().id], [manager2.id, 'review/senior-management', CLAUSE, 'policy_review', second.json().id],
    ]);
    expect(recorded[0].detail).not.toContain('Break-glass reviews are slow');
  });

  it('3.6 management-review: once the next review date passes on the injected clock the review view flags it and the scheduled job tells every manager once', async () => {
    expect(await runReviewChecks(world.services)).toBeNull();
    world.clock.set(new Date('2026-06-03T09:00:00.000Z'));
    const v = (await as(world, manager).get('/api/review')).json();
    expect(v.policyReview).toMatchObject({ state: 'overdue', nextReviewOn: '2026-06-01', daysOverdue: 2 });
    const runs = await Promise.all([runReviewChecks(world.services), runReviewChecks(world.services)]);
    expect(runs.filter(Boolean)).toEqual([{ dueOn: '2026-06-01', recipients: 3 }]);
    expect(await runReviewChecks(world.services)).toBeNull();
    const told = await db().selectFrom('notifications').selectAll().where('kind', '=', 'policy-review-overdue').execute();
    expect(told.map((n) => n.user_id).sort()).toEqual([manager.id, manager2.id, leadManager.id].sort());
    const mail = await db().selectFrom('email_outbox').selectAll().where('notification_id', 'in', told.map((n) => n.id)).execute();
    expect(mail.map((m) => m.to_address)).toEqual(['smt@example.org']);
    const entry = (await auditRows(world)).filter((r) => r.action === 'review.overdue');
    expect(entry.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.request_id])).toEqual([['system', 'change', 'review/senior-management', CLAUSE, 'job:policy-review']]);
    // A new review clears the flag; its own date is flagged once it passes in turn.
    await as(world, manager).post('/api/review/policy-reviews', { outcome: 'no_change', notes: 'Annual review.', nextReviewOn: '2027-06-01' });
    expect((await as(world, manager).get('/api/review')).json().policyReview.state).toBe('scheduled');
    world.clock.set(new Date('2027-06-02T09:00:00.000Z'));
    expect(await runReviewChecks(world.services)).toEqual({ dueOn: '2027-06-01', recipients: 3 });
  });

});
