import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEscalations } from '../../src/safeguarding/escalation';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const MINUTE = 60_000;

interface Notice {
  id: string;
  kind: string;
  resourceId: string | null;
  readAt: string | null;
  settled: { at: string; byName: string | null } | null;
}

/**
 * An alert that asked several people to act is settled for all of them once one acts (practice 4.1: concerns go to
 * management for immediate action; 1.3: an exception is decided by one manager): each recipient's alert says who
 * took it and when, and stops counting as unread; what they read is left as it was (src/notify/settle.ts).
 */
describe.each(dialects())('alerts settled once someone acts (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, lead2: TestUser, manager: TestUser, manager2: TestUser, manager3: TestUser, staff: TestUser, volunteer: TestUser;
  let person: string, outside: string, org: string, purpose: string;
  const db = () => world.services.db.kysely;
  const alertsAbout = (id: string) => db().selectFrom('notifications').selectAll().where('resource_id', '=', id).orderBy('user_id').orderBy('created_at').execute();
  const inbox = async (user: TestUser, query = '') => (await as(world, user).get(`/api/notifications${query}`)).json().items as Notice[];
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);
  const raise = async () => {
    const res = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personDescription: 'Boy of about 10 in the Saturday football group', whatHappened: 'Said he is scared to go home',
      occurredAt: '2026-03-02T08:30:00Z', immediateRisk: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const askException = async (by: TestUser) => {
    const res = await as(world, by).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: org, name: 'DC Jones', role: 'Investigating officer' }, purposeId: purpose,
      reason: 'A statutory request from the police.', items: { personFields: ['givenName'] }, exception: { ground: 'legal_duty', reference: 'Police incident 4471/26', consentSought: false, notSoughtBecause: 'not_safe' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };

  const askAccess = async (by: TestUser) => {
    const res = await as(world, by).post('/api/access/requests', { resourceType: 'person', resourceId: outside, classifications: ['personal'], reason: 'Covering a colleague on leave this week.' });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().id as string;
  };
  const breakGlass = async (by: TestUser) => {
    const res = await as(world, by).post('/api/access/break-glass', { resourceType: 'person', resourceId: outside, reason: 'Client collapsed at the drop-in, need next of kin' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  /** The rule and clause of the decision that settled a record's alerts (its last allowed `action`): the settle entry cites them. */
  const decidingOf = async (id: string, action: string) => {
    const e = (await auditFor(id)).filter((r) => r.action === action && r.decision === 'allow').at(-1)!;
    expect(e.rule_id, action).toBeTruthy();
    expect(e.clause, action).toBeTruthy();
    return [e.rule_id, e.clause] as const;
  };
  /** The `notification.settle` entries about a record, as (actor, action, decision, rule, clause, record). */
  const settleEntries = async (id: string) => (await auditFor(id)).filter((r) => r.action === 'notification.settle')
    .map((r) => [r.actor_id, r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id]);

  beforeAll(async () => {
    // Sessions outlive the escalation time this test moves the clock through.
    world = await createWorld(dialect, { sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    lead = await makeUser(world, ['safeguarding_lead'], { username: 'lead.one' });
    lead2 = await makeUser(world, ['safeguarding_lead']);
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    manager2 = await makeUser(world, ['manager'], { username: 'manager.two' });
    manager3 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    outside = await makePerson(world, { givenName: 'Sam', familyName: 'Outsider' }); // nobody's case team: reached by request or break-glass
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'worker' });
    org = await makeOrganisation(world, { name: 'City Police', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
  });
  afterAll(() => world?.close());

  it('practice 4.1 safeguarding-management: once a lead acknowledges a concern, every lead\'s and manager\'s alert about it is settled — taken by them, at that time — and leaves the unread count; read state is kept; audited', async () => {
    const id = await raise();
    world.clock.advance(world.config.safeguardingUrgentEscalateMinutes * MINUTE);
    expect(await runEscalations(world.services)).toEqual([id]);
    const other = await raise(); // another concern: its alerts stay as they are
    await as(world, manager2).post(`/api/notifications/${(await inbox(manager2)).find((n) => n.resourceId === id)!.id}/read`, {});
    const recipients = [lead.id, lead2.id, manager.id, manager2.id, manager3.id].sort();
    expect([...new Set((await alertsAbout(id)).map((n) => n.user_id))].sort()).toEqual(recipients);
    expect((await inbox(manager, '?unread=true')).map((n) => n.resourceId)).toContain(id);

    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const acked = await as(world, lead).post(`/api/concerns/${id}/acknowledge`, {});
    expect(acked.statusCode, acked.body).toBe(200);

    const rows = await alertsAbout(id);
    const alerts = rows.filter((n) => n.kind === 'concern-raised' || n.kind === 'concern-escalated');
    expect(alerts.length).toBeGreaterThanOrEqual(recipients.length);
    for (const n of alerts) expect(n).toMatchObject({ settled_at: at, settled_by: lead.id });
    // Settling is not reading: manager2 read theirs before, nobody else's is marked read.
    expect(alerts.filter((n) => n.read_at !== null).map((n) => n.user_id)).toEqual([manager2.id]);
    // The raiser's "your concern was acknowledged" is news for them, not an alert someone took.
    expect(rows.filter((n) => n.kind === 'concern-acknowledged')).toMatchObject([{ user_id: volunteer.id, settled_at: null, settled_by: null }]);
    expect((await alertsAbout(other)).every((n) => n.settled_at === null)).toBe(true);

    // Each recipient's inbox says who took it and when; it no longer counts as unread.
    for (const user of [manager, manager3, lead2, lead]) {
      const mine = (await inbox(user)).filter((n) => n.resourceId === id);
      expect(mine.length).toBeGreaterThan(0);
      for (const n of mine) expect(n.settled).toEqual({ at, byName: 'lead.one' });
      expect((await inbox(user, '?unread=true')).map((n) => n.resourceId)).not.toContain(id);
    }
    // The leads and management were alerted to the other concern at once: theirs still waits on them.
    for (const user of [lead, lead2, manager, manager2, manager3]) expect((await inbox(user, '?unread=true')).map((n) => n.resourceId)).toContain(other);

    const audit = await auditFor(id);
    const settle = audit.filter((r) => r.action === 'notification.settle');
    expect(settle.map((r) => [r.actor_id, r.decision, r.resource_type, r.rule_id, r.clause])).toEqual([[lead.id, 'change', 'concern', ...(await decidingOf(id, 'concern.acknowledge'))]]);
    expect(JSON.parse(settle[0].detail)).toEqual({ kinds: ['concern-raised', 'concern-escalated'], recipients, notifications: alerts.length });
    expect(settle[0].detail).not.toMatch(/scared|football/);
    const order = audit.map((r) => r.action);
    expect(order.indexOf('notification.settle')).toBe(order.indexOf('concern.acknowledge') + 1);
  });

  it('practice 4.1 safeguarding-management: recording an action on a concern nobody acknowledged settles the alerts too; a second acknowledgement is 409 and changes nothing', async () => {
    const id = await raise();
    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const entry = await as(world, lead2).post(`/api/concerns/${id}/entries`, { kind: 'action', text: 'Phoned the duty social worker.' });
    expect(entry.statusCode, entry.body).toBe(201);
    const alerts = (await alertsAbout(id)).filter((n) => n.kind === 'concern-raised');
    const everyone = [lead.id, lead2.id, manager.id, manager2.id, manager3.id].sort(); // the leads and management, alerted at once
    expect(alerts.map((n) => [n.user_id, n.settled_at, n.settled_by])).toEqual(everyone.map((u) => [u, at, lead2.id]));

    world.clock.advance(MINUTE);
    expect((await as(world, lead).post(`/api/concerns/${id}/acknowledge`, {})).statusCode).toBe(409);
    expect((await alertsAbout(id)).filter((n) => n.kind === 'concern-raised').map((n) => [n.settled_at, n.settled_by])).toEqual(everyone.map(() => [at, lead2.id]));
    expect((await auditFor(id)).filter((r) => r.action === 'notification.settle')).toHaveLength(1);
  });

  it('practice 4.1 safeguarding-management: someone who may not work a concern (staff, the raiser) is refused acknowledging it, and its alerts stay unsettled and unread for everyone', async () => {
    const id = await raise();
    for (const user of [staff, volunteer]) {
      const res = await as(world, user).post(`/api/concerns/${id}/acknowledge`, {});
      expect([403, 404]).toContain(res.statusCode);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const alerts = await alertsAbout(id);
    expect(alerts.map((n) => n.user_id)).toEqual([lead.id, lead2.id, manager.id, manager2.id, manager3.id].sort()); // the leads and management, at once
    expect(alerts.map((n) => [n.settled_at, n.settled_by])).toEqual(alerts.map(() => [null, null]));
    expect((await inbox(lead, '?unread=true')).find((n) => n.resourceId === id)).toMatchObject({ settled: null, readAt: null });
    expect((await auditFor(id)).filter((r) => r.action === 'notification.settle')).toEqual([]);
    const refusals = (await auditRows(world)).filter((r) => r.action === 'concern.work' && r.decision === 'deny' && JSON.parse(r.detail).route === '/api/concerns/:id/acknowledge');
    expect(refusals.map((r) => [r.actor_id, r.rule_id])).toEqual([[staff.id, 'default/deny'], [volunteer.id, 'default/deny']]);
  });

  it('1.3 disclosure-exception: once a manager decides an exception, every manager\'s alert to decide it is settled by them; the requester\'s news of the decision is not; audited', async () => {
    const id = await askException(staff);
    expect((await alertsAbout(id)).map((n) => n.user_id)).toEqual([manager.id, manager2.id, manager3.id].sort());
    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const approved = await as(world, manager2).post(`/api/disclosures/${id}/approval`, { decision: 'approve', justification: 'A statutory request.', tellPerson: true });
    expect(approved.statusCode, approved.body).toBe(200);
    const rows = await alertsAbout(id);
    expect(rows.filter((n) => n.kind === 'disclosure-approval').map((n) => [n.user_id, n.settled_at, n.settled_by])).toEqual([manager.id, manager2.id, manager3.id].sort().map((u) => [u, at, manager2.id]));
    expect(rows.filter((n) => n.kind === 'disclosure-approved')).toMatchObject([{ user_id: staff.id, settled_at: null }]);
    expect((await inbox(manager3)).find((n) => n.resourceId === id)!.settled).toEqual({ at, byName: 'manager.two' });
    expect((await inbox(manager3, '?unread=true')).map((n) => n.resourceId)).not.toContain(id);
    expect((await inbox(staff, '?unread=true')).map((n) => n.resourceId)).toContain(id);
    const settle = (await auditFor(id)).filter((r) => r.action === 'notification.settle');
    expect(settle.map((r) => [r.actor_id, r.decision, r.resource_type, r.rule_id, r.clause])).toEqual([[manager2.id, 'change', 'disclosure', ...(await decidingOf(id, 'disclosure.approve'))]]);
    expect(JSON.parse(settle[0].detail)).toEqual({ kinds: ['disclosure-approval'], recipients: [manager.id, manager2.id, manager3.id].sort(), notifications: 3 });
    expect(settle[0].detail).not.toMatch(/Jo|Bloggs|4471|DC Jones/);
  });

  it('1.3 disclosure-exception: a refusal settles the alerts as well; the manager who asked cannot decide their own (403) and settles nothing', async () => {
    const id = await askException(manager);
    const own = await as(world, manager).post(`/api/disclosures/${id}/approval`, { decision: 'approve', justification: 'Mine.', tellPerson: true });
    expect(own.statusCode).toBe(403);
    expect((await alertsAbout(id)).map((n) => [n.user_id, n.settled_at])).toEqual([manager2.id, manager3.id].sort().map((u) => [u, null]));
    expect((await auditFor(id)).filter((r) => r.action === 'notification.settle')).toEqual([]);

    const refused = await as(world, manager3).post(`/api/disclosures/${id}/approval`, { decision: 'refuse', justification: 'The request does not name a power.', tellPerson: true });
    expect(refused.statusCode, refused.body).toBe(200);
    expect((await alertsAbout(id)).filter((n) => n.kind === 'disclosure-approval').map((n) => [n.user_id, n.settled_by])).toEqual([manager2.id, manager3.id].sort().map((u) => [u, manager3.id]));
    expect((await inbox(manager2)).find((n) => n.resourceId === id)!.settled?.byName).toBe(manager3.username);
  });

  it('3.4 need-to-know: once a manager approves an access request, every manager\'s alert to decide it is settled — decided by them, their own included — and leaves the unread count; another request\'s alerts and the requester\'s news are not; audited', async () => {
    const id = await askAccess(staff);
    const other = await askAccess(staff);
    const managers = [manager.id, manager2.id, manager3.id].sort();
    expect((await alertsAbout(id)).map((n) => [n.user_id, n.kind])).toEqual(managers.map((u) => [u, 'access-request']));
    await as(world, manager).post(`/api/notifications/${(await inbox(manager)).find((n) => n.resourceId === id)!.id}/read`, {});
    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const approved = await as(world, manager2).post(`/api/access/requests/${id}/approve`, { hours: 2 });
    expect(approved.statusCode, approved.body).toBe(200);

    const rows = await alertsAbout(id);
    expect(rows.filter((n) => n.kind === 'access-request').map((n) => [n.user_id, n.settled_at, n.settled_by])).toEqual(managers.map((u) => [u, at, manager2.id]));
    // Settling is not reading: only manager read theirs.
    expect(rows.filter((n) => n.kind === 'access-request' && n.read_at !== null).map((n) => n.user_id)).toEqual([manager.id]);
    expect(rows.filter((n) => n.kind === 'access-approved')).toMatchObject([{ user_id: staff.id, settled_at: null, settled_by: null }]);
    expect((await alertsAbout(other)).map((n) => [n.user_id, n.settled_at, n.settled_by])).toEqual(managers.map((u) => [u, null, null]));

    for (const user of [manager, manager2, manager3]) {
      expect((await inbox(user)).find((n) => n.resourceId === id)!.settled).toEqual({ at, byName: 'manager.two' });
      const unread = (await inbox(user, '?unread=true')).map((n) => n.resourceId);
      expect(unread).not.toContain(id);
      expect(unread).toContain(other);
    }
    expect((await inbox(staff, '?unread=true')).find((n) => n.resourceId === id)).toMatchObject({ kind: 'access-approved', settled: null });

    expect(await settleEntries(id)).toEqual([[manager2.id, 'notification.settle', 'change', ...(await decidingOf(id, 'grant.decide')), 'grant', id]]);
    const [entry] = (await auditFor(id)).filter((r) => r.action === 'notification.settle');
    expect(JSON.parse(entry.detail)).toEqual({ kinds: ['access-request'], recipients: managers, notifications: 3 });
    expect(entry.detail).not.toMatch(/Covering|leave|Sam|Outsider/);
    const order = (await auditFor(id)).map((r) => r.action);
    expect(order.indexOf('notification.settle')).toBe(order.indexOf('grant.decide') + 1);
    expect(await settleEntries(other)).toEqual([]);
  });

  it('3.4 need-to-know grant/no-self-approval: the manager who asked cannot decide their own request (403) and settles nothing; a refusal settles the others\' alerts; a second decision is 409 and settles nothing more', async () => {
    const id = await askAccess(manager);
    const own = await as(world, manager).post(`/api/access/requests/${id}/approve`, {});
    expect(own.statusCode, own.body).toBe(403);
    const nobody = await as(world, staff).post(`/api/access/requests/${id}/refuse`, { note: 'Not mine to decide.' });
    expect([403, 404]).toContain(nobody.statusCode);
    expect((await alertsAbout(id)).map((n) => [n.user_id, n.settled_at])).toEqual([manager2.id, manager3.id].sort().map((u) => [u, null]));
    expect(await settleEntries(id)).toEqual([]);

    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const refused = await as(world, manager3).post(`/api/access/requests/${id}/refuse`, { note: 'Ask the case lead to add you to the team.' });
    expect(refused.statusCode, refused.body).toBe(200);
    const settled = () => alertsAbout(id).then((rows) => rows.filter((n) => n.kind === 'access-request').map((n) => [n.user_id, n.settled_at, n.settled_by]));
    expect(await settled()).toEqual([manager2.id, manager3.id].sort().map((u) => [u, at, manager3.id]));
    expect((await inbox(manager2)).find((n) => n.resourceId === id)!.settled).toEqual({ at, byName: manager3.username });
    expect((await inbox(manager2, '?unread=true')).map((n) => n.resourceId)).not.toContain(id);
    expect((await alertsAbout(id)).filter((n) => n.kind === 'access-refused')).toMatchObject([{ user_id: manager.id, settled_at: null }]);

    world.clock.advance(MINUTE);
    expect((await as(world, manager2).post(`/api/access/requests/${id}/approve`, {})).statusCode).toBe(409);
    expect(await settled()).toEqual([manager2.id, manager3.id].sort().map((u) => [u, at, manager3.id]));
    expect(await settleEntries(id)).toEqual([[manager3.id, 'notification.settle', 'change', ...(await decidingOf(id, 'grant.decide')), 'grant', id]]);
  });

  it('practice 4.2 break-glass-review: once a manager reviews a break-glass use as justified, every manager\'s alert to review it is settled — reviewed by them, their own included; another use\'s alerts and the user\'s news are not; audited', async () => {
    const id = await breakGlass(staff);
    const other = await breakGlass(staff);
    const managers = [manager.id, manager2.id, manager3.id].sort();
    expect((await alertsAbout(id)).map((n) => [n.user_id, n.kind])).toEqual(managers.map((u) => [u, 'break-glass']));
    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const reviewed = await as(world, manager).post(`/api/access/break-glass/${id}/review`, { outcome: 'justified', note: 'A real emergency.' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);

    const rows = await alertsAbout(id);
    expect(rows.filter((n) => n.kind === 'break-glass').map((n) => [n.user_id, n.settled_at, n.settled_by, n.read_at])).toEqual(managers.map((u) => [u, at, manager.id, null]));
    expect(rows.filter((n) => n.kind === 'break-glass-justified')).toMatchObject([{ user_id: staff.id, settled_at: null }]);
    expect((await alertsAbout(other)).map((n) => [n.user_id, n.settled_at])).toEqual(managers.map((u) => [u, null]));
    for (const user of [manager, manager2, manager3]) {
      expect((await inbox(user)).find((n) => n.resourceId === id)!.settled).toEqual({ at, byName: manager.username });
      const unread = (await inbox(user, '?unread=true')).map((n) => n.resourceId);
      expect(unread).not.toContain(id);
      expect(unread).toContain(other);
    }

    expect(await settleEntries(id)).toEqual([[manager.id, 'notification.settle', 'change', ...(await decidingOf(id, 'breakglass.review')), 'grant', id]]);
    const [entry] = (await auditFor(id)).filter((r) => r.action === 'notification.settle');
    expect(JSON.parse(entry.detail)).toEqual({ kinds: ['break-glass'], recipients: managers, notifications: 3 });
    expect(entry.detail).not.toMatch(/collapsed|next of kin|Sam|Outsider/);
    const order = (await auditFor(id)).map((r) => r.action);
    expect(order.indexOf('notification.settle')).toBe(order.indexOf('breakglass.review') + 1);
    expect(await settleEntries(other)).toEqual([]);
  });

  it('practice 4.2 break-glass-review grant/no-self-approval: the manager who broke the glass cannot review it (403) and settles nothing; a review as a breach (5) settles the others\' alerts; a second review is 409 and settles nothing more', async () => {
    const id = await breakGlass(manager2);
    const others = [manager.id, manager3.id].sort();
    expect((await as(world, manager2).post(`/api/access/break-glass/${id}/review`, { outcome: 'justified', note: 'Mine.' })).statusCode).toBe(403);
    expect([403, 404]).toContain((await as(world, staff).post(`/api/access/break-glass/${id}/review`, { outcome: 'justified', note: 'Not mine.' })).statusCode);
    expect((await alertsAbout(id)).map((n) => [n.user_id, n.settled_at])).toEqual(others.map((u) => [u, null]));
    expect(await settleEntries(id)).toEqual([]);

    world.clock.advance(MINUTE);
    const at = world.clock.now().toISOString();
    const breach = await as(world, manager3).post(`/api/access/break-glass/${id}/review`, { outcome: 'breach', note: 'No emergency: the contact was on the team sheet.' });
    expect(breach.statusCode, breach.body).toBe(200);
    const settled = () => alertsAbout(id).then((rows) => rows.filter((n) => n.kind === 'break-glass').map((n) => [n.user_id, n.settled_at, n.settled_by]));
    expect(await settled()).toEqual(others.map((u) => [u, at, manager3.id]));
    expect((await inbox(manager, '?unread=true')).map((n) => n.resourceId)).not.toContain(id);
    expect((await inbox(manager)).find((n) => n.resourceId === id)!.settled).toEqual({ at, byName: manager3.username });
    expect((await alertsAbout(id)).filter((n) => n.kind === 'break-glass-breach')).toMatchObject([{ user_id: manager2.id, settled_at: null }]);

    world.clock.advance(MINUTE);
    expect((await as(world, manager).post(`/api/access/break-glass/${id}/review`, { outcome: 'justified', note: 'Again.' })).statusCode).toBe(409);
    expect(await settled()).toEqual(others.map((u) => [u, at, manager3.id]));
    expect(await settleEntries(id)).toEqual([[manager3.id, 'notification.settle', 'change', ...(await decidingOf(id, 'breakglass.review')), 'grant', id]]);
    const order = (await auditFor(id)).filter((r) => r.actor_id === manager3.id).map((r) => r.action);
    expect(order.slice(0, 2)).toEqual(['breakglass.review', 'notification.settle']);
  });
});
