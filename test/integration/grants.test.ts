import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('access grants (%s)', (dialect) => {
  let world: World;
  let volunteer: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let personId: string;
  let caseId: string;

  beforeAll(async () => {
    // Sessions outlive the clock jumps that expire grants.
    world = await createWorld(dialect, { sessionIdleMinutes: 24 * 60, sessionMaxHours: 24 * 30, grantDefaultHours: 8, grantMaxHours: 48 });
    volunteer = await makeUser(world, ['volunteer']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    otherManager = await makeUser(world, ['manager']);
    personId = await makePerson(world);
    caseId = await makeCase(world, personId, { [volunteer.id]: 'volunteer' });
  });
  afterAll(() => world.close());

  const request = (user: TestUser, body: Record<string, unknown>) => as(world, user).post('/api/access/requests', body);

  it('3.4 need-to-know: a volunteer granted personal details sees dateOfBirth but still not healthNotes, until the grant expires', async () => {
    const before = await as(world, volunteer).get(`/api/people/${personId}`);
    expect(before.json().data.dateOfBirth).toBeUndefined();
    const asked = await request(volunteer, { resourceType: 'person', resourceId: personId, classifications: ['personal'], reason: 'Arranging transport to the concert', hours: 2 });
    expect(asked.statusCode).toBe(202);
    const queue = await as(world, manager).get('/api/access/requests?status=requested');
    expect(queue.json().items.map((g: { id: string }) => g.id)).toContain(asked.json().id);
    const notices = await as(world, manager).get('/api/notifications');
    expect(notices.json().items.some((n: { kind: string }) => n.kind === 'access-request')).toBe(true);

    const approved = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, { note: 'ok for the trip' });
    expect(approved.statusCode).toBe(200);
    const during = await as(world, volunteer).get(`/api/people/${personId}`);
    expect(during.json().data.dateOfBirth).toBe('2008-04-01');
    expect(during.json().data.healthNotes).toBeUndefined();
    const mine = await as(world, volunteer).get('/api/notifications');
    expect(mine.json().items[0].kind).toBe('access-approved');

    world.clock.advance(3 * 3600_000);
    const after = await as(world, volunteer).get(`/api/people/${personId}`);
    expect(after.json().data.dateOfBirth).toBeUndefined();
  });

  it('3.4 need-to-know: a grant on a case opens the case and its person to someone off the team; revoking ends it', async () => {
    expect((await as(world, outsider).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const asked = await request(outsider, { resourceType: 'case', resourceId: caseId, classifications: ['personal'], reason: 'Covering for a colleague this week' });
    const approved = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    expect(approved.json().status).toBe('approved');
    expect((await as(world, outsider).get(`/api/people/${personId}`)).statusCode).toBe(200);
    expect((await as(world, outsider).get('/api/people')).json().items.map((p: { id: string }) => p.id)).toContain(personId);
    const revoked = await as(world, outsider).post(`/api/access/grants/${asked.json().id}/revoke`, {});
    expect(revoked.statusCode).toBe(200);
    expect((await as(world, outsider).get(`/api/people/${personId}`)).statusCode).toBe(404);
    expect((await as(world, outsider).get('/api/people')).json().items).toEqual([]);
  });

  it('3.4 need-to-know: a refused request gives no access', async () => {
    const asked = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Just curious about this one' });
    const refused = await as(world, manager).post(`/api/access/requests/${asked.json().id}/refuse`, { note: 'No need to know' });
    expect(refused.json().status).toBe('refused');
    expect((await as(world, outsider).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const again = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    expect(again.statusCode).toBe(409);
  });

  it('3.4 need-to-know grants/withdraw-own: the requester withdraws their own waiting request — it leaves the queue, the managers\' alerts settle, audited; nobody else may, and a decided or withdrawn request is not withdrawn', async () => {
    const asked = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: ['personal'], reason: 'Asked for the wrong client by mistake' });
    const id = asked.json().id as string;
    // Nobody else withdraws it: another member of staff does not see it (404), a manager sees it but it is not theirs (403).
    const stranger = await makeUser(world, ['staff']);
    expect((await as(world, stranger).post(`/api/access/requests/${id}/withdraw`)).statusCode).toBe(404);
    const byManager = await as(world, manager).post(`/api/access/requests/${id}/withdraw`);
    expect(byManager.statusCode).toBe(403);
    expect((await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'grant.withdraw').map((r) => [r.actor_id, r.decision, r.rule_id, r.clause])).toEqual([
      [stranger.id, 'deny', 'default/deny', '3.3, 3.4, 4.2'],
      [manager.id, 'deny', 'default/deny', '3.3, 3.4, 4.2'],
    ]);

    const withdrawn = await as(world, outsider).post(`/api/access/requests/${id}/withdraw`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ id, status: 'withdrawn', decidedBy: outsider.id });
    expect((await auditRows(world)).filter((r) => r.resource_id === id && r.decision !== 'deny').map((r) => [r.action, r.decision, r.rule_id, r.clause, r.actor_id])).toEqual([
      ['grant.request', 'change', 'grants/request', '3.3, 3.4, 4.2', outsider.id],
      ['notification.send', 'change', 'grants/request', '3.3, 3.4, 4.2', outsider.id],
      ['grant.withdraw', 'allow', 'grants/withdraw-own', '3.3, 3.4, 4.2', outsider.id],
      ['notification.settle', 'change', 'grants/withdraw-own', '3.3, 3.4, 4.2', outsider.id],
    ]);
    // It has left the managers' queue; their alert no longer waits on them; it is listed as withdrawn.
    expect((await as(world, manager).get('/api/access/requests?status=requested')).json().items.map((g: { id: string }) => g.id)).not.toContain(id);
    const alert = (await as(world, manager).get('/api/notifications')).json().items.find((n: { resourceId: string }) => n.resourceId === id);
    expect(alert.settled).toEqual({ at: world.clock.now().toISOString(), byName: (await world.services.db.kysely.selectFrom('users').select('display_name').where('id', '=', outsider.id).executeTakeFirstOrThrow()).display_name });
    expect((await as(world, outsider).get('/api/access/requests?status=withdrawn')).json().items.map((g: { id: string }) => g.id)).toContain(id);

    // Withdrawn is final: not approved, not withdrawn again.
    expect((await as(world, manager).post(`/api/access/requests/${id}/approve`, {})).statusCode).toBe(409);
    const again = await as(world, outsider).post(`/api/access/requests/${id}/withdraw`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ errors: [{ path: 'params.id', message: 'the request is withdrawn' }] });
    // A decided request is not withdrawn either: access given is given up instead (revoke).
    const decided = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Covering a session on Friday' });
    expect((await as(world, manager).post(`/api/access/requests/${decided.json().id}/refuse`, { note: 'Not needed' })).statusCode).toBe(200);
    const late = await as(world, outsider).post(`/api/access/requests/${decided.json().id}/withdraw`);
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toMatch(/this is refused/);
    expect((await auditRows(world)).filter((r) => r.action === 'grant.withdraw' && r.decision === 'allow')).toHaveLength(1);
  });

  it('3.1 justify-purpose: a manager may not approve their own request (403), another manager may', async () => {
    const asked = await request(manager, { resourceType: 'person', resourceId: personId, classifications: ['special'], reason: 'Reviewing the support plan' });
    const self = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    expect(self.statusCode).toBe(403);
    expect(self.json().rule).toBe('grant/no-self-approval');
    const other = await as(world, otherManager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    expect(other.statusCode).toBe(200);
  });

  it('3.4 need-to-know: a request from someone deactivated since they asked is not approved (409 naming it, nothing written, not audited as a decision); it can be refused', async () => {
    const leaver = await makeUser(world, ['staff']);
    const asked = await request(leaver, { resourceType: 'person', resourceId: personId, classifications: ['personal'], reason: 'Covering the session next week' });
    expect(asked.statusCode, asked.body).toBe(202);
    const id = asked.json().id as string;
    await world.services.db.kysely.updateTable('users').set({ active: 0, deactivated_at: world.clock.now().toISOString() }).where('id', '=', leaver.id).execute();
    const decisions = async () => (await auditRows(world)).filter((r) => r.action === 'grant.decide' && r.resource_id === id);
    const approve = await as(world, manager).post(`/api/access/requests/${id}/approve`, {});
    expect(approve.statusCode, approve.body).toBe(409);
    expect(approve.json().errors).toEqual([{ path: 'params.id', message: 'the requester is deactivated' }]);
    expect((await world.services.db.kysely.selectFrom('access_grants').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('requested');
    expect(await decisions()).toEqual([]);
    const refuse = await as(world, manager).post(`/api/access/requests/${id}/refuse`, { note: 'They have left.' });
    expect(refuse.statusCode, refuse.body).toBe(200);
    expect((await decisions()).map((r) => [r.decision, r.rule_id])).toEqual([['allow', 'grants/manage']]);
  });

  it('3.4 need-to-know: requests for unknown and invisible ids are answered alike, and cannot be approved', async () => {
    const missing = await request(outsider, { resourceType: 'person', resourceId: '01900000-0000-7000-8000-000000000000', classifications: [], reason: 'Probing for an id here' });
    const hidden = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Probing for an id here' });
    expect(missing.statusCode).toBe(hidden.statusCode);
    expect(Object.keys(missing.json())).toEqual(Object.keys(hidden.json()));
    const approve = await as(world, manager).post(`/api/access/requests/${missing.json().id}/approve`, {});
    expect(approve.statusCode).toBe(409);
  });

  it('3.4 need-to-know: staff see only their own grants; approving needs a manager; others\' grants are 404', async () => {
    const list = await as(world, outsider).get('/api/access/grants');
    expect(list.json().items.every((g: { userId: string }) => g.userId === outsider.id)).toBe(true);
    const someone = (await as(world, manager).get('/api/access/grants')).json().items.find((g: { userId: string }) => g.userId !== outsider.id);
    expect((await as(world, outsider).post(`/api/access/grants/${someone.id}/revoke`, {})).statusCode).toBe(404);
    expect((await as(world, outsider).post(`/api/access/requests/${someone.id}/approve`, {})).statusCode).toBe(403);
  });

  it('3.4 need-to-know: a requester\'s own list does not tell an unknown id from an invisible one; the manager\'s queue does', async () => {
    const missingId = '01900000-0000-7000-8000-0000000000aa';
    const missing = await request(outsider, { resourceType: 'person', resourceId: missingId, classifications: ['personal'], reason: 'Checking whether this exists' });
    const hidden = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: ['personal'], reason: 'Checking whether this exists' });
    const mine = (await as(world, outsider).get('/api/access/requests?mine=true&status=requested')).json().items as Record<string, unknown>[];
    const a = mine.find((g) => g.id === missing.json().id)!;
    const b = mine.find((g) => g.id === hidden.json().id)!;
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a).not.toHaveProperty('recordFound');
    const queue = (await as(world, manager).get('/api/access/requests?status=requested')).json().items as Record<string, unknown>[];
    expect(queue.find((g) => g.id === missing.json().id)).toMatchObject({ recordFound: false });
    expect(queue.find((g) => g.id === hidden.json().id)).toMatchObject({ recordFound: true });
    for (const g of [missing, hidden]) await as(world, manager).post(`/api/access/requests/${g.json().id}/refuse`, { note: 'No need to know' });
  });

  it('3.4 need-to-know: hours default to GRANT_DEFAULT_HOURS; more than GRANT_MAX_HOURS asked for, or more approved than asked, is a 400 naming body.hours, nothing written', async () => {
    const grants = async () => Number((await world.services.db.kysely.selectFrom('access_grants').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await grants();
    const tooLong = await as(world, outsider).post('/api/access/requests', { resourceType: 'person', resourceId: personId, classifications: [], reason: 'A very long placement', hours: 1000 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors).toEqual([{ path: 'body.hours', message: 'at most 48' }]);
    expect(await grants()).toBe(before);
    const byDefault = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Default length please' });
    const long = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'A very long placement', hours: 48 });
    const queue = (await as(world, manager).get('/api/access/requests?status=requested')).json().items as { id: string; requestedHours: number }[];
    expect(queue.find((g) => g.id === byDefault.json().id)!.requestedHours).toBe(8);
    expect(queue.find((g) => g.id === long.json().id)!.requestedHours).toBe(48);
    const more = await as(world, manager).post(`/api/access/requests/${byDefault.json().id}/approve`, { hours: 9 });
    expect(more.statusCode).toBe(400);
    expect(more.json().errors).toEqual([{ path: 'body.hours', message: 'at most 8, as asked' }]);
    expect((await world.services.db.kysely.selectFrom('access_grants').select('status').where('id', '=', byDefault.json().id).executeTakeFirstOrThrow()).status).toBe('requested');
    const approved = await as(world, manager).post(`/api/access/requests/${byDefault.json().id}/approve`, { hours: 2 });
    expect(approved.json().expiresAt).toBe(new Date(world.clock.now().getTime() + 2 * 3600_000).toISOString());
    const revoked = await as(world, manager).post(`/api/access/grants/${byDefault.json().id}/revoke`, { note: 'Placement ended' });
    expect(revoked.json().status).toBe('revoked');
    const notices = (await as(world, outsider).get('/api/notifications')).json().items as { kind: string; body: string }[];
    expect(notices.some((n) => n.kind === 'access-revoked')).toBe(true);
    expect((await as(world, manager).post(`/api/access/grants/${byDefault.json().id}/revoke`, {})).statusCode).toBe(409);
    await as(world, manager).post(`/api/access/requests/${long.json().id}/refuse`, { note: 'Too long' });
  });

  it('3.4 need-to-know: a request for information the kind of record does not hold (commercial on a person, session notes on an organisation) is a 400 naming body.classifications, the same for a real and an unknown id, nothing written or audited', async () => {
    const grants = async () => Number((await world.services.db.kysely.selectFrom('access_grants').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const [before, entries] = [await grants(), (await auditRows(world)).length];
    const organisationId = await makeOrganisation(world);
    const tries = [
      ['person', personId, ['personal', 'commercial']], ['person', '01900000-0000-7000-8000-0000000000bb', ['commercial']],
      ['organisation', organisationId, ['session']], ['case', caseId, ['commercial']],
    ] as const;
    for (const [resourceType, resourceId, classifications] of tries) {
      const res = await request(outsider, { resourceType, resourceId, classifications, reason: 'Checking what a grant could open' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([{ path: 'body.classifications', message: expect.stringMatching(/^one of /) }]);
    }
    expect(await grants()).toBe(before);
    expect((await auditRows(world)).length).toBe(entries);
    // What each kind holds is still asked for and queued.
    const fine = await request(outsider, { resourceType: 'organisation', resourceId: organisationId, classifications: ['commercial'], reason: 'Preparing the renewal of their contract' });
    expect(fine.statusCode, fine.body).toBe(202);
    await as(world, manager).post(`/api/access/requests/${fine.json().id}/refuse`, { note: 'No need to know' });
  });

  it('3.4 need-to-know: administrators (no case work) may not request access, nor may anyone who has not accepted the policy (3.5)', async () => {
    const admin = await makeUser(world, ['administrator']);
    const denied = await request(admin, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Administering the system' });
    expect(denied.statusCode).toBe(403);
    const fresh = await makeUser(world, ['staff'], { accepted: false });
    const notAccepted = await request(fresh, { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Started work today' });
    expect(notAccepted.statusCode).toBe(403);
    expect(notAccepted.json().rule).toBe('agreement/not-accepted');
  });

  it('3.5 responsibilities: a manager who has not accepted the current policy may not read the request queue — its reasons are confidential — nor revoke a grant (403 agreement/not-accepted, audited)', async () => {
    const newcomer = await makeUser(world, ['manager'], { accepted: false });
    const queue = await as(world, newcomer).get('/api/access/requests?status=pending');
    expect(queue.statusCode).toBe(403);
    expect(queue.json()).toMatchObject({ rule: 'agreement/not-accepted' });
    expect(JSON.stringify(queue.json())).not.toContain('reason":"');
    const refusal = (await auditRows(world)).filter((r) => r.actor_id === newcomer.id).at(-1)!;
    expect([refusal.action, refusal.decision, refusal.rule_id]).toEqual(['grant.list', 'deny', 'agreement/not-accepted']);
    const revoke = await as(world, newcomer).post('/api/access/grants/01966f5e-0000-7000-8000-000000000000/revoke', {});
    expect(revoke.statusCode).toBe(403);
    expect(revoke.json()).toMatchObject({ rule: 'agreement/not-accepted' });
  });

  it('1.4 commercial-sensitivity: a commercial grant on an organisation shows its business notes to someone who does not deal with it', async () => {
    const orgId = await makeOrganisation(world, { name: 'Northern Arts Trust', kind: 'funder', contactName: 'Sam', commercialNotes: 'grant renewal at risk' });
    const before = await as(world, outsider).get(`/api/organisations/${orgId}`);
    expect(before.json().data?.commercialNotes).toBeUndefined();
    const asked = await request(outsider, { resourceType: 'organisation', resourceId: orgId, classifications: ['commercial'], reason: 'Preparing the funding bid' });
    await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    const after = await as(world, outsider).get(`/api/organisations/${orgId}`);
    expect(after.statusCode).toBe(200);
    expect(after.json().data.commercialNotes).toBe('grant renewal at risk');
  });

  it('3.4 need-to-know: a manager cannot act on a grant id that does not exist (404, audited)', async () => {
    const ghost = '01900000-0000-7000-8000-0000000000bb';
    expect((await as(world, manager).post(`/api/access/requests/${ghost}/approve`, {})).statusCode).toBe(404);
    expect((await auditRows(world)).some((r) => r.action === 'grant.decide' && r.resource_id === ghost && r.decision === 'deny')).toBe(true);
  });

  it('3.4 need-to-know: the request queue pages newest first without repeats; a bad cursor is 400', async () => {
    const all = (await as(world, manager).get('/api/access/requests?limit=200')).json().items.map((g: { id: string }) => g.id) as string[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await as(world, manager).get(`/api/access/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json() as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const bad = await as(world, manager).get('/api/access/requests?cursor=bm9wZQ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.cursor');
  });

  it('rejects bad requests naming the field, and records every decision in the audit', async () => {
    const bad = await request(outsider, { resourceType: 'person', resourceId: personId, classifications: ['general', 'bogus'], reason: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.classifications.0', 'body.reason']));
    const actions = (await auditRows(world)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['grant.request', 'grant.decide', 'grant.revoke']));
  });
});
