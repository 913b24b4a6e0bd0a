import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CONCERN = {
  concernFor: 'child', personDescription: 'Girl of about 12 in the Tuesday band', whatHappened: 'Has a bruise she would not explain',
  occurredAt: '2026-03-02T08:30:00Z', immediateRisk: false,
};

/**
 * Practice 4.1 (concerns go to management "for their immediate action") and clause 5 (breaches are dealt with): an
 * account whose holder has not yet signed in and chosen a password — created with a one-time password, or reset to
 * one — can do nothing until they do (src/accounts/can-act.ts). It is still alerted, to read the alert once they sign
 * in, but it is never counted as someone alerted who can act, nor as a manager free to deal with a breach: when nobody
 * who can act was reached the answer says so, and a breach goes to the guardian as when there is no manager.
 */
describe.each(dialects())('alerts count only accounts that can act (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, guardian: TestUser;
  const db = () => world.services.db.kysely;
  /** A user whose holder has not signed in to change the one-time password yet (src/accounts/admin.ts, createUser). */
  const notSetUp = async (roles: Parameters<typeof makeUser>[1], email?: string) => {
    const u = await makeUser(world, roles, { email });
    await db().updateTable('users').set({ must_change_password: 1 }).where('id', '=', u.id).execute();
    return u;
  };
  /** The holder signs in and chooses their own password. */
  const setUp = (u: TestUser) => db().updateTable('users').set({ must_change_password: 0 }).where('id', '=', u.id).execute();
  const entry = async (id: string, action: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === action);
  const notified = async (id: string) => (await db().selectFrom('notifications').select('user_id').where('resource_id', '=', id).execute()).map((n) => n.user_id).sort();

  beforeAll(async () => {
    world = await createWorld(dialect); // SMTP_URL empty: e-mail is kept in the outbox
    staff = await makeUser(world, ['staff']);
    guardian = await makeUser(world, ['guardian'], { email: 'guardian@example.org' });
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: a manager never signed in is alerted to a concern but not counted — the raiser is told one lead was alerted and one more account cannot act yet; the audit entry names them apart', async () => {
    const lead = await makeUser(world, ['safeguarding_lead'], { email: 'lead@example.org' });
    const newManager = await notSetUp(['manager'], 'new.manager@example.org');
    const res = await as(world, staff).post('/api/concerns', CONCERN);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: true, notSetUp: 1 });
    const id = res.json().data.id as string;
    // Still alerted, in the app and by e-mail, to read once they sign in.
    expect(await notified(id)).toEqual([lead.id, newManager.id].sort());
    const [alert] = await entry(id, 'concern.alert');
    expect(alert).toMatchObject({ decision: 'change', rule_id: 'safeguarding/raise-concern', clause: expect.stringContaining('4.1') });
    expect(JSON.parse(alert.detail)).toEqual({ level: 0, recipients: [lead.id, newManager.id].sort(), emailed: 2, notSetUp: [newManager.id] });
    await db().updateTable('users').set({ active: 0 }).where('id', 'in', [lead.id, newManager.id]).execute();
  });

  it('practice 4.1 safeguarding-management: when every lead and manager has yet to sign in, nobody who can act was alerted — no role, nobody — and the answer and the audit entry say how many cannot act yet; once one sets a password they count', async () => {
    const lead = await notSetUp(['safeguarding_lead']);
    const manager = await notSetUp(['manager']);
    const res = await as(world, staff).post('/api/concerns', CONCERN);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: [], people: 0, emailed: 0, emailHeld: false, notSetUp: 2 });
    const id = res.json().data.id as string;
    expect(await notified(id)).toEqual([lead.id, manager.id].sort());
    expect(JSON.parse((await entry(id, 'concern.alert'))[0].detail)).toEqual({ level: 0, recipients: [lead.id, manager.id].sort(), emailed: 0, notSetUp: [lead.id, manager.id].sort() });

    await setUp(manager);
    const again = await as(world, staff).post('/api/concerns', CONCERN);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().alerted).toEqual({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 1 });
    expect(JSON.parse((await entry(again.json().data.id, 'concern.alert'))[0].detail)).toEqual({ level: 0, recipients: [lead.id, manager.id].sort(), emailed: 0, notSetUp: [lead.id] });
    await db().updateTable('users').set({ active: 0 }).where('id', 'in', [lead.id, manager.id]).execute();
  });

  it('5 breach-handling (breaches/guardian-when-no-manager-free): with the only manager never signed in, a breach report alerts them and the guardian too — the reporter is told the guardian was, and one account cannot act yet; the guardian handles it (audited under the rule and clause 5) until the manager sets a password, then is refused (403, audited)', async () => {
    const manager = await notSetUp(['manager']);
    const res = await as(world, staff).post('/api/breaches', { report: 'A register of names was left on the bus' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: ['guardian'], people: 1, emailed: 1, emailHeld: true, notSetUp: 1 });
    const id = res.json().data.id as string;
    const [send] = await entry(id, 'notification.send');
    expect(JSON.parse(send.detail)).toEqual({ kind: 'breach-reported', recipients: [manager.id, guardian.id], emailed: 1 });

    // Nobody else can deal with it: the guardian does.
    const read = await as(world, guardian).get(`/api/breaches/${id}`);
    expect(read.json().can).toEqual({ review: true, handle: true });
    const handled = await as(world, guardian).patch(`/api/breaches/${id}`, { containment: 'The bus company holds the register for collection' }, { 'if-match': '"1"' });
    expect(handled.statusCode, handled.body).toBe(200);
    expect((await entry(id, 'breach.handle')).map((r) => [r.actor_id, r.decision, r.rule_id, r.clause])).toEqual([
      [guardian.id, 'change', 'breaches/guardian-when-no-manager-free', '5'],
    ]);

    // The manager signs in and sets a password: now a manager is free to deal with it, and the guardian is not.
    await setUp(manager);
    expect((await as(world, guardian).get(`/api/breaches/${id}`)).json().can).toEqual({ review: true, handle: false });
    const refused = await as(world, guardian).patch(`/api/breaches/${id}`, { containment: 'Collected' }, { 'if-match': '"2"' });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ clause: '5' });
    const denial = (await entry(id, 'breach.handle')).filter((r) => r.decision === 'deny');
    expect(denial.map((r) => [r.actor_id, r.rule_id, r.clause])).toEqual([[guardian.id, refused.json().rule, '5']]);
    expect((await db().selectFrom('breaches').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version).toBe(2);
    const byManager = await as(world, manager).patch(`/api/breaches/${id}`, { containment: 'Collected' }, { 'if-match': '"2"' });
    expect(byManager.statusCode, byManager.body).toBe(200);
    await db().updateTable('users').set({ active: 0 }).where('id', '=', manager.id).execute();
  });

  it('practice 4.2: break-glass by the only manager who can act tells the guardian too when the other manager has never signed in — nobody else could review it', async () => {
    const user = await makeUser(world, ['manager']);
    const other = await notSetUp(['manager']);
    const res = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: await makePerson(world), reason: 'Client collapsed, need the emergency contact now' });
    expect(res.statusCode, res.body).toBe(201);
    const grant = res.json().id as string;
    expect(await notified(grant)).toEqual([other.id, guardian.id].sort());
    expect(JSON.parse((await entry(grant, 'notification.send'))[0].detail)).toMatchObject({ kind: 'break-glass', recipients: [other.id, guardian.id] });

    // Once the other manager can act, the guardian is not told.
    await setUp(other);
    const next = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: await makePerson(world), reason: 'Client collapsed again, need the emergency contact' });
    expect(next.statusCode, next.body).toBe(201);
    expect(await notified(next.json().id)).toEqual([other.id]);
  });
});
