import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIcoClock } from '../../src/breaches/clock';
import { runFlags } from '../../src/breaches/flags';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CLAUSE = '5';
const RULE = 'breaches/not-own-conduct';
const HOUR = 3_600_000;
const REASON = 'Client collapsed at the session, need the emergency contact now';

// Clause 5: breaches are dealt with seriously, as a disciplinary matter — so neither judged nor followed by the person
// whose conduct they are about. A manager whose break-glass use was reviewed as a breach, or whose activity a review
// flag names, does not read, list, handle, decide or close it, and is not told of the flag; another manager does.
describe.each(dialects())('breach register: nobody deals with their own conduct (%s)', (dialect) => {
  let world: World;
  let culprit: TestUser, reviewer: TestUser, staff: TestUser;
  const db = () => world.services.db.kysely;
  const denialsOf = async (user: TestUser) => (await auditRows(world)).filter((r) => r.actor_id === user.id && r.decision === 'deny');
  const changesOn = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.decision === 'change');
  const breachRow = (id: string) => db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const flagRow = (id: string) => db().selectFrom('breach_flags').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** `user` breaks the glass on a fresh client's record they are not on the team of; returns the use's id. */
  const breakGlass = async (user: TestUser) => {
    const res = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: await makePerson(world), reason: REASON });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    world = await createWorld(dialect, { breachBreakGlassReviewHours: 4, sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    culprit = await makeUser(world, ['manager']);
    reviewer = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  it(`5 breach-handling (breaches/not-own-conduct): the manager who broke the glass cannot handle, link people to or close the breach it was reviewed as — 404 as for a breach they may not see, audited naming the rule and clause 5, nothing written; another manager handles and closes it`, async () => {
    const grantId = await breakGlass(culprit);
    const reviewed = await as(world, reviewer).post(`/api/access/break-glass/${grantId}/review`, { outcome: 'breach', note: 'No emergency: the contact was on the team sheet' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const id = reviewed.json().breachId as string;
    const before = await breachRow(id);
    expect(before).toMatchObject({ source: 'break-glass', grant_id: grantId, reported_by: reviewer.id, version: 1 });
    const changesBefore = (await changesOn(id)).length;

    const attempts = [
      ['breach.handle', () => as(world, culprit).patch(`/api/breaches/${id}`, { status: 'contained', containment: 'Access ended', icoDecision: 'not_required', icoReason: 'Only the emergency contact was seen' }, { 'if-match': '"1"' })],
      ['breach.people', async () => as(world, culprit).post(`/api/breaches/${id}/people`, { add: [await makePerson(world)] }, { 'if-match': '"1"' })],
      ['breach.close', () => as(world, culprit).post(`/api/breaches/${id}/close`, { note: 'Nothing to see' }, { 'if-match': '"1"' })],
    ] as const;
    for (const [action, attempt] of attempts) {
      const res = await attempt();
      // Not theirs to see (they do not read it either): the answer to a breach they may not see.
      expect(res.statusCode, `${action}: ${res.body}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await denialsOf(culprit)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual(
      attempts.map(([action]) => [action, 'deny', RULE, CLAUSE, 'breach', id]),
    );
    const after = await breachRow(id);
    expect([after.version, after.status, after.containment, after.ico_decision, after.closed_at]).toEqual([1, 'assessing', null, null, null]);
    expect((await changesOn(id)).length).toBe(changesBefore);

    // Nor is it in the management review's open breaches for them (3.6): not its id, status or clock, not in the count.
    const openBreachesFor = async (user: TestUser) => (await as(world, user).get('/api/review')).json().sections.openBreaches as { count: number; items: { id: string }[] };
    const [mine, theirs] = [await openBreachesFor(culprit), await openBreachesFor(reviewer)];
    expect(mine.items.map((b) => b.id)).not.toContain(id);
    expect(theirs.items.map((b) => b.id)).toContain(id);
    expect(mine.count).toBe(theirs.count - 1);

    // Another manager deals with it: handles, decides and closes it, under breaches/management.
    const seen = await as(world, reviewer).get(`/api/breaches/${id}`);
    expect(seen.json().can).toEqual({ review: true, handle: true });
    const handled = await as(world, reviewer).patch(`/api/breaches/${id}`, {
      status: 'contained', containment: 'Access ended at review', likelihood: 'remote', severity: 'minimal',
      icoDecision: 'not_required', icoReason: 'Only the emergency contact was seen, by a member of staff', peopleToldDecision: 'not_required',
      peopleNotToldGround: 'not_high_risk', peopleToldReason: 'No risk to them', disciplinaryReference: 'HR-2026-031',
    }, { 'if-match': '"1"' });
    expect(handled.statusCode, handled.body).toBe(200);
    const closed = await as(world, reviewer).post(`/api/breaches/${id}/close`, { note: 'Referred under the disciplinary procedure' }, { 'if-match': '"2"' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().data.status).toBe('closed');
    const done = (await changesOn(id)).filter((r) => ['breach.handle', 'breach.close'].includes(r.action));
    expect(done.map((r) => [r.actor_id, r.action, r.decision, r.rule_id, r.clause, r.resource_type])).toEqual([
      [reviewer.id, 'breach.handle', 'change', 'breaches/management', CLAUSE, 'breach'],
      [reviewer.id, 'breach.close', 'change', 'breaches/management', CLAUSE, 'breach'],
    ]);
    for (const r of await auditRows(world)) expect(r.detail).not.toContain('HR-2026-031');

    // Nor do they follow it: the report, its handling (the disciplinary reference) and its ICO clock are not theirs to
    // read. Their read answers as a staff member's does — 404, not found — audited under the rule; lists leave it out.
    const read = await as(world, culprit).get(`/api/breaches/${id}`);
    const staffRead = await as(world, staff).get(`/api/breaches/${id}`);
    expect([read.statusCode, staffRead.statusCode]).toEqual([404, 404]);
    const { instance: _a, ...problem } = read.json();
    const { instance: _b, ...staffProblem } = staffRead.json();
    expect(problem).toEqual(staffProblem);
    expect(read.body).not.toContain('HR-2026-031');
    expect((await denialsOf(culprit)).at(-1)).toMatchObject({ action: 'breach.read', decision: 'deny', rule_id: RULE, clause: CLAUSE, resource_type: 'breach', resource_id: id });
    expect((await denialsOf(staff)).at(-1)).toMatchObject({ action: 'breach.read', decision: 'deny', rule_id: 'default/deny', resource_id: id });
    const idsListedTo = async (user: TestUser) => ((await as(world, user).get('/api/breaches?limit=200')).json().items as { id: string }[]).map((b) => b.id);
    expect(await idsListedTo(culprit)).not.toContain(id);
    expect(await idsListedTo(reviewer)).toContain(id);
    // A breach reported in words is about nobody the system can read: the culprit reads and lists it as management.
    const words = (await as(world, staff).post('/api/breaches', { report: 'A rota with clients\' names was pinned up in the hall' })).json().data.id as string;
    expect(await idsListedTo(culprit)).toContain(words);
    const other = await as(world, culprit).get(`/api/breaches/${words}`);
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().can).toEqual({ review: true, handle: true });
    expect((await auditRows(world)).filter((r) => r.actor_id === culprit.id && r.resource_id === words).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['breach.read', 'allow', 'breaches/management', CLAUSE], ['breach.review', 'allow', 'breaches/management', CLAUSE],
    ]);
  });

  it(`5 breach-handling (breaches/not-own-conduct): a breach about someone else's conduct, or reported in words, is handled by any manager — the manager who broke the glass on another occasion included`, async () => {
    const grantId = await breakGlass(staff);
    const reviewed = await as(world, reviewer).post(`/api/access/break-glass/${grantId}/review`, { outcome: 'breach', note: 'Not an emergency' });
    const id = reviewed.json().breachId as string;
    const res = await as(world, culprit).patch(`/api/breaches/${id}`, { containment: 'Access ended; staff member spoken to' }, { 'if-match': '"1"' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().can).toEqual({ review: true, handle: true });
    const reported = await as(world, staff).post('/api/breaches', { report: 'A list of group members was left on the printer' });
    const other = await as(world, culprit).patch(`/api/breaches/${reported.json().data.id}`, { containment: 'Shredded' }, { 'if-match': '"1"' });
    expect(other.statusCode, other.body).toBe(200);
    const entries = (await auditRows(world)).filter((r) => r.actor_id === culprit.id && r.action === 'breach.handle' && [id, reported.json().data.id].includes(r.resource_id));
    expect(entries.map((r) => [r.decision, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['change', 'breaches/management', CLAUSE, id], ['change', 'breaches/management', CLAUSE, reported.json().data.id],
    ]);
  });

  it(`5 breach-handling (breaches/not-own-conduct): a review flag about a manager's own activity is not in their queue and cannot be dismissed or opened as a breach by them — 403, audited, the flag stays open; another manager decides it, and the breach it opens is not theirs to read or handle either`, async () => {
    const first = await breakGlass(culprit);
    const second = await breakGlass(culprit);
    world.clock.advance(4 * HOUR); // left unreviewed: flagged for management
    await runFlags(world.services);
    const flags = await db().selectFrom('breach_flags').selectAll().where('user_id', '=', culprit.id).where('kind', '=', 'break-glass-unreviewed').where('status', '=', 'open').orderBy('raised_at').orderBy('id').execute();
    const flagOf = (grant: string) => flags.find((f) => f.grant_id === grant)!.id;
    expect(flags.map((f) => [f.kind, f.grant_id]).sort()).toEqual([['break-glass-unreviewed', first], ['break-glass-unreviewed', second]].sort());
    // Flags about their own activity are not in their queue; another manager's queue has them, to decide.
    const listed = await as(world, culprit).get('/api/breaches/flags');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((f: { userId: string }) => f.userId)).not.toContain(culprit.id);
    type Listed = { id: string; can: { decide: boolean } };
    const canOf = async (u: typeof culprit, id: string) => ((await as(world, u).get('/api/breaches/flags')).json().items as Listed[]).find((f) => f.id === id)?.can;
    expect(await canOf(culprit, flagOf(first))).toBeUndefined();
    expect(await canOf(reviewer, flagOf(first))).toEqual({ decide: true });

    const denialsBefore = (await denialsOf(culprit)).length;
    const dismiss = await as(world, culprit).post(`/api/breaches/flags/${flagOf(first)}/dismiss`, { reason: 'It was a real emergency' });
    expect(dismiss.statusCode, dismiss.body).toBe(403);
    expect(dismiss.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    const open = await as(world, culprit).post(`/api/breaches/flags/${flagOf(second)}/open`);
    expect(open.statusCode, open.body).toBe(403);
    expect(open.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    expect((await denialsOf(culprit)).slice(denialsBefore).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'deny', RULE, CLAUSE, 'breach-flag', flagOf(first)],
      ['breach.flag.open', 'deny', RULE, CLAUSE, 'breach-flag', flagOf(second)],
    ]);
    for (const grant of [first, second]) expect(await flagRow(flagOf(grant))).toMatchObject({ status: 'open', decided_by: null, dismiss_reason: null, breach_id: null });
    expect(await db().selectFrom('breaches').select('id').where('flag_id', 'in', [flagOf(first), flagOf(second)]).execute()).toEqual([]);
    expect((await auditRows(world)).filter((r) => r.actor_id === culprit.id && r.decision === 'change' && r.action.startsWith('breach.'))
      .filter((r) => [flagOf(first), flagOf(second)].includes(r.resource_id as string))).toEqual([]);

    // Another manager decides both.
    const dismissed = await as(world, reviewer).post(`/api/breaches/flags/${flagOf(first)}/dismiss`, { reason: 'Reviewed: a real emergency' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', decidedBy: reviewer.id, userId: culprit.id });
    const opened = await as(world, reviewer).post(`/api/breaches/flags/${flagOf(second)}/open`);
    expect(opened.statusCode, opened.body).toBe(201);
    const breachId = opened.json().data.id as string;
    expect((await auditRows(world)).filter((r) => r.actor_id === reviewer.id && r.action.startsWith('breach.flag.')).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'change', 'breaches/management', CLAUSE, 'breach-flag', flagOf(first)],
      ['breach.flag.open', 'change', 'breaches/management', CLAUSE, 'breach-flag', flagOf(second)],
    ]);

    // The breach opened from the flag is about the culprit's conduct too (the flag names them): not theirs to read
    // nor to handle.
    expect((await as(world, culprit).get(`/api/breaches/${breachId}`)).statusCode).toBe(404);
    expect((await denialsOf(culprit)).at(-1)).toMatchObject({ action: 'breach.read', rule_id: RULE, clause: CLAUSE, resource_type: 'breach', resource_id: breachId });
    const handle = await as(world, culprit).patch(`/api/breaches/${breachId}`, { containment: 'x' }, { 'if-match': '"1"' });
    expect(handle.statusCode, handle.body).toBe(404);
    expect((await denialsOf(culprit)).at(-1)).toMatchObject({ action: 'breach.handle', rule_id: RULE, clause: CLAUSE, resource_type: 'breach', resource_id: breachId });
    expect((await breachRow(breachId)).version).toBe(1);
    expect((await as(world, reviewer).patch(`/api/breaches/${breachId}`, { containment: 'Access ended' }, { 'if-match': '"1"' })).statusCode).toBe(200);
  });

  it(`5 breach-handling (breaches/not-own-conduct): a flag about someone else is decided as before, by any manager`, async () => {
    const grantId = await breakGlass(staff);
    world.clock.advance(4 * HOUR);
    await runFlags(world.services);
    const flag = await db().selectFrom('breach_flags').selectAll().where('grant_id', '=', grantId).executeTakeFirstOrThrow();
    const res = await as(world, culprit).post(`/api/breaches/flags/${flag.id}/dismiss`, { reason: 'Reviewed with the staff member: a real emergency' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await auditRows(world)).filter((r) => r.resource_id === flag.id && r.actor_id === culprit.id).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['breach.flag.dismiss', 'change', 'breaches/management', CLAUSE],
    ]);
  });

  it(`5 breach-handling (breaches/guardian-when-no-manager-free): when every active manager is someone the breach is about, the guardian handles it and is the one warned of its ICO clock — not before, and never the manager it concerns`, async () => {
    const guardian = await makeUser(world, ['guardian']);
    const grantId = await breakGlass(culprit);
    const id = (await as(world, reviewer).post(`/api/access/break-glass/${grantId}/review`, { outcome: 'breach', note: 'No emergency' })).json().breachId as string;
    const contain = (user: TestUser, version: number) => as(world, user).patch(`/api/breaches/${id}`, { status: 'contained', containment: 'Access ended' }, { 'if-match': `"${version}"` });

    // While another manager is free, the guardian oversees but does not handle (403, audited, nothing written).
    expect((await as(world, guardian).get(`/api/breaches/${id}`)).json().can).toEqual({ review: true, handle: false });
    const early = await contain(guardian, 1);
    expect(early.statusCode, early.body).toBe(403);
    expect((await denialsOf(guardian)).map((r) => [r.action, r.resource_id])).toEqual([['breach.handle', id]]);
    expect((await breachRow(id)).version).toBe(1);

    // The other manager leaves: only the manager it is about remains. The clock's warnings go to the guardian.
    await db().updateTable('users').set({ active: 0 }).where('id', '=', reviewer.id).execute();
    world.clock.advance(50 * HOUR);
    expect((await runIcoClock(world.services)).map((w) => w.breachId)).toContain(id);
    const warned = await db().selectFrom('notifications').select('user_id').where('resource_id', '=', id).where('kind', '=', 'breach-ico-clock').execute();
    expect(warned.map((n) => n.user_id)).toEqual([guardian.id]);
    const escalation = (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'breach.escalate').at(-1)!;
    expect(JSON.parse(escalation.detail).recipients).toEqual([guardian.id]);

    // The guardian now handles it under the escalation rule; the manager it is about still may not (nor see it).
    expect((await as(world, guardian).get(`/api/breaches/${id}`)).json().can).toEqual({ review: true, handle: true });
    expect((await contain(culprit, 1)).statusCode).toBe(404);
    expect((await denialsOf(culprit)).at(-1)).toMatchObject({ action: 'breach.handle', rule_id: RULE, clause: CLAUSE, resource_id: id });
    const handled = await contain(guardian, 1);
    expect(handled.statusCode, handled.body).toBe(200);
    expect((await changesOn(id)).filter((r) => r.actor_id === guardian.id).map((r) => [r.action, r.rule_id, r.clause])).toEqual([
      ['breach.handle', 'breaches/guardian-when-no-manager-free', CLAUSE],
    ]);
    // Review flags: the guardian's queue holds only those no manager is free to decide — about the only active manager.
    const queue = await as(world, guardian).get('/api/breaches/flags?status=dismissed');
    expect(queue.statusCode, queue.body).toBe(200);
    const about = (queue.json().items as { userId: string }[]).map((f) => f.userId);
    expect(about.length).toBeGreaterThan(0);
    expect(about.every((u) => u === culprit.id)).toBe(true);
  });
});

// Clause 5: a review flag about a manager's activity is a disciplinary matter about them — they are not told of it,
// and do not see it in the flag queue; the other managers are told and see it, or the guardian is told when no other
// manager is left (as a breach's alerts go).
describe.each(dialects())('review flags: nobody is told of, or shown, a flag about their own activity (%s)', (dialect) => {
  let world: World;
  let culprit: TestUser, other: TestUser, guardian: TestUser, staff: TestUser;
  const db = () => world.services.db.kysely;
  const breakGlass = async (user: TestUser) => {
    const res = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: await makePerson(world), reason: REASON });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  /** The review-flag notifications each user was sent since `since` (an ISO time), as [user, subject]. */
  const flagNotices = async (since: string) => (await db().selectFrom('notifications').select(['user_id', 'subject']).where('kind', '=', 'breach-flags').where('created_at', '>=', since).execute())
    .map((n) => [n.user_id, n.subject]).sort();
  const flagSends = async (since: string) => (await auditRows(world)).filter((r) => r.action === 'notification.send' && r.at >= since && JSON.parse(r.detail).kind === 'breach-flags');

  beforeAll(async () => {
    world = await createWorld(dialect, { breachBreakGlassReviewHours: 4, sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    culprit = await makeUser(world, ['manager']);
    other = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  it(`5 breach-handling (breaches/not-own-conduct): a flag about a manager's break-glass use is told to the other managers only and left out of their own flag queue; a flag about a member of staff is told to, and listed for, every manager`, async () => {
    const own = await breakGlass(culprit);
    const staffs = await breakGlass(staff);
    world.clock.advance(4 * HOUR);
    const since = world.clock.now().toISOString();
    const raised = await runFlags(world.services);
    expect(raised).toHaveLength(2);
    const flagOf = async (grant: string) => (await db().selectFrom('breach_flags').select(['id', 'user_id']).where('grant_id', '=', grant).executeTakeFirstOrThrow());
    const [ownFlag, staffFlag] = [await flagOf(own), await flagOf(staffs)];
    expect([ownFlag.user_id, staffFlag.user_id]).toEqual([culprit.id, staff.id]);

    // The culprit is told of the one flag not about them; the other manager of both; the guardian of none.
    expect(await flagNotices(since)).toEqual([
      [culprit.id, 'A review flag needs your attention'], [other.id, '2 review flags need your attention'],
    ].sort());
    const sends = await flagSends(since);
    expect(sends.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.resource_type])).toEqual(Array(2).fill(['system', 'change', 'breaches/management', CLAUSE, 'breach-flag']));
    expect(sends.map((r) => JSON.parse(r.detail).recipients).sort()).toEqual([[culprit.id], [other.id]].sort());

    // The queue: the culprit's leaves out the flag about them (and the listing says how many it showed); the other
    // manager's has both, each to decide.
    type Listed = { id: string; userId: string; can: { decide: boolean } };
    const queueOf = async (user: TestUser) => {
      const res = await as(world, user).get('/api/breaches/flags');
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as Listed[];
    };
    expect((await queueOf(culprit)).map((f) => [f.id, f.userId, f.can.decide])).toEqual([[staffFlag.id, staff.id, true]]);
    expect((await queueOf(other)).map((f) => [f.id, f.can.decide]).sort()).toEqual([[ownFlag.id, true], [staffFlag.id, true]].sort());
    const listing = (await auditRows(world)).filter((r) => r.actor_id === culprit.id && r.action === 'breach.flags').at(-1)!;
    expect([listing.decision, listing.rule_id, listing.clause, JSON.parse(listing.detail).results]).toEqual(['allow', 'breaches/management', CLAUSE, 1]);
    // Decided flags are left out of their queue too.
    const dismissed = await as(world, other).post(`/api/breaches/flags/${ownFlag.id}/dismiss`, { reason: 'Reviewed: a real emergency' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect((await as(world, culprit).get('/api/breaches/flags?status=dismissed')).json().items).toEqual([]);
    expect((await as(world, other).get('/api/breaches/flags?status=dismissed')).json().items.map((f: Listed) => f.id)).toEqual([ownFlag.id]);
  });

  it(`5 breach-handling (breaches/not-own-conduct): a breach opened from a flag of a manager's unusual reads (no break-glass use) is left out of their list and their read of it is 404, audited under the rule; the other manager and the guardian list and read it`, async () => {
    const at = world.clock.now().toISOString();
    const flagId = newId();
    await db().insertInto('breach_flags').values({
      id: flagId, kind: 'read-volume', dedupe_key: `read-volume:${culprit.id}:${at}`, user_id: culprit.id, window_start: at, window_end: at, count: 412,
      grant_id: null, raised_at: at, status: 'open', decided_by: null, decided_at: null, dismiss_reason: null, breach_id: null, version: 1,
    }).execute();
    const opened = await as(world, other).post(`/api/breaches/flags/${flagId}/open`);
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().data.id as string;
    expect(await db().selectFrom('breaches').select(['flag_id', 'grant_id']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ flag_id: flagId, grant_id: null });
    // The managers told of the new breach leave out the one it is about.
    expect((await db().selectFrom('notifications').select('user_id').where('resource_id', '=', id).where('kind', '=', 'breach-reported').execute()).map((n) => n.user_id)).not.toContain(culprit.id);

    const listed = async (user: TestUser) => ((await as(world, user).get('/api/breaches?limit=200')).json().items as { id: string }[]).map((b) => b.id);
    expect(await listed(culprit)).not.toContain(id);
    for (const user of [other, guardian]) expect(await listed(user)).toContain(id);
    const read = await as(world, culprit).get(`/api/breaches/${id}`);
    expect(read.statusCode, read.body).toBe(404);
    // Nothing of the flag in the answer: its count (412) in neither title nor detail, nor a field of its own. The
    // request id in the problem's instance is time-based and may contain any digits, so it is not searched.
    const problem = read.json();
    expect(`${problem.title} ${problem.detail}`).not.toContain('412');
    expect(Object.keys(problem).filter((k) => !['type', 'title', 'status', 'detail', 'instance', 'requestId', 'errors'].includes(k))).toEqual([]);
    const denial = (await auditRows(world)).filter((r) => r.actor_id === culprit.id && r.decision === 'deny').at(-1)!;
    expect([denial.action, denial.rule_id, denial.clause, denial.resource_type, denial.resource_id]).toEqual(['breach.read', 'breaches/not-own-conduct', CLAUSE, 'breach', id]);
    for (const user of [other, guardian]) {
      const seen = await as(world, user).get(`/api/breaches/${id}`);
      expect(seen.statusCode, seen.body).toBe(200);
      expect(seen.json().handling.flagId).toBe(flagId);
    }
  });

  it(`5 breach-handling (breaches/not-own-conduct): when the manager a flag is about is the only active manager, the guardian is told of it instead — never that manager`, async () => {
    await db().updateTable('users').set({ active: 0 }).where('id', '=', other.id).execute();
    const own = await breakGlass(culprit);
    world.clock.advance(4 * HOUR);
    const since = world.clock.now().toISOString();
    expect(await runFlags(world.services)).toHaveLength(1);
    expect((await db().selectFrom('breach_flags').select('user_id').where('grant_id', '=', own).executeTakeFirstOrThrow()).user_id).toBe(culprit.id);
    expect(await flagNotices(since)).toEqual([[guardian.id, 'A review flag needs your attention']]);
    const sends = await flagSends(since);
    expect(sends.map((r) => [r.rule_id, r.clause, JSON.parse(r.detail).recipients])).toEqual([['breaches/management', CLAUSE, [guardian.id]]]);
    expect((await as(world, culprit).get('/api/breaches/flags')).json().items.map((f: { userId: string }) => f.userId)).not.toContain(culprit.id);
    await db().updateTable('users').set({ active: 1 }).where('id', '=', other.id).execute();
  });
});
