import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIcoClock } from '../../src/breaches/clock';
import { runFlags } from '../../src/breaches/flags';
import { cliExportPeople } from '../../src/cli/transfer';
import { as, auditRows, insertPurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const HOUR = 3_600_000;
const CLAUSE = '5';

describe.each(dialects())('breach register: the 72-hour ICO clock on the injected clock (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, volunteer: TestUser;
  const db = () => world.services.db.kysely;
  const report = async (user: TestUser) => {
    const res = await as(world, user).post('/api/breaches', { report: 'A laptop with session notes was stolen from a car' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const warnings = async (id: string) => (await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).where('kind', '=', 'breach-ico-clock').orderBy('created_at').execute());

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    manager2 = await makeUser(world, ['manager']);
    volunteer = await makeUser(world, ['volunteer']);
  });
  afterAll(() => world.close());

  it('5 breach-handling (UK GDPR Art 33): each breach shows its deadline and time left; management are warned at 24 and 6 hours left and when it passes, each once, even with two runs at the same moment; overdue breaches list first', async () => {
    const start = world.clock.now();
    const late = await report(volunteer);
    world.clock.advance(2 * HOUR);
    const later = await report(volunteer);
    const deadline = new Date(start.getTime() + 72 * HOUR).toISOString();

    const first = (await as(world, manager).get(`/api/breaches/${late}`)).json();
    expect(first.clock).toEqual({ awareAt: start.toISOString(), deadlineAt: deadline, state: 'running', minutesLeft: 70 * 60 });
    expect(await runIcoClock(world.services)).toEqual([]);

    world.clock.set(new Date(start.getTime() + 48 * HOUR)); // 24 hours left on the first
    const both = await Promise.all([runIcoClock(world.services), runIcoClock(world.services)]);
    expect(both.flat()).toEqual([{ breachId: late, stage: 'hours-24' }]);
    expect((await warnings(late)).map((n) => n.user_id).sort()).toEqual([manager.id, manager2.id].sort());
    const mail = await db().selectFrom('email_outbox').selectAll().where('notification_id', 'in', (await warnings(late)).map((n) => n.id)).execute();
    expect(mail.map((m) => [m.to_address, m.subject])).toEqual([['manager@example.org', 'A breach must be reported to the ICO within 24 hours']]);
    expect(mail[0].body_text).not.toContain('laptop');
    const entry = (await auditRows(world)).filter((r) => r.action === 'breach.escalate');
    expect(entry.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.resource_id, r.request_id])).toEqual([['system', 'change', 'breaches/management', CLAUSE, late, 'job:breach-ico-clock']]);
    expect(JSON.parse(entry[0].detail)).toMatchObject({ stage: 'hours-24', passed: [], deadlineAt: deadline, emailed: 1 });

    world.clock.advance(1 * HOUR);
    expect(await runIcoClock(world.services)).toEqual([]); // nothing new: repeated runs send nothing
    world.clock.set(new Date(start.getTime() + 66 * HOUR)); // 6 hours left on the first, 8 on the second
    expect(await runIcoClock(world.services)).toEqual([{ breachId: late, stage: 'hours-6' }, { breachId: later, stage: 'hours-24' }]);
    world.clock.set(new Date(start.getTime() + 72 * HOUR));
    expect(await runIcoClock(world.services)).toEqual([{ breachId: late, stage: 'overdue' }, { breachId: later, stage: 'hours-6' }]);
    expect(await runIcoClock(world.services)).toEqual([]);
    expect((await warnings(late)).map((n) => n.subject)).toEqual([
      'A breach must be reported to the ICO within 24 hours', 'A breach must be reported to the ICO within 24 hours',
      'A breach must be reported to the ICO within 6 hours', 'A breach must be reported to the ICO within 6 hours',
      'The 72 hours for telling the ICO about a breach have passed', 'The 72 hours for telling the ICO about a breach have passed',
    ]);

    const read = (await as(world, manager).get(`/api/breaches/${late}`)).json();
    expect(read.clock).toMatchObject({ state: 'overdue', minutesLeft: 0 });
    expect(read.handling.escalations.map((e: { stage: string; notified: boolean }) => [e.stage, e.notified])).toEqual([['hours-24', true], ['hours-6', true], ['overdue', true]]);
    const settled = await report(volunteer); // a fresh one, not overdue
    const list = (await as(world, manager).get('/api/breaches?limit=2')).json();
    expect(list.items.map((b: { id: string }) => b.id)).toEqual([late, later]);
    expect(list.items[0].clock.state).toBe('overdue');
    const rest = (await as(world, manager).get(`/api/breaches?limit=2&cursor=${list.nextCursor}`)).json();
    expect(rest.items.map((b: { id: string }) => b.id)).toEqual([settled]);

    // Reporting to the ICO late needs the reasons for the delay; then the clock stops and no more warnings come.
    world.clock.advance(HOUR);
    const v = read.version as number;
    const noReason = await as(world, manager).patch(`/api/breaches/${late}`, { icoDecision: 'report', icoReportedAt: world.clock.now().toISOString(), icoReference: 'ICO-123' }, { 'if-match': `"${v}"` });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([{ path: 'body.icoReportedAt', message: 'give the reasons for reporting after 72 hours (Art 33(1))' }]);
    const reported = await as(world, manager).patch(`/api/breaches/${late}`, {
      icoDecision: 'report', icoReportedAt: world.clock.now().toISOString(), icoReference: 'ICO-123', icoReason: 'The theft was only confirmed by the police on day 3',
    }, { 'if-match': `"${v}"` });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json().clock).toMatchObject({ state: 'reported-late', minutesLeft: null });
    world.clock.advance(24 * HOUR);
    expect((await runIcoClock(world.services)).map((w) => w.breachId)).not.toContain(late);

    // Moving awareness earlier than the report (reported 25 hours ago; someone knew 10 hours before) moves the deadline.
    const fresh = (await as(world, manager).get(`/api/breaches/${settled}`)).json();
    const moved = await as(world, manager).patch(`/api/breaches/${settled}`, { awareAt: new Date(world.clock.now().getTime() - 35 * HOUR).toISOString() }, { 'if-match': `"${fresh.version}"` });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().clock).toMatchObject({ state: 'running', minutesLeft: 37 * 60 });
    // Awareness moved further back leaves 5 hours: one warning, with the 24-hour stage recorded as passed.
    const again = await as(world, manager).patch(`/api/breaches/${settled}`, { awareAt: new Date(world.clock.now().getTime() - 67 * HOUR).toISOString() }, { 'if-match': `"${fresh.version + 1}"` });
    expect(again.statusCode, again.body).toBe(200);
    expect(await runIcoClock(world.services)).toEqual([{ breachId: settled, stage: 'hours-6' }]);
    expect(JSON.parse((await auditRows(world)).filter((r) => r.action === 'breach.escalate' && r.resource_id === settled)[0].detail).passed).toEqual(['hours-24']);
    const escalations = (await as(world, manager).get(`/api/breaches/${settled}`)).json().handling.escalations;
    expect(escalations.map((e: { stage: string; notified: boolean }) => [e.stage, e.notified])).toEqual([['hours-24', false], ['hours-6', true]]);
  });
});

