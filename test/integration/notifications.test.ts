import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

interface Notice {
  id: string;
  kind: string;
  subject: string;
  body: string;
  resourceType: string | null;
  resourceId: string | null;
  createdAt: string;
  readAt: string | null;
}

describe.each(dialects())('notifications (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let retired: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    otherManager = await makeUser(world, ['manager']);
    retired = await makeUser(world, ['manager']);
    await world.services.db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', retired.id).execute();
    personId = await makePerson(world, { healthNotes: 'epilepsy', safeguardingNotes: 'known to social care' });
    await makeCase(world, personId, {});
  });
  afterAll(() => world.close());

  const inbox = async (user: TestUser, query = '') => (await as(world, user).get(`/api/notifications${query}`)).json() as { items: Notice[]; nextCursor: string | null };
  const rowsFor = (userId: string) => world.services.db.kysely.selectFrom('notifications').selectAll().where('user_id', '=', userId).execute();

  it('practice 4.2 break-glass-review: every active manager but the one who broke the glass is told at once; nobody else', async () => {
    const reason = 'Client had a seizure in the session, need next of kin';
    const opened = await as(world, manager).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason });
    expect(opened.statusCode).toBe(201);
    const told = (await inbox(otherManager)).items.filter((n) => n.kind === 'break-glass');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ resourceType: 'grant', resourceId: opened.json().id, readAt: null });
    expect((await rowsFor(manager.id)).filter((n) => n.kind === 'break-glass')).toEqual([]);
    expect(await rowsFor(retired.id)).toEqual([]);
    expect(await rowsFor(staff.id)).toEqual([]);
    // Subject and body link by id only: no reason, no name, no confidential value.
    const text = JSON.stringify(told[0]);
    for (const secret of ['seizure', 'epilepsy', 'social care', personId]) expect(text).not.toContain(secret);
    const sent = (await auditRows(world)).find((r) => r.action === 'notification.send' && JSON.parse(r.detail).kind === 'break-glass');
    expect(JSON.parse(sent!.detail).recipients).toEqual([otherManager.id]);
    // Under the rule and clause of the break-glass use it tells of.
    const use = (await auditRows(world)).find((r) => r.action === 'breakglass.open' && JSON.parse(r.detail).grant === opened.json().id)!;
    expect([sent!.rule_id, sent!.clause]).toEqual([use.rule_id, use.clause]);
    expect(use.rule_id).not.toBeNull();
  });

  it('3.7 secure-conditions: you mark your own notification read once; someone else\'s answers 404 like a missing one, and is audited', async () => {
    const [notice] = (await inbox(otherManager, '?unread=true')).items;
    expect((await as(world, staff).post(`/api/notifications/${notice.id}/read`, {})).statusCode).toBe(404);
    expect((await as(world, manager).post(`/api/notifications/${notice.id}/read`, {})).statusCode).toBe(404);
    expect((await as(world, otherManager).post('/api/notifications/01900000-0000-7000-8000-000000000000/read', {})).statusCode).toBe(404);
    expect((await rowsFor(otherManager.id)).find((n) => n.id === notice.id)?.read_at).toBeNull();
    const denied = (await auditRows(world)).filter((r) => r.action === 'notification.read' && r.decision === 'deny' && r.resource_id === notice.id);
    expect(denied.map((r) => r.actor_id).sort()).toEqual([staff.id, manager.id].sort());

    const ok = await as(world, otherManager).post(`/api/notifications/${notice.id}/read`, {});
    expect(ok.statusCode).toBeLessThan(300);
    const first = (await rowsFor(otherManager.id)).find((n) => n.id === notice.id)!.read_at;
    expect(first).not.toBeNull();
    world.clock.advance(60_000);
    await as(world, otherManager).post(`/api/notifications/${notice.id}/read`, {});
    expect((await rowsFor(otherManager.id)).find((n) => n.id === notice.id)!.read_at).toBe(first);
    expect((await inbox(otherManager, '?unread=true')).items.map((n) => n.id)).not.toContain(notice.id);
    expect((await inbox(otherManager)).items.map((n) => n.id)).toContain(notice.id);
  });

  it('3.7 secure-conditions: nobody lists another user\'s notifications; the list pages newest first', async () => {
    for (let i = 0; i < 3; i += 1) {
      world.clock.advance(1000);
      await as(world, staff).post('/api/access/requests', { resourceType: 'person', resourceId: personId, classifications: [], reason: `Covering a colleague, request ${i}` });
    }
    expect((await inbox(staff)).items).toEqual([]);
    const all = (await inbox(manager)).items;
    expect(all.filter((n) => n.kind === 'access-request')).toHaveLength(3);
    expect(all.map((n) => n.createdAt)).toEqual([...all.map((n) => n.createdAt)].sort().reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await inbox(manager, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 50);
    expect(seen).toEqual(all.map((n) => n.id));
  });

  it('3.7 secure-conditions: bad input is a 400 naming the field; signed-out callers get 401', async () => {
    const badId = await as(world, manager).post('/api/notifications/not-a-uuid/read', {});
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0].path).toMatch(/^params\.id/);
    expect((await as(world, manager).get('/api/notifications?unread=maybe')).statusCode).toBe(400);
    expect((await as(world, manager).get('/api/notifications?cursor=zzz')).statusCode).toBe(400);
    expect((await as(world).get('/api/notifications')).statusCode).toBe(401);
  });
});
