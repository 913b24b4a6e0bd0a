import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIcoClock } from '../../src/breaches/clock';
import { runFlags } from '../../src/breaches/flags';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CLAUSE = '5';
const RULE = 'breaches/not-own-conduct';
const HOUR = 3_600_000;
const REASON = 'Client collapsed at the session, need the emergency contact now';

// Clause 5: breaches are dealt with seriously, as a disciplinary matter — so not by the person whose conduct they are
// about. A manager whose break-glass use was reviewed as a breach, or whose activity a review flag names, may read it
// but not handle, decide or close it; another manager does.
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

  it(`5 breach-handling (breaches/not-own-conduct): the manager who broke the glass cannot handle, link people to or close the breach it was reviewed as — 403 naming the rule and clause 5, audited, nothing written; they still read it; another manager handles and closes it`, async () => {
    const grantId = await breakGlass(culprit);
    const reviewed = await as(world, reviewer).post(`/api/access/break-glass/${grantId}/review`, { outcome: 'breach', note: 'No emergency: the contact was on the team sheet' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const id = reviewed.json().breachId as string;
    const before = await breachRow(id);
    expect(before).toMatchObject({ source: 'break-glass', grant_id: grantId, reported_by: reviewer.id, version: 1 });
    const changesBefore = (await changesOn(id)).length;

    // They may read what is recorded about their conduct, but are not offered the handling.
    const read = await as(world, culprit).get(`/api/breaches/${id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().can).toEqual({ review: true, handle: false });

    const attempts = [
      ['breach.handle', () => as(world, culprit).patch(`/api/breaches/${id}`, { status: 'contained', containment: 'Access ended', icoDecision: 'not_required', icoReason: 'Only the emergency contact was seen' }, { 'if-match': '"1"' })],
      ['breach.people', async () => as(world, culprit).post(`/api/breaches/${id}/people`, { add: [await makePerson(world)] }, { 'if-match': '"1"' })],
      ['breach.close', () => as(world, culprit).post(`/api/breaches/${id}/close`, { note: 'Nothing to see' }, { 'if-match': '"1"' })],
    ] as const;
    for (const [action, attempt] of attempts) {
      const res = await attempt();
      expect(res.statusCode, `${action}: ${res.body}`).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    }
    expect((await denialsOf(culprit)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual(
      attempts.map(([action]) => [action, 'deny', RULE, CLAUSE, 'breach', id]),
    );
    const after = await breachRow(id);
    expect([after.version, after.status, after.containment, after.ico_decision, after.closed_at]).toEqual([1, 'assessing', null, null, null]);
    expect((await changesOn(id)).length).toBe(changesBefore);

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

  it(`5 breach-handling (breaches/not-own-conduct): a review flag about a manager's own activity cannot be dismissed or opened as a breach by them — 403, audited, the flag stays open; another manager decides it, and the breach it opens is not theirs to handle either`, async () => {
    const first = await breakGlass(culprit);
    const second = await breakGlass(culprit);
    world.clock.advance(4 * HOUR); // left unreviewed: flagged for management
    await runFlags(world.services);
    const flags = await db().selectFrom('breach_flags').selectAll().where('user_id', '=', culprit.id).where('kind', '=', 'break-glass-unreviewed').where('status', '=', 'open').orderBy('raised_at').orderBy('id').execute();
    const flagOf = (grant: string) => flags.find((f) => f.grant_id === grant)!.id;
    expect(flags.map((f) => [f.kind, f.grant_id]).sort()).toEqual([['break-glass-unreviewed', first], ['break-glass-unreviewed', second]].sort());
    const listed = await as(world, culprit).get('/api/breaches/flags');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((f: { userId: string }) => f.userId)).toContain(culprit.id);
    // The list says whom each flag may be decided by, so the web app offers no decision on one's own.
    type Listed = { id: string; can: { decide: boolean } };
    const canOf = async (u: typeof culprit, id: string) => ((await as(world, u).get('/api/breaches/flags')).json().items as Listed[]).find((f) => f.id === id)!.can;
    expect(await canOf(culprit, flagOf(first))).toEqual({ decide: false });
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

    // The breach opened from the flag is about the culprit's conduct too (the flag names them).
    const handle = await as(world, culprit).patch(`/api/breaches/${breachId}`, { containment: 'x' }, { 'if-match': '"1"' });
    expect(handle.statusCode, handle.body).toBe(403);
    expect(handle.json()).toMatchObject({ rule: RULE, clause: CLAUSE });
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

    // The guardian now handles it under the escalation rule; the manager it is about still may not.
    expect((await as(world, guardian).get(`/api/breaches/${id}`)).json().can).toEqual({ review: true, handle: true });
    expect((await contain(culprit, 1)).json()).toMatchObject({ rule: RULE, clause: CLAUSE });
    const handled = await contain(guardian, 1);
    expect(handled.statusCode, handled.body).toBe(200);
    expect((await changesOn(id)).filter((r) => r.actor_id === guardian.id).map((r) => [r.action, r.rule_id, r.clause])).toEqual([
      ['breach.handle', 'breaches/guardian-when-no-manager-free', CLAUSE],
    ]);
    // Review flags stay with management: the guardian is not given the flag queue.
    expect((await as(world, guardian).get('/api/breaches/flags')).statusCode).toBe(403);
  });
});