describe.each(dialects())('breach register: review flags from the audit chain (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, staff: TestUser, volunteer: TestUser, reader: TestUser;
  let people: string[];
  const db = () => world.services.db.kysely;
  const flagsOf = async (userId: string) => (await db().selectFrom('breach_flags').selectAll().where('user_id', '=', userId).orderBy('raised_at').orderBy('id').execute());

  beforeAll(async () => {
    world = await createWorld(dialect, {
      breachReadsThreshold: 6, breachReadsWindowMinutes: 60, breachDenialsThreshold: 3, breachDenialsWindowMinutes: 60, breachExportMinPeople: 2,
      breachBreakGlassReviewHours: 4, sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24,
    });
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    reader = await makeUser(world, ['staff']);
    people = [await makePerson(world), await makePerson(world), await makePerson(world)];
    for (const p of people) await makeCase(world, p, { [reader.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('5 breach-handling (review flags): unusual reads, repeated refusals, an export of people and an unreviewed break-glass use raise one flag each from real activity; repeated and concurrent runs raise nothing more', async () => {
    world.clock.set(new Date('2026-03-02T10:05:00.000Z'));
    for (let i = 0; i < 6; i++) expect((await as(world, reader).get(`/api/people/${people[i % 3]}`)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await as(world, volunteer).get(`/api/people/${people[0]}`)).statusCode).toBe(404);
    for (let i = 0; i < 2; i++) await as(world, staff).get(`/api/people/${people[1]}`); // under the threshold
    await cliExportPeople(world.services, reader.username, await insertPurpose(world, { name: 'Service planning', guardianId: (await makeUser(world, ['guardian'])).id, createdBy: manager.id }));
    const glass = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: people[2], reason: 'Client unwell at the session, emergency contact needed' });
    expect(glass.statusCode, glass.body).toBe(201);

    const [a, b] = await Promise.all([runFlags(world.services), runFlags(world.services)]);
    expect(a.length + b.length).toBe(3);
    const readerFlags = await flagsOf(reader.id);
    expect(readerFlags.map((f) => [f.kind, f.status])).toEqual([['read-volume', 'open'], ['people-export', 'open']]);
    expect(readerFlags[0]).toMatchObject({ window_start: '2026-03-02T10:00:00.000Z', window_end: '2026-03-02T11:00:00.000Z' });
    expect(Number(readerFlags[0].count)).toBe(9); // 6 openings and the 3 people the export wrote out
    expect(Number(readerFlags[1].count)).toBe(3);
    expect((await flagsOf(volunteer.id)).map((f) => [f.kind, Number(f.count)])).toEqual([['repeated-denials', 3]]);
    expect(await flagsOf(staff.id)).toEqual([]);

    const raised = (await auditRows(world)).filter((r) => r.action === 'breach.flag');
    expect(raised.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.resource_type, r.request_id])).toEqual(Array(3).fill(['system', 'change', 'breaches/management', CLAUSE, 'breach-flag', 'job:breach-flags']));
    expect(raised.map((r) => JSON.parse(r.detail).kind).sort()).toEqual(['people-export', 'read-volume', 'repeated-denials']);
    const told = await db().selectFrom('notifications').selectAll().where('user_id', '=', manager.id).where('kind', '=', 'breach-flags').execute();
    expect(told.length).toBe(1);

    // More reads in the same window bring the count up to date without a new flag.
    await as(world, reader).get(`/api/people/${people[0]}`);
    expect(await runFlags(world.services)).toEqual([]);
    expect(Number((await flagsOf(reader.id))[0].count)).toBe(10);

    // The break-glass use is flagged once it has waited BREACH_BREAK_GLASS_REVIEW_HOURS for review.
    world.clock.advance(4 * 3_600_000);
    const late = await runFlags(world.services);
    expect(late.length).toBe(1);
    expect((await flagsOf(staff.id)).map((f) => [f.kind, f.grant_id])).toEqual([['break-glass-unreviewed', glass.json().id]]);
    expect(await runFlags(world.services)).toEqual([]);
  });

  it('5 breach-handling (review flags): a manager lists flags, dismisses one with a reason, opens another as a breach; others are refused; a decided flag is not decided again', async () => {
    const list = await as(world, manager).get('/api/breaches/flags');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; kind: string }[];
    expect(items.map((f) => f.kind).sort()).toEqual(['break-glass-unreviewed', 'people-export', 'read-volume', 'repeated-denials']);
    const byKind = (k: string) => items.find((f) => f.kind === k)!.id;

    for (const user of [staff, volunteer]) expect((await as(world, user).post(`/api/breaches/flags/${byKind('read-volume')}/dismiss`, { reason: 'x' })).statusCode).toBe(403);
    const noReason = await as(world, manager).post(`/api/breaches/flags/${byKind('repeated-denials')}/dismiss`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.reason']);

    const dismissed = await as(world, manager).post(`/api/breaches/flags/${byKind('repeated-denials')}/dismiss`, { reason: 'Volunteer followed an old link from a rota e-mail' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', decidedBy: manager.id });
    expect((await as(world, manager).post(`/api/breaches/flags/${byKind('repeated-denials')}/dismiss`, { reason: 'again' })).statusCode).toBe(409);

    const opened = await as(world, manager).post(`/api/breaches/flags/${byKind('people-export')}/open`);
    expect(opened.statusCode, opened.body).toBe(201);
    const breachId = opened.json().data.id as string;
    expect(opened.json().data).toMatchObject({ source: 'flag', status: 'assessing', reportedBy: manager.id });
    expect(opened.json().handling.flagId).toBe(byKind('people-export'));
    expect(opened.json().clock.state).toBe('running');
    const flag = await db().selectFrom('breach_flags').selectAll().where('id', '=', byKind('people-export')).executeTakeFirstOrThrow();
    expect(flag).toMatchObject({ status: 'breach', breach_id: breachId });

    const audit = (await auditRows(world)).filter((r) => r.actor_id === manager.id && r.action.startsWith('breach.'));
    expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['breach.flags', 'allow', 'breaches/management', CLAUSE],
      ['breach.flag.dismiss', 'change', 'breaches/management', CLAUSE],
      ['breach.open', 'change', 'breaches/management', CLAUSE],
      ['breach.flag.open', 'change', 'breaches/management', CLAUSE],
      ['breach.read', 'allow', 'breaches/management', CLAUSE],
      ['breach.review', 'allow', 'breaches/management', CLAUSE],
    ]);
    for (const r of audit) expect(r.detail).not.toContain('rota');
    const open = (await as(world, manager).get('/api/breaches/flags')).json().items.map((f: { kind: string }) => f.kind).sort();
    expect(open).toEqual(['break-glass-unreviewed', 'read-volume']);
    expect((await as(world, manager).get('/api/breaches/flags?status=dismissed')).json().items.map((f: { dismissReason: string }) => f.dismissReason)).toEqual(['Volunteer followed an old link from a rota e-mail']);
  });
});
