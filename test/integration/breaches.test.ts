import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const REPORT = 'I left a printed list of Tuesday group members with their medical notes on the bus';
const CLAUSE = '5';

describe.each(dialects())('breach register: reporting and handling (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, guardian: TestUser, staff: TestUser, volunteer: TestUser, otherVolunteer: TestUser, student: TestUser, admin: TestUser;
  let person: string;
  const db = () => world.services.db.kysely;
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);
  const report = async (user: TestUser, body: Record<string, unknown> = { report: REPORT }) => {
    const res = await as(world, user).post('/api/breaches', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const patch = (user: TestUser, id: string, version: number | null, body: unknown) =>
    as(world, user).patch(`/api/breaches/${id}`, body, version === null ? {} : { 'if-match': `"${version}"` });
  const count = async (table: 'breaches' | 'breach_people') => (await db().selectFrom(table).selectAll().execute()).length;

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    manager2 = await makeUser(world, ['manager'], { email: 'manager2@example.org' });
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    otherVolunteer = await makeUser(world, ['volunteer']);
    student = await makeUser(world, ['student'], { accepted: false });
    admin = await makeUser(world, ['administrator']);
    person = await makePerson(world);
    await makeCase(world, person, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('5 breach-handling (breaches/report): a volunteer reports a suspected breach; management are told in the app and by e-mail with no detail; the audit records it without the text', async () => {
    const res = await as(world, volunteer).post('/api/breaches', { report: REPORT, occurredAt: '2026-03-02T07:45:00+00:00' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    expect(res.headers.location).toBe(`/api/breaches/${id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json().data).toMatchObject({ status: 'reported', source: 'report', report: REPORT, reportedBy: volunteer.id, reportedOccurredAt: '2026-03-02T07:45:00.000Z' });
    expect(res.json()).not.toHaveProperty('handling');
    expect(res.json()).not.toHaveProperty('clock');
    expect(res.json().can).toEqual({ review: false, handle: false });
    expect(res.json().alerted).toEqual({ roles: ['manager'], people: 2, emailed: 2, emailHeld: true, notSetUp: 0 }); // no SMTP_URL: held in the outbox

    const told = await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).execute();
    expect(told.map((n) => [n.user_id, n.kind]).sort()).toEqual([[manager.id, 'breach-reported'], [manager2.id, 'breach-reported']].sort());
    const mails = await db().selectFrom('email_outbox').selectAll().where('notification_id', 'in', told.map((n) => n.id)).execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual(['manager2@example.org', 'manager@example.org']);
    for (const m of mails) {
      expect(m.body_text).toContain(`${world.config.publicBaseUrl}/#/breaches/${id}`);
      for (const secret of ['bus', 'medical', 'Tuesday']) expect(m.subject + m.body_text).not.toContain(secret);
    }
    const audit = await auditFor(id);
    expect(audit.map((r) => [r.actor_id, r.action, r.decision, r.rule_id, r.clause])).toEqual([
      [volunteer.id, 'breach.report', 'change', 'breaches/report', CLAUSE],
      [volunteer.id, 'notification.send', 'change', 'breaches/report', CLAUSE], // management told, under the report's rule and clause
      [volunteer.id, 'breach.read', 'allow', 'breaches/reporter-own-report', CLAUSE],
    ]);
    expect(JSON.parse(audit[0].detail)).toEqual({ source: 'report', fields: ['occurredAt', 'report'] });
    for (const r of audit) expect(r.detail).not.toContain('bus');
  });

  it('5 breach-handling (breaches/report): a student who has not yet accepted the policy can still report; an administrator account cannot; bad input is a 400 naming the field and writes nothing', async () => {
    const receipt = await as(world, student).post('/api/breaches', { report: REPORT });
    expect(receipt.statusCode, receipt.body).toBe(201);
    expect(receipt.json().data).toEqual({ id: expect.any(String), status: 'reported', reportedAt: world.clock.now().toISOString() });
    expect(receipt.json().alerted).toEqual({ roles: ['manager'], people: 2, emailed: 2, emailHeld: true, notSetUp: 0 });
    expect((await auditFor(receipt.json().data.id)).map((r) => [r.action, r.rule_id])).toEqual([['breach.report', 'breaches/report'], ['notification.send', 'breaches/report']]);
    const before = await count('breaches');
    const refused = await as(world, admin).post('/api/breaches', { report: REPORT });
    expect(refused.statusCode).toBe(403);
    const denial = (await auditRows(world)).filter((r) => r.actor_id === admin.id && r.action === 'breach.report');
    expect(denial.map((r) => [r.decision, r.rule_id])).toEqual([['deny', 'default/deny']]);
    const cases: [unknown, string[]][] = [
      [{}, ['body.report']],
      [{ report: '   ' }, ['body.report']],
      [{ report: REPORT, occurredAt: 'yesterday' }, ['body.occurredAt']],
      [{ report: REPORT, severity: 'high' }, ['body']],
    ];
    for (const [body, paths] of cases) {
      const res = await as(world, staff).post('/api/breaches', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(paths);
    }
    expect(await count('breaches')).toBe(before);
  });

  it('5 breach-handling (breaches/report): a report says what has happened — a time it happened later than now, beyond a few minutes of clock skew, is a 400 on body.occurredAt (reporting and handling alike) and writes nothing', async () => {
    const MINUTE = 60_000;
    const ahead = (minutes: number) => new Date(world.clock.now().getTime() + minutes * MINUTE).toISOString();
    const before = await count('breaches');
    for (const occurredAt of ['2030-01-01T00:00:00Z', ahead(6)]) {
      const res = await as(world, student).post('/api/breaches', { report: REPORT, occurredAt });
      expect(res.statusCode, occurredAt).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([{ path: 'body.occurredAt', message: 'must not be in the future' }]);
      expect(res.body).not.toContain('bus');
    }
    expect(await count('breaches')).toBe(before);
    // A device a few minutes fast is not a report of the future.
    const skewed = await as(world, staff).post('/api/breaches', { report: REPORT, occurredAt: ahead(4) });
    expect(skewed.statusCode, skewed.body).toBe(201);
    const id = skewed.json().data.id as string;
    // Management's "when it happened" and "when we became aware" follow the same rule.
    for (const body of [{ occurredAt: '2030-01-01T00:00:00Z' }, { occurredAt: ahead(6) }, { awareAt: ahead(6) }]) {
      const res = await patch(manager, id, 1, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors).toEqual([{ path: `body.${Object.keys(body)[0]}`, message: 'must not be in the future' }]);
    }
    const handled = await patch(manager, id, 1, { occurredAt: ahead(4) });
    expect(handled.statusCode, handled.body).toBe(200);
    expect((await db().selectFrom('breaches').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version).toBe(2);
  });

  it('5 breach-handling (breaches/reporter-own-report): the reporter reads back only their report and its status; other volunteers and staff get 404 and do not see it listed', async () => {
    const id = await report(volunteer);
    const mine = await report(otherVolunteer);
    for (const outsider of [otherVolunteer, staff]) {
      expect((await as(world, outsider).get(`/api/breaches/${id}`)).statusCode).toBe(404);
      const listed = (await as(world, outsider).get('/api/breaches')).json().items.map((b: { id: string }) => b.id);
      expect(listed).not.toContain(id);
    }
    expect((await as(world, otherVolunteer).get('/api/breaches')).json().items.map((b: { id: string }) => b.id)).toEqual([mine]);
    const denied = (await auditFor(id)).filter((r) => r.decision === 'deny');
    expect(denied.map((r) => [r.actor_id, r.action, r.rule_id])).toEqual([[otherVolunteer.id, 'breach.read', 'default/deny'], [staff.id, 'breach.read', 'default/deny']]);

    const own = await as(world, volunteer).get(`/api/breaches/${id}`);
    expect(own.statusCode).toBe(200);
    expect(Object.keys(own.json().data).sort()).toEqual(['createdAt', 'id', 'report', 'reportedAt', 'reportedBy', 'reportedOccurredAt', 'source', 'status', 'updatedAt', 'version']);
    expect(own.json()).not.toHaveProperty('handling');
    const listItem = (await as(world, volunteer).get('/api/breaches')).json().items.find((b: { id: string }) => b.id === id);
    expect(listItem).not.toHaveProperty('report'); // lists carry general fields only
    expect(listItem).not.toHaveProperty('clock');
    const listAudit = (await auditRows(world)).filter((r) => r.actor_id === volunteer.id && r.action === 'breach.read' && r.resource_id === null).at(-1)!;
    expect(listAudit).toMatchObject({ decision: 'allow', rule_id: 'breaches/reporter-own-report', clause: CLAUSE });
  });

  it('5 breach-handling (breaches/management): volunteers and staff cannot handle a breach (403, nothing written); a manager records the handling with If-Match; stale is 412, none is 428; the audit names fields, never values', async () => {
    const id = await report(volunteer);
    for (const user of [volunteer, staff, guardian]) {
      const res = await patch(user, id, 1, { containment: 'Asked the bus company for the list back' });
      expect(res.statusCode, user.username).toBe(403);
    }
    expect((await db().selectFrom('breaches').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version).toBe(1);
    const refusals = (await auditRows(world)).filter((r) => r.action === 'breach.handle' && r.decision === 'deny' && r.resource_id === id);
    expect(refusals.map((r) => [r.actor_id, r.rule_id])).toEqual([[volunteer.id, 'default/deny'], [staff.id, 'default/deny'], [guardian.id, 'default/deny']]);

    expect((await patch(manager, id, null, { containment: 'x' })).statusCode).toBe(428);
    const body = {
      whatHappened: 'Printed register of 14 members with health notes left on the 8:10 bus', occurredAt: '2026-03-02T08:10:00Z',
      dataCategories: ['health', 'contact'], peopleAffected: 14, likelihood: 'possible', severity: 'significant', riskNotes: 'Health data of children',
      containment: 'Bus company holds the folder; collected at 11:00', disciplinaryReference: 'HR-2026-014',
    };
    const done = await patch(manager, id, 1, body);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.headers.etag).toBe('"2"');
    expect(done.json().data.status).toBe('assessing');
    expect(done.json().handling).toMatchObject({
      whatHappened: body.whatHappened, occurredAt: '2026-03-02T08:10:00.000Z', dataCategories: ['contact', 'health'], peopleAffected: 14,
      risk: { likelihood: 'possible', severity: 'significant', level: 'risk' }, containment: body.containment, disciplinaryReference: 'HR-2026-014',
    });
    const stale = await patch(manager2, id, 1, { riskNotes: 'overwrite' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().errors).toEqual([{ path: 'header.if-match', message: 'stale version; current is 2' }]);

    const handled = (await auditFor(id)).filter((r) => r.action === 'breach.handle' && r.decision === 'change');
    expect(handled.map((r) => [r.actor_id, r.rule_id, r.clause])).toEqual([[manager.id, 'breaches/management', CLAUSE]]);
    expect(JSON.parse(handled[0].detail)).toEqual({ fields: Object.keys(body).sort(), version: 2, status: { from: 'reported', to: 'assessing' } });
    for (const r of await auditFor(id)) for (const secret of ['8:10 bus', 'HR-2026-014', 'children', 'folder']) expect(r.detail).not.toContain(secret);
    const review = (await auditFor(id)).filter((r) => r.action === 'breach.review' && r.actor_id === manager.id);
    expect(review.map((r) => [r.decision, r.rule_id, r.clause])).toEqual([['allow', 'breaches/management', CLAUSE]]);

    // The reporter still sees only their report and its new status.
    const own = (await as(world, volunteer).get(`/api/breaches/${id}`)).json();
    expect(own.data.status).toBe('assessing');
    expect(JSON.stringify(own)).not.toContain('HR-2026-014');
  });

  it('5 breach-handling (UK GDPR Art 33–34): decisions that do not hold together are a 400 naming the field, and nothing changes', async () => {
    const id = await report(staff);
    const bad: [Record<string, unknown>, string[]][] = [
      [{ likelihood: 'likely', severity: 'severe', icoDecision: 'not_required', icoReason: 'small' }, ['body.icoDecision']],
      [{ icoDecision: 'not_required' }, ['body.icoDecision']],
      [{ icoReportedAt: world.clock.now().toISOString() }, ['body.icoReportedAt']],
      [{ likelihood: 'likely', severity: 'severe', peopleToldDecision: 'not_required', peopleNotToldGround: 'not_high_risk', peopleToldReason: 'no' }, ['body.peopleNotToldGround']],
      [{ awareAt: '2030-01-01T00:00:00Z' }, ['body.awareAt']],
      [{ disciplinaryReference: 'HR-1\nHe was careless and has a warning' }, ['body.disciplinaryReference']],
      [{ peopleAffected: -1 }, ['body.peopleAffected']],
      [{ notes: 'x' }, ['body']],
      [{}, ['body']],
    ];
    for (const [body, paths] of bad) {
      const res = await patch(manager, id, 1, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toEqual(paths);
    }
    const row = await db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.version, row.status, row.likelihood, row.ico_decision]).toEqual([1, 'reported', null, null]);
    expect((await auditFor(id)).filter((r) => r.action === 'breach.handle' && r.decision === 'change')).toEqual([]);
  });

  it('5 breach-handling (UK GDPR Art 33(1)): the organisation is aware no later than when the breach was reported to it — a later awareness is a 400 on body.awareAt, writes nothing and never moves the ICO deadline later; an earlier one moves it earlier', async () => {
    const reportedAt = world.clock.now();
    const id = await report(volunteer);
    const MINUTE = 60_000;
    const at = (minutesAfterReport: number) => new Date(reportedAt.getTime() + minutesAfterReport * MINUTE).toISOString();
    const deadline = (minutesAfterReport: number) => new Date(reportedAt.getTime() + minutesAfterReport * MINUTE + 72 * 60 * MINUTE).toISOString();
    world.clock.advance(40 * MINUTE); // the manager looks at it 40 minutes later (within the sessions' idle time)
    // 20 minutes after the report, written in New York's offset (its text sorts before the report's UTC time).
    const inNewYork = `${new Date(reportedAt.getTime() + 20 * MINUTE - 5 * 60 * MINUTE).toISOString().slice(0, 19)}-05:00`;
    for (const body of [{ awareAt: at(39) }, { awareAt: at(0.05), containment: 'Folder recovered' }, { awareAt: inNewYork }]) {
      const res = await patch(manager, id, 1, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([{ path: 'body.awareAt', message: 'cannot be later than when the breach was reported' }]);
    }
    const row = await db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.version, row.aware_at, row.ico_deadline_at, row.containment]).toEqual([1, reportedAt.toISOString(), deadline(0), null]);
    expect((await auditFor(id)).filter((r) => r.action === 'breach.handle' && r.decision === 'change')).toEqual([]);

    // Someone knew five hours before they reported it: the deadline moves earlier; the report's own time is the latest.
    const earlier = await patch(manager, id, 1, { awareAt: at(-5 * 60) });
    expect(earlier.statusCode, earlier.body).toBe(200);
    expect(earlier.json().clock).toMatchObject({ awareAt: at(-5 * 60), deadlineAt: deadline(-5 * 60), state: 'running' });
    const asReported = await patch(manager, id, 2, { awareAt: reportedAt.toISOString() });
    expect(asReported.statusCode, asReported.body).toBe(200);
    expect(asReported.json().clock.deadlineAt).toBe(deadline(0));
    // No other field moves the deadline: a change to the rest keeps it.
    const other = await patch(manager, id, 3, { occurredAt: at(-6 * 60), likelihood: 'possible', severity: 'significant', icoDecision: 'report' });
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().clock.deadlineAt).toBe(deadline(0));
  });

  it('5 breach-handling (breaches/management): closing needs the ICO and people-told decisions; a closed breach takes no changes; the reporter is told and sees it closed', async () => {
    const id = await report(volunteer);
    const early = await patch(manager, id, 1, { status: 'contained', containment: 'Folder recovered unopened' });
    expect(early.statusCode, early.body).toBe(200);
    const notYet = await as(world, manager).post(`/api/breaches/${id}/close`, { note: 'done' }, { 'if-match': '"2"' });
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().errors.map((e: { path: string }) => e.path)).toEqual(['record.icoDecision', 'record.peopleToldDecision']);
    const back = await patch(manager, id, 2, { status: 'assessing' });
    expect(back.statusCode).toBe(409);
    const decided = await patch(manager, id, 2, {
      likelihood: 'remote', severity: 'minimal', icoDecision: 'not_required', icoReason: 'Recovered unopened within the hour: unlikely to result in a risk',
      peopleToldDecision: 'not_required', peopleNotToldGround: 'not_high_risk', peopleToldReason: 'No risk to them',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().clock).toMatchObject({ state: 'not-required', minutesLeft: null });
    const closed = await as(world, manager).post(`/api/breaches/${id}/close`, { note: 'Registers are no longer printed for outings' }, { 'if-match': '"3"' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().data.status).toBe('closed');
    expect(closed.json().can).toEqual({ review: true, handle: false });
    const close = (await auditFor(id)).find((r) => r.action === 'breach.close')!;
    expect(close).toMatchObject({ actor_id: manager.id, decision: 'change', rule_id: 'breaches/management', clause: CLAUSE });
    expect(JSON.parse(close.detail)).toEqual({ fields: ['note'], version: 4, status: { from: 'contained', to: 'closed' } });
    expect((await patch(manager, id, 4, { riskNotes: 'late' })).statusCode).toBe(409);
    expect((await as(world, volunteer).get(`/api/breaches/${id}`)).json().data.status).toBe('closed');
    const told = await db().selectFrom('notifications').select('kind').where('user_id', '=', volunteer.id).where('resource_id', '=', id).execute();
    expect(told.map((n) => n.kind)).toEqual(['breach-closed']);
  });

  it('5 breach-handling (breaches/guardian-oversight): the guardian reads every breach with its handling and clock but cannot handle it; while a manager is free, the guardian\'s flag queue is empty, and staff cannot list the flags', async () => {
    const id = await report(staff);
    const read = await as(world, guardian).get(`/api/breaches/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().clock).toMatchObject({ state: 'running', minutesLeft: 72 * 60 });
    expect(read.json().can).toEqual({ review: true, handle: false });
    const entries = (await auditFor(id)).filter((r) => r.actor_id === guardian.id);
    expect(entries.map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['breach.read', 'allow', 'breaches/guardian-oversight', CLAUSE], ['breach.review', 'allow', 'breaches/guardian-oversight', CLAUSE],
    ]);
    expect((await as(world, guardian).get('/api/breaches')).json().items.map((b: { id: string }) => b.id)).toContain(id);
    expect((await as(world, guardian).post(`/api/breaches/${id}/close`, { note: 'x' }, { 'if-match': '"1"' })).statusCode).toBe(403);
    const queue = await as(world, guardian).get('/api/breaches/flags');
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items).toEqual([]);
    expect((await as(world, staff).get('/api/breaches/flags')).statusCode).toBe(403);
  });

  it('5 breach-handling (breaches/management): a manager links the people affected; an unknown person is a 404 naming the field and links nothing; each link is audited under the person', async () => {
    const id = await report(volunteer);
    const missing = await as(world, manager).post(`/api/breaches/${id}/people`, { add: [person, '01966f5e-0000-7000-8000-000000000000'] }, { 'if-match': '"1"' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errors).toEqual([{ path: 'body.add.1', message: 'no person with that id that you may see' }]);
    expect(await db().selectFrom('breach_people').selectAll().where('breach_id', '=', id).execute()).toEqual([]);
    const linked = await as(world, manager).post(`/api/breaches/${id}/people`, { add: [person] }, { 'if-match': '"1"' });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().handling.affectedPeople).toMatchObject({ linked: 1, restricted: 0 });
    expect(linked.json().handling.affectedPeople.people.map((p: { id: string }) => p.id)).toEqual([person]);
    const entry = (await auditFor(id)).find((r) => r.action === 'breach.people')!;
    expect(entry).toMatchObject({ actor_id: manager.id, decision: 'change', rule_id: 'breaches/management', clause: CLAUSE, subject_person_id: person });
    // The reporter never learns who was linked.
    expect(JSON.stringify((await as(world, volunteer).get(`/api/breaches/${id}`)).json())).not.toContain(person);
  });

  it('5 breach-handling (break-glass/breach): a break-glass use a manager reviews as a breach opens a breach record linked to the use and the person', async () => {
    const outside = await makePerson(world);
    const use = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: outside, reason: 'Client collapsed at the session, need emergency contact now' });
    expect(use.statusCode, use.body).toBe(201);
    const grantId = use.json().id as string;
    const reviewed = await as(world, manager).post(`/api/access/break-glass/${grantId}/review`, { outcome: 'breach', note: 'No emergency: the contact was on the team sheet' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const breachId = reviewed.json().breachId as string;
    const row = await db().selectFrom('breaches').selectAll().where('id', '=', breachId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'break-glass', grant_id: grantId, status: 'assessing', reported_by: manager.id });
    expect(await db().selectFrom('breach_people').select('person_id').where('breach_id', '=', breachId).execute()).toEqual([{ person_id: outside }]);
    const audit = (await auditRows(world)).filter((r) => r.resource_id === breachId || r.resource_id === grantId);
    expect(audit.filter((r) => r.actor_id === manager.id).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['breakglass.review', 'allow', 'break-glass/breach', CLAUSE],
      ['notification.settle', 'change', 'break-glass/breach', CLAUSE], // the managers' alerts to review this use, settled by that review (practice 4.2)
      ['breach.open', 'change', 'breaches/management', CLAUSE],
      ['notification.send', 'change', 'breaches/management', CLAUSE], // management told of the breach, under its opening
      ['breach.people', 'change', 'breaches/management', CLAUSE],
      ['notification.send', 'change', 'break-glass/breach', CLAUSE], // the user told the review's outcome, under the review
    ]);
    // A use reviewed as justified opens none.
    const other = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: outside, reason: 'Client collapsed again, need the emergency contact' });
    const justified = await as(world, manager).post(`/api/access/break-glass/${other.json().id}/review`, { outcome: 'justified', note: 'Real emergency' });
    expect(justified.json()).not.toHaveProperty('breachId');
    expect(await db().selectFrom('breaches').select('id').where('grant_id', '=', other.json().id).execute()).toEqual([]);
  });
});
