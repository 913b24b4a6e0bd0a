import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, casePurpose, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('break-glass emergency access (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let author: TestUser;
  let volunteer: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let personId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 24 * 60, breakGlassMinutes: 30 });
    staff = await makeUser(world, ['staff']);
    author = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    manager = await makeUser(world, ['manager']);
    otherManager = await makeUser(world, ['manager']);
    personId = await makePerson(world);
    const caseId = await makeCase(world, personId, { [author.id]: 'lead' });
    noteId = await makeNote(world, caseId, author.id);
  });
  afterAll(() => world.close());

  const reason = 'Client collapsed at the session, need emergency contacts now';

  it('practice 4.2 break-glass-review: staff open a record at once; every manager is notified immediately', async () => {
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const opened = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ kind: 'break_glass', status: 'approved', reviewStatus: 'pending' });
    const person = await as(world, staff).get(`/api/people/${personId}`);
    expect(person.statusCode).toBe(200);
    expect(person.json().data.safeguardingNotes).toBe('known to social care');
    for (const m of [manager, otherManager]) {
      const n = await as(world, m).get('/api/notifications?unread=true');
      const notice = n.json().items.find((x: { kind: string }) => x.kind === 'break-glass');
      expect(notice).toBeDefined();
      expect(notice.body).not.toContain('known to social care');
    }
  });

  it('3.4 need-to-know records/staff-open-case: emergency access does not let staff open a case and so join the person\'s team for good — 403, nothing written, audited; the team lead may', async () => {
    const view = await as(world, staff).get(`/api/people/${personId}`); // the glass broken in the test above
    expect(view.statusCode).toBe(200);
    expect(view.json().can.openCase).toBe(false);
    const cases = async () => Number((await world.services.db.kysely.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).where('person_id', '=', personId).executeTakeFirstOrThrow()).n);
    const before = await cases();
    const res = await as(world, staff).post('/api/cases', { personId, service: 'Emergency follow-up', purposeId: await casePurpose(world) });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'default/deny' });
    expect(await cases()).toBe(before);
    const [denied] = (await auditRows(world)).filter((r) => r.action === 'case.create' && r.actor_id === staff.id);
    expect(denied).toMatchObject({ decision: 'deny', rule_id: 'default/deny', subject_person_id: personId });
    expect((await as(world, author).get(`/api/people/${personId}`)).json().can.openCase).toBe(true);
    const own = await as(world, author).post('/api/cases', { personId, service: 'A second service', purposeId: await casePurpose(world) });
    expect(own.statusCode, own.body).toBe(201);
  });

  it('practice 4.2 break-glass-review: volunteers may not break the glass; a short reason is 400 (a missing record: break-glass-probe.test.ts)', async () => {
    expect((await as(world, volunteer).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason })).statusCode).toBe(403);
    const short = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'urgent' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('body.reason');
  });

  it('practice 4.3 break-glass-review: each use waits in the review queue; the user who broke the glass cannot review it', async () => {
    const managerUse = await as(world, manager).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason });
    const queue = await as(world, otherManager).get('/api/access/break-glass?review=pending');
    expect(queue.json().items.length).toBe(2);
    const self = await as(world, manager).post(`/api/access/break-glass/${managerUse.json().id}/review`, { outcome: 'justified', note: 'mine' });
    expect(self.statusCode).toBe(403);
    expect(self.json().rule).toBe('grant/no-self-approval');
    expect((await as(world, staff).get('/api/access/break-glass')).statusCode).toBe(403);
    const ok = await as(world, otherManager).post(`/api/access/break-glass/${managerUse.json().id}/review`, { outcome: 'justified', note: 'Medical emergency confirmed' });
    expect(ok.json().reviewStatus).toBe('justified');
    const twice = await as(world, otherManager).post(`/api/access/break-glass/${managerUse.json().id}/review`, { outcome: 'breach', note: 'changed mind' });
    expect(twice.statusCode).toBe(409);
  });

  it('5 breach-handling: a use reviewed as a breach ends the access at once and is recorded under clause 5', async () => {
    const use = (await as(world, manager).get('/api/access/break-glass?review=pending')).json().items.find((g: { userId: string }) => g.userId === staff.id);
    const res = await as(world, manager).post(`/api/access/break-glass/${use.id}/review`, { outcome: 'breach', note: 'No emergency: curiosity' });
    expect(res.json()).toMatchObject({ reviewStatus: 'breach', status: 'revoked' });
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const entry = (await auditRows(world)).find((r) => r.action === 'breakglass.review' && r.rule_id === 'break-glass/breach');
    expect(entry?.clause).toBe('5');
    expect(JSON.parse(entry!.detail)).toMatchObject({ outcome: 'breach', clauseKey: 'breach-handling', user: staff.id });
    const told = (await as(world, staff).get('/api/notifications')).json().items.find((n: { kind: string }) => n.kind === 'break-glass-breach');
    expect(told).toMatchObject({ resourceType: 'grant', resourceId: use.id });
    expect((await as(world, manager).get('/api/access/break-glass?review=breach')).json().items.map((g: { id: string }) => g.id)).toContain(use.id);
  });

  it('practice 4.3 break-glass-review: a justified use is told to the user and leaves the queue; the grantee may give access up early', async () => {
    const other = await makeUser(world, ['staff']);
    const opened = await as(world, other).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason });
    expect((await as(world, other).get(`/api/people/${personId}`)).statusCode).toBe(200);
    const given = await as(world, other).post(`/api/access/grants/${opened.json().id}/revoke`, {});
    expect(given.json()).toMatchObject({ status: 'revoked', reviewStatus: 'pending' });
    expect((await as(world, other).get(`/api/people/${personId}`)).statusCode).toBe(404);
    // Giving access up does not take the use out of review.
    expect((await as(world, manager).get('/api/access/break-glass?review=pending')).json().items.map((g: { id: string }) => g.id)).toContain(opened.json().id);
    const ok = await as(world, manager).post(`/api/access/break-glass/${opened.json().id}/review`, { outcome: 'justified', note: 'Seizure at session, confirmed' });
    expect(ok.statusCode).toBe(200);
    // Recorded as what it decided, under the break-glass review clause (a breach is recorded under clause 5).
    const entry = (await auditRows(world)).find((r) => r.action === 'breakglass.review' && r.resource_id === opened.json().id)!;
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'break-glass/justified', clause: 'practice 4.2, practice 4.3', actor_id: manager.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ outcome: 'justified', user: other.id, reviewRule: 'grants/manage' });
    expect((await as(world, manager).get('/api/access/break-glass?review=pending')).json().items.map((g: { id: string }) => g.id)).not.toContain(opened.json().id);
    const told = (await as(world, other).get('/api/notifications')).json().items.find((n: { kind: string }) => n.kind === 'break-glass-justified');
    expect(told).toBeDefined();
    // A break-glass use is not an access request: it cannot be approved or refused, and a request cannot be reviewed.
    expect((await as(world, manager).post(`/api/access/requests/${opened.json().id}/refuse`, { note: 'no' })).statusCode).toBe(409);
    const req = await as(world, other).post('/api/access/requests', { resourceType: 'person', resourceId: personId, classifications: [], reason: 'Follow-up after the incident' });
    expect((await as(world, manager).post(`/api/access/break-glass/${req.json().id}/review`, { outcome: 'justified', note: 'n/a' })).statusCode).toBe(404);
  });

  it('practice 4.2 break-glass-review: the notice names no client and nothing confidential, only the grant to review', async () => {
    const notice = (await as(world, otherManager).get('/api/notifications')).json().items.find((n: { kind: string }) => n.kind === 'break-glass');
    const text = `${notice.subject} ${notice.body}`;
    for (const secret of ['known to social care', 'asthma', reason]) expect(text).not.toContain(secret);
    expect(notice.resourceType).toBe('grant');
    const rows = await world.services.db.kysely.selectFrom('notifications').selectAll().where('kind', '=', 'break-glass').execute();
    expect(rows.every((r) => r.emailed_at === null)).toBe(true); // the outbox waits for the SMTP sender
  });

  it('practice 2 session-staff-team-only: break-glass on a case shows session notes, and access ends after BREAK_GLASS_MINUTES', async () => {
    const caseId = (await world.services.db.kysely.selectFrom('cases').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow()).id;
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(404);
    await as(world, staff).post('/api/access/break-glass', { resourceType: 'case', resourceId: caseId, reason });
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200);
    const note = await as(world, staff).get(`/api/notes/${noteId}`);
    expect(note.statusCode, note.body).toBe(200);
    expect(note.json().data.body).toBe('talked about drumming and home');
    const noteRead = (await auditRows(world)).filter((r) => r.action === 'note.read').at(-1)!;
    expect(noteRead).toMatchObject({ decision: 'allow', rule_id: 'break-glass/emergency-access', resource_type: 'note', resource_id: noteId });
    // 1.1: the case's note list names the rule that opened it — the emergency access, not the case team they are not on.
    const list = await as(world, staff).get(`/api/cases/${caseId}/notes`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((n: { id: string }) => n.id)).toContain(noteId);
    const listed = (await auditRows(world)).filter((r) => r.action === 'note.read').at(-1)!;
    expect(listed).toMatchObject({ decision: 'allow', rule_id: 'break-glass/emergency-access', resource_type: 'case', resource_id: caseId });
    expect(JSON.parse(listed.detail)).toMatchObject({ list: 'note', rules: ['break-glass/emergency-access'] });
    world.clock.advance(31 * 60_000);
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(404);
  });
});

describe.each(dialects())('break-glass with a single manager (%s)', (dialect) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  it('practice 4.2 break-glass-review: when the only manager breaks the glass, the guardian is told, so no use goes unseen', async () => {
    const manager = await makeUser(world, ['manager']);
    const guardian = await makeUser(world, ['guardian']);
    const personId = await makePerson(world);
    const opened = await as(world, manager).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'Client missing after the session, police asking' });
    expect(opened.statusCode).toBe(201);
    const notices = (await as(world, guardian).get('/api/notifications')).json().items as { kind: string; resourceId: string }[];
    expect(notices).toEqual([expect.objectContaining({ kind: 'break-glass', resourceId: opened.json().id })]);
    expect((await as(world, manager).get('/api/notifications')).json().items).toEqual([]);
    expect((await as(world, manager).post(`/api/access/break-glass/${opened.json().id}/review`, { outcome: 'justified', note: 'mine' })).statusCode).toBe(403);
  });
});
