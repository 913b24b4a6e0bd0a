import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/accounts/actor';
import { runFlags } from '../../src/breaches/flags';
import { filter, visibleWhere } from '../../src/policy/filter';
import type { Actor } from '../../src/policy/types';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CLAUSE = '5';
const RULE = 'breaches/guardian-when-no-manager-free';
const HOUR = 3_600_000;
const REASON = 'Client collapsed at the session, need the emergency contact now';

// Clause 5: breaches are dealt with seriously — a review flag is never left to nobody. Management decide review flags,
// never the manager a flag is about; when no active manager is free to decide one (it is about the only one, or there
// is none), the guardian — who is the one told of it — lists it, dismisses it with the reason or opens it as a breach.
// While a manager is free, the flag stays with management: the guardian neither lists nor decides it.
describe.each(dialects())('review flags: the guardian decides a flag no manager is free to (%s)', (dialect) => {
  let world: World;
  let culprit: TestUser, other: TestUser, guardian: TestUser, staff: TestUser;
  const db = () => world.services.db.kysely;
  type Listed = { id: string; userId: string | null; userName: string | null; status: string; can: { decide: boolean } };
  const queueOf = async (user: TestUser) => {
    const res = await as(world, user).get('/api/breaches/flags');
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Listed[];
  };
  /** `user` breaks the glass on a fresh client's record they are not on the team of; returns the use's id. */
  const breakGlass = async (user: TestUser) => {
    const res = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: await makePerson(world), reason: REASON });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  /** Leaves the break-glass uses unreviewed past the review time and raises the flags; returns each use's flag id. */
  const flagged = async (...grants: string[]) => {
    world.clock.advance(4 * HOUR);
    await runFlags(world.services);
    const rows = await db().selectFrom('breach_flags').select(['id', 'grant_id']).where('grant_id', 'in', grants).execute();
    return grants.map((g) => rows.find((f) => f.grant_id === g)!.id);
  };
  const flagNotices = async (since: string) => (await db().selectFrom('notifications').select(['user_id', 'subject']).where('kind', '=', 'breach-flags').where('created_at', '>=', since).execute())
    .map((n) => [n.user_id, n.subject]).sort();
  const flagRow = (id: string) => db().selectFrom('breach_flags').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const entriesOf = async (user: TestUser, from: number) => (await auditRows(world)).filter((r) => r.actor_id === user.id && Number(r.seq) > from && r.action.startsWith('breach.flag.'));
  const lastSeq = async () => Number((await auditRows(world)).at(-1)!.seq);
  /** The breaches the SQL form of `user`'s `breach.handle` scope keeps: the relation no-free-manager over a breach's conduct. */
  const handleableInSql = async (user: TestUser) => {
    const actor: Actor = { ...(await loadActor(db(), user.id, world.clock.now().toISOString()))!, policy: await world.services.policy.current(db()) };
    const scope = filter(actor, 'breach.handle');
    return (await db().selectFrom('breaches').select('breaches.id').where((eb) => visibleWhere(eb as never, 'breach', scope, actor)).execute()).map((r) => r.id);
  };
  const setActive = (user: TestUser, active: boolean) => db().updateTable('users').set({ active: active ? 1 : 0 }).where('id', '=', user.id).execute();

  beforeAll(async () => {
    world = await createWorld(dialect, { breachBreakGlassReviewHours: 4, sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    culprit = await makeUser(world, ['manager']);
    other = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  it(`5 breach-handling (breaches/guardian-when-no-manager-free): when a flag is about the only active manager, the guardian is told of it, lists it and decides it — dismisses one with the reason, opens another as a breach — audited under the rule and clause 5; a flag that manager is free to decide stays theirs, and the guardian's attempt on it is refused (403, audited)`, async () => {
    await setActive(other, false);
    const [dismissUse, openUse, staffUse] = [await breakGlass(culprit), await breakGlass(culprit), await breakGlass(staff)];
    const since = new Date(world.clock.now().getTime() + 4 * HOUR).toISOString();
    const [toDismiss, toOpen, staffFlag] = await flagged(dismissUse, openUse, staffUse);

    // Told as before: the guardian of the two flags about the only manager, that manager of the one about staff.
    expect(await flagNotices(since)).toEqual([[guardian.id, '2 review flags need your attention'], [culprit.id, 'A review flag needs your attention']].sort());

    // The guardian's queue holds exactly the flags no manager is free to decide, each to decide; the listing is
    // audited under the rule. The manager's queue leaves them out (their own conduct) and keeps the staff flag.
    const from = await lastSeq();
    const queue = await queueOf(guardian);
    expect(queue.map((f) => [f.id, f.userId, f.can.decide]).sort()).toEqual([[toDismiss, culprit.id, true], [toOpen, culprit.id, true]].sort());
    // Named, so the guardian knows whose activity it was (they may not list the accounts).
    const { display_name: name } = await db().selectFrom('users').select('display_name').where('id', '=', culprit.id).executeTakeFirstOrThrow();
    expect(queue.map((f) => f.userName)).toEqual([name, name]);
    const listing = (await auditRows(world)).filter((r) => r.actor_id === guardian.id && r.action === 'breach.flags' && Number(r.seq) > from);
    expect(listing.map((r) => [r.decision, r.rule_id, r.clause, r.resource_type, JSON.parse(r.detail).results])).toEqual([['allow', RULE, CLAUSE, 'breach-flag', 2]]);
    expect((await queueOf(culprit)).map((f) => f.id)).toEqual([staffFlag]);

    // The flag about staff is the manager's to decide: the guardian is refused, audited, and it stays open.
    const refused = await as(world, guardian).post(`/api/breaches/flags/${staffFlag}/dismiss`, { reason: 'Looked at it' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ rule: 'default/deny', clause: CLAUSE });
    expect((await entriesOf(guardian, from)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'deny', 'default/deny', CLAUSE, 'breach-flag', staffFlag],
    ]);
    expect(await flagRow(staffFlag)).toMatchObject({ status: 'open', decided_by: null, dismiss_reason: null });
    const byManager = await as(world, culprit).post(`/api/breaches/flags/${staffFlag}/dismiss`, { reason: 'Reviewed with the staff member' });
    expect(byManager.statusCode, byManager.body).toBe(200);
    expect((await entriesOf(culprit, from)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'change', 'breaches/management', CLAUSE, staffFlag],
    ]);

    // The guardian decides the two about the manager.
    const dismissed = await as(world, guardian).post(`/api/breaches/flags/${toDismiss}/dismiss`, { reason: 'Checked with the client: a real emergency' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({ id: toDismiss, status: 'dismissed', decidedBy: guardian.id, userId: culprit.id, dismissReason: 'Checked with the client: a real emergency' });
    const opened = await as(world, guardian).post(`/api/breaches/flags/${toOpen}/open`);
    expect(opened.statusCode, opened.body).toBe(201);
    const breachId = opened.json().data.id as string;
    // No manager is free to handle the breach it opened either: the guardian handles it.
    expect(opened.json().can).toEqual({ review: true, handle: true });
    expect(await handleableInSql(guardian)).toEqual([breachId]);
    expect(await flagRow(toOpen)).toMatchObject({ status: 'breach', breach_id: breachId, decided_by: guardian.id });
    expect(await db().selectFrom('breaches').select(['flag_id', 'grant_id', 'reported_by']).where('id', '=', breachId).executeTakeFirstOrThrow())
      .toEqual({ flag_id: toOpen, grant_id: openUse, reported_by: guardian.id });

    const decisions = (await entriesOf(guardian, from)).filter((r) => r.decision !== 'deny');
    expect(decisions.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'change', RULE, CLAUSE, 'breach-flag', toDismiss],
      ['breach.flag.open', 'change', RULE, CLAUSE, 'breach-flag', toOpen],
    ]);
    expect(JSON.parse(decisions[0].detail)).toEqual({ kind: 'break-glass-unreviewed', user: culprit.id });
    const breachOpen = (await auditRows(world)).filter((r) => r.resource_id === breachId && r.action === 'breach.open');
    expect(breachOpen.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause])).toEqual([[guardian.id, 'change', RULE, CLAUSE]]);
    // The reason is kept with the flag, never in the audit trail.
    for (const r of await auditRows(world)) expect(r.detail).not.toContain('a real emergency');

    // Decided flags leave the open queue; the manager they are about still sees neither.
    expect(await queueOf(guardian)).toEqual([]);
    expect((await as(world, guardian).get('/api/breaches/flags?status=dismissed')).json().items.map((f: Listed) => f.id)).toEqual([toDismiss]);
    expect((await as(world, culprit).get('/api/breaches/flags?status=dismissed')).json().items.map((f: Listed) => f.id)).toEqual([staffFlag]);
    await setActive(other, true);
    expect(await handleableInSql(guardian)).toEqual([]);
    expect(await handleableInSql(other)).toEqual([breachId]);
  });

  it(`5 breach-handling (breaches/guardian-when-no-manager-free): while another active manager is free, the guardian is not told of a flag about a manager, does not list it and cannot dismiss it or open it as a breach — 403, audited naming clause 5, the flag stays open; the other manager decides it`, async () => {
    const since = new Date(world.clock.now().getTime() + 4 * HOUR).toISOString();
    const [flag] = await flagged(await breakGlass(culprit));
    expect(await flagNotices(since)).toEqual([[other.id, 'A review flag needs your attention']]);

    const from = await lastSeq();
    expect((await queueOf(guardian)).map((f) => f.id)).not.toContain(flag);
    const listing = (await auditRows(world)).filter((r) => r.actor_id === guardian.id && r.action === 'breach.flags' && Number(r.seq) > from);
    expect(listing.map((r) => [r.decision, r.rule_id, r.clause, JSON.parse(r.detail).results])).toEqual([['allow', RULE, CLAUSE, 0]]);

    const dismiss = await as(world, guardian).post(`/api/breaches/flags/${flag}/dismiss`, { reason: 'Looked at it' });
    const open = await as(world, guardian).post(`/api/breaches/flags/${flag}/open`);
    for (const res of [dismiss, open]) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'default/deny', clause: CLAUSE });
    }
    expect((await entriesOf(guardian, from)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'deny', 'default/deny', CLAUSE, 'breach-flag', flag],
      ['breach.flag.open', 'deny', 'default/deny', CLAUSE, 'breach-flag', flag],
    ]);
    expect(await flagRow(flag)).toMatchObject({ status: 'open', decided_by: null, breach_id: null });
    expect(await db().selectFrom('breaches').select('id').where('flag_id', '=', flag).execute()).toEqual([]);

    // The other manager lists and decides it, under breaches/management.
    expect((await queueOf(other)).find((f) => f.id === flag)?.can).toEqual({ decide: true });
    const dismissed = await as(world, other).post(`/api/breaches/flags/${flag}/dismiss`, { reason: 'Reviewed: a real emergency' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect((await entriesOf(other, from)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'change', 'breaches/management', CLAUSE, flag],
    ]);
  });

  it(`5 breach-handling (breaches/guardian-when-no-manager-free): with no active manager at all, the guardian lists and decides a flag about a member of staff; a manager who returns takes the queue back`, async () => {
    await setActive(culprit, false);
    await setActive(other, false);
    const [flag] = await flagged(await breakGlass(staff));
    const from = await lastSeq();
    expect((await queueOf(guardian)).map((f) => [f.id, f.userId, f.can.decide])).toEqual([[flag, staff.id, true]]);

    // A manager becomes active again: the flag is theirs, and leaves the guardian's queue.
    await setActive(other, true);
    expect(await queueOf(guardian)).toEqual([]);
    expect((await as(world, guardian).post(`/api/breaches/flags/${flag}/dismiss`, { reason: 'Looked at it' })).statusCode).toBe(403);
    await setActive(other, false);

    const dismissed = await as(world, guardian).post(`/api/breaches/flags/${flag}/dismiss`, { reason: 'Reviewed with the staff member' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect((await entriesOf(guardian, from)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['breach.flag.dismiss', 'deny', 'default/deny', CLAUSE, flag],
      ['breach.flag.dismiss', 'change', RULE, CLAUSE, flag],
    ]);
    // Staff never work the queue (refused at the gate, as before).
    expect((await as(world, staff).get('/api/breaches/flags')).statusCode).toBe(403);
    await setActive(culprit, true);
    await setActive(other, true);
  });
});
