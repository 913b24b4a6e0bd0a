import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CONCERN = {
  concernFor: 'child', personDescription: 'Boy of about 10 in the Saturday choir', whatHappened: 'Said he is scared to go home',
  occurredAt: '2026-03-02T08:30:00Z', immediateRisk: false,
};

/**
 * The one who raises a concern or reports a breach is told who was alerted at once, as it is (practice 4.1, 5): the
 * roles through which the recipients were found — for a concern, the leads and management; for a breach,
 * management, else the guardian — how many, how many e-mails were queued, and that they wait in the outbox when no
 * e-mail server is set up.
 */
describe.each(dialects())('who was alerted, as the raiser is told it (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser, guardian: TestUser;
  const db = () => world.services.db.kysely;
  const alertOf = async (id: string, action: string) => {
    const row = (await auditRows(world)).find((r) => r.resource_id === id && r.action === action);
    return row && JSON.parse(row.detail);
  };

  beforeAll(async () => {
    world = await createWorld(dialect); // SMTP_URL empty: e-mail is kept in the outbox
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']); // no e-mail address
    guardian = await makeUser(world, ['guardian'], { email: 'guardian@example.org' });
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: with no safeguarding lead the concern goes to management, and the answer says so — and that nobody could be e-mailed', async () => {
    const res = await as(world, staff).post('/api/concerns', CONCERN);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 0 });
    const id = res.json().data.id as string;
    expect(await alertOf(id, 'concern.alert')).toEqual({ level: 0, recipients: [manager.id], emailed: 0 });
  });

  it('practice 4.1 safeguarding-management: once there is a lead with an address, the concern goes to the lead and management alike, and the answer names both and says the e-mail waits in the outbox', async () => {
    const lead = await makeUser(world, ['safeguarding_lead'], { email: 'lead@example.org' });
    const res = await as(world, staff).post('/api/concerns', CONCERN);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 1, emailHeld: true, notSetUp: 0 });
    expect(await alertOf(res.json().data.id, 'concern.alert')).toEqual({ level: 0, recipients: [lead.id, manager.id].sort(), emailed: 1 });
    // Raised by the only manager: they are not alerted to their own concern, and the answer names the leads only.
    const own = await as(world, manager).post('/api/concerns', CONCERN);
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().alerted).toEqual({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: true, notSetUp: 0 });
    expect(await alertOf(own.json().data.id, 'concern.alert')).toEqual({ level: 0, recipients: [lead.id], emailed: 1 });
  });

  it('5 breach-handling: a report says management were told, and when no manager is active, that the guardian was', async () => {
    const first = await as(world, staff).post('/api/breaches', { report: 'A list of names was e-mailed to the wrong parent' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().alerted).toEqual({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 0 });
    expect((await alertOf(first.json().data.id, 'notification.send')).recipients).toEqual([manager.id]);

    await db().updateTable('users').set({ active: 0 }).where('id', '=', manager.id).execute();
    const second = await as(world, staff).post('/api/breaches', { report: 'A notebook was left on the bus' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().alerted).toEqual({ roles: ['guardian'], people: 1, emailed: 1, emailHeld: true, notSetUp: 0 });
    expect(await alertOf(second.json().data.id, 'notification.send')).toEqual({ kind: 'breach-reported', recipients: [guardian.id], emailed: 1 });
  });

  it('practice 4.1 safeguarding-management: with neither an active lead nor an active manager nobody is alerted, and the answer says so — no role, nobody — while the alert is still recorded', async () => {
    await db().updateTable('users').set({ active: 0 }).where('id', 'in', [manager.id, ...(await db().selectFrom('user_roles').select('user_id').where('role', '=', 'safeguarding_lead').execute()).map((r) => r.user_id)]).execute();
    const res = await as(world, staff).post('/api/concerns', CONCERN);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().alerted).toEqual({ roles: [], people: 0, emailed: 0, emailHeld: false, notSetUp: 0 });
    const id = res.json().data.id as string;
    expect(await alertOf(id, 'concern.alert')).toEqual({ level: 0, recipients: [], emailed: 0 });
    expect(await db().selectFrom('notifications').select('user_id').where('resource_id', '=', id).execute()).toEqual([]);
  });
});
