import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, casePurpose, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const MISSING = '01900000-0000-7000-8000-000000000000';
const fields = (res: { json(): { restricted: { field: string }[] } }) => res.json().restricted.map((r) => r.field).sort();

describe.each(dialects())('cases and case teams over HTTP (%s)', (dialect) => {
  let world: World;
  let staff: TestUser; // lead on caseA
  let colleague: TestUser; // staff on caseB only
  let outsider: TestUser; // staff on no case
  let manager: TestUser;
  let volunteer: TestUser; // volunteer on caseA
  let guardian: TestUser;
  let personId: string;
  let caseA: string;
  let caseB: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    [staff, colleague, outsider, manager, volunteer, guardian] = await Promise.all([
      makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['manager']),
      makeUser(world, ['volunteer']), makeUser(world, ['guardian']),
    ]);
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Byron' });
    caseA = await makeCase(world, personId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    caseB = await makeCase(world, personId, { [colleague.id]: 'lead' });
  });
  afterAll(() => world.close());

  describe('opening a case', () => {
    it('3.4 need to know: staff who can see the person open a case and become its lead worker', async () => {
      const res = await as(world, staff).post('/api/cases', { personId, service: 'Band project', purposeId: await casePurpose(world), summary: 'wants to join a band' });
      expect(res.statusCode).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      const body = res.json();
      expect(res.headers.location).toBe(`/api/cases/${body.data.id}`);
      expect(body.data).toMatchObject({ personId, service: 'Band project', status: 'open', summary: 'wants to join a band', closedOn: null });
      const team = await as(world, staff).get(`/api/cases/${body.data.id}/team`);
      expect(team.json().data).toEqual([expect.objectContaining({ userId: staff.id, teamRole: 'lead' })]);
    });

    it('3.4 need to know: opening a case for a person you cannot see is the same 404 as for a missing person', async () => {
      const hidden = await as(world, outsider).post('/api/cases', { personId, service: 'Band project', purposeId: await casePurpose(world) });
      const missing = await as(world, outsider).post('/api/cases', { personId: MISSING, service: 'Band project', purposeId: await casePurpose(world) });
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(hidden.json().detail).toBe(missing.json().detail);
    });

    it('practice 4.1 safeguarding-management: staff may not record risk notes (403 naming the field); managers may', async () => {
      const denied = await as(world, staff).post('/api/cases', { personId, service: 'Drums', purposeId: await casePurpose(world), riskNotes: 'x' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().errors).toEqual([{ path: 'body.riskNotes', message: expect.any(String) }]);
      const allowed = await as(world, manager).post('/api/cases', { personId, service: 'Drums', purposeId: await casePurpose(world), riskNotes: 'reviewed by the safeguarding lead' });
      expect(allowed.statusCode).toBe(201);
      expect(allowed.json().data.riskNotes).toBe('reviewed by the safeguarding lead');
    });

    it('1.1 records-management: unknown fields are refused by name and a bad person id is a 400', async () => {
      const unknown = await as(world, staff).post('/api/cases', { personId, service: 'Drums', purposeId: await casePurpose(world), status: 'closed', teamLead: staff.id });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].message).toMatch(/unknown field.*status/);
      const bad = await as(world, staff).post('/api/cases', { personId: 'not-an-id', service: 'Drums', purposeId: await casePurpose(world) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('body.personId');
    });
  });

  describe('reading a case', () => {
    it('3.4 need to know: the case team sees personal and special fields; risk notes are restricted', async () => {
      const res = await as(world, staff).get(`/api/cases/${caseA}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.json().data).toMatchObject({ summary: 'referred by school', supportNeeds: 'anxiety' });
      expect(fields(res)).toEqual(['riskNotes']);
    });

    it('3.4 need to know: a volunteer on the team sees general fields only', async () => {
      const res = await as(world, volunteer).get(`/api/cases/${caseA}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.service).toBe('Music mentoring');
      expect(fields(res)).toEqual(['riskNotes', 'summary', 'supportNeeds']);
    });

    it('practice 4.1 safeguarding-management: management see risk notes of every case', async () => {
      const res = await as(world, manager).get(`/api/cases/${caseB}`);
      expect(res.json().data.riskNotes).toBe('none known');
      expect(fields(res)).toEqual([]);
    });

    it('3.1 justify-purpose: the guardian sees general fields only', async () => {
      const res = await as(world, guardian).get(`/api/cases/${caseA}`);
      expect(res.statusCode).toBe(200);
      expect(fields(res)).toEqual(['riskNotes', 'summary', 'supportNeeds']);
    });

    it('3.4 need to know: off the team, a case is the same 404 as a missing one', async () => {
      const hidden = await as(world, outsider).get(`/api/cases/${caseA}`);
      const missing = await as(world, outsider).get(`/api/cases/${MISSING}`);
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(hidden.json().detail).toBe(missing.json().detail);
      const bad = await as(world, outsider).get('/api/cases/not-an-id');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('params.id');
    });

    it('3.4 need to know: a read of non-general fields is audited naming the fields, never their values', async () => {
      await as(world, staff).get(`/api/cases/${caseA}`);
      const row = (await auditRows(world)).filter((r) => r.action === 'case.read' && r.resource_id === caseA && r.actor_id === staff.id).at(-1)!;
      expect(row.decision).toBe('allow');
      expect(row.rule_id).toBe('need-to-know/case-team');
      expect(row.subject_person_id).toBe(personId);
      expect(JSON.parse(row.detail).fields.sort()).toEqual(['summary', 'supportNeeds']);
      expect(row.detail).not.toContain('anxiety');
      expect(row.detail).not.toContain('referred by school');
    });
  });

  describe("a person's cases", () => {
    it('3.4 need to know: a worker sees only the cases they work on, never the others (list leak)', async () => {
      const mine = await as(world, colleague).get(`/api/people/${personId}/cases`);
      expect(mine.statusCode).toBe(200);
      expect(mine.json().items.map((c: { id: string }) => c.id)).toEqual([caseB]);
      expect(mine.json().items[0].summary).toBeUndefined();
      const all = await as(world, manager).get(`/api/people/${personId}/cases?limit=200`);
      expect(all.json().items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([caseA, caseB]));
    });

    it('3.4 need to know: someone who cannot see the person gets 404, not an empty list', async () => {
      const res = await as(world, outsider).get(`/api/people/${personId}/cases`);
      expect(res.statusCode).toBe(404);
    });

    it('pages with a cursor and refuses a forged one', async () => {
      const first = await as(world, manager).get(`/api/people/${personId}/cases?limit=1`);
      expect(first.json().items).toHaveLength(1);
      const next = await as(world, manager).get(`/api/people/${personId}/cases?limit=1&cursor=${first.json().nextCursor}`);
      expect(next.json().items[0].id).not.toBe(first.json().items[0].id);
      const forged = await as(world, manager).get(`/api/people/${personId}/cases?cursor=xyz`);
      expect(forged.statusCode).toBe(400);
      expect(forged.json().errors[0].path).toBe('query.cursor');
    });
  });

  describe('changing a case', () => {
    it('1.1 records-management: the team edits with If-Match; a stale version is 412 and nothing changes; none is 428', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      const ok = await as(world, staff).patch(`/api/cases/${id}`, { summary: 'now weekly' }, { 'if-match': '"1"' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers.etag).toBe('"2"');
      const stale = await as(world, staff).patch(`/api/cases/${id}`, { summary: 'lost update' }, { 'if-match': '"1"' });
      expect(stale.statusCode).toBe(412);
      const none = await as(world, staff).patch(`/api/cases/${id}`, { summary: 'no version' });
      expect(none.statusCode).toBe(428);
      expect((await as(world, staff).get(`/api/cases/${id}`)).json().data.summary).toBe('now weekly');
    });

    it('3.4 need to know: staff off the team get 404 for an edit; on the team, risk notes are 403 naming the field', async () => {
      const hidden = await as(world, outsider).patch(`/api/cases/${caseA}`, { summary: 'x' }, { 'if-match': '"1"' });
      expect(hidden.statusCode).toBe(404);
      const denied = await as(world, staff).patch(`/api/cases/${caseA}`, { riskNotes: 'x' }, { 'if-match': '"1"' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().errors).toEqual([{ path: 'body.riskNotes', message: expect.any(String) }]);
      const audit = (await auditRows(world)).at(-1)!;
      expect(audit.decision).toBe('deny');
      expect(audit.detail).not.toContain('"x"');
    });

    it('1.1 records-management: closing sets closedOn (today unless given), reopening clears it, bad dates are 400', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      const closed = await as(world, staff).patch(`/api/cases/${id}`, { status: 'closed' }, { 'if-match': '"1"' });
      expect(closed.json().data).toMatchObject({ status: 'closed', closedOn: '2026-03-02' });
      const early = await as(world, staff).patch(`/api/cases/${id}`, { closedOn: '2020-01-01' }, { 'if-match': '"2"' });
      expect(early.statusCode).toBe(400);
      expect(early.json().errors[0].path).toBe('body.closedOn');
      const future = await as(world, staff).patch(`/api/cases/${id}`, { closedOn: '2030-01-01' }, { 'if-match': '"2"' });
      expect(future.statusCode).toBe(400);
      const reopened = await as(world, staff).patch(`/api/cases/${id}`, { status: 'open' }, { 'if-match': '"2"' });
      expect(reopened.json().data).toMatchObject({ status: 'open', closedOn: null });
      const openWithDate = await as(world, staff).patch(`/api/cases/${id}`, { closedOn: '2026-03-01' }, { 'if-match': '"3"' });
      expect(openWithDate.statusCode).toBe(400);
    });

    it('1.1 records-management: unknown fields are 400 naming them (no mass assignment of version or team)', async () => {
      const res = await as(world, staff).patch(`/api/cases/${caseA}`, { version: 7, personId }, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].message).toMatch(/unknown field/);
    });

    it('1.1 records-management: management archive (not erase) a case; staff may not; archived cases are read-only', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      const denied = await as(world, staff).post(`/api/cases/${id}/archive`, undefined, { 'if-match': '"1"' });
      expect(denied.statusCode).toBe(403);
      const archived = await as(world, manager).post(`/api/cases/${id}/archive`, undefined, { 'if-match': '"1"' });
      expect(archived.statusCode).toBe(200);
      expect(archived.json().data.archivedAt).toBe('2026-03-02T09:00:00.000Z');
      const list = await as(world, staff).get(`/api/people/${personId}/cases?limit=200`);
      expect(list.json().items.map((c: { id: string }) => c.id)).not.toContain(id);
      const withArchived = await as(world, staff).get(`/api/people/${personId}/cases?limit=200&includeArchived=true`);
      expect(withArchived.json().items.map((c: { id: string }) => c.id)).toContain(id);
      const edit = await as(world, staff).patch(`/api/cases/${id}`, { summary: 'x' }, { 'if-match': '"2"' });
      expect(edit.statusCode).toBe(409);
      expect((await as(world, staff).get(`/api/cases/${id}`)).statusCode).toBe(200);
    });
  });

  describe('the case team (need to know is assigned here)', () => {
    it('3.4 need to know: a manager puts a worker on the team, who can then read the case; the change is audited', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      expect((await as(world, outsider).get(`/api/cases/${id}`)).statusCode).toBe(404);
      const res = await as(world, manager).post(`/api/cases/${id}/team`, { userId: outsider.id, teamRole: 'worker' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.map((m: { userId: string; teamRole: string }) => [m.userId, m.teamRole])).toEqual([[staff.id, 'lead'], [outsider.id, 'worker']]);
      expect((await as(world, outsider).get(`/api/cases/${id}`)).statusCode).toBe(200);
      const audit = (await auditRows(world)).filter((r) => r.action === 'case.team.manage' && r.resource_id === id).at(-1)!;
      expect(audit.decision).toBe('change');
      expect(audit.actor_id).toBe(manager.id);
      expect(audit.rule_id).toBe('records/team-manage');
      expect(JSON.parse(audit.detail)).toEqual({ added: outsider.id, teamRole: 'worker' });

      const removed = await as(world, manager).delete(`/api/cases/${id}/team/${outsider.id}`);
      expect(removed.statusCode).toBe(200);
      expect((await as(world, outsider).get(`/api/cases/${id}`)).statusCode).toBe(404);
      const last = (await auditRows(world)).filter((r) => r.action === 'case.team.manage' && r.resource_id === id).at(-1)!;
      expect(JSON.parse(last.detail)).toEqual({ removed: outsider.id, teamRole: 'worker' });
    });

    it('3.4 need to know: staff cannot assign need to know (403), nor can the team lead', async () => {
      const res = await as(world, staff).post(`/api/cases/${caseA}/team`, { userId: outsider.id, teamRole: 'worker' });
      expect(res.statusCode).toBe(403);
      const del = await as(world, staff).delete(`/api/cases/${caseA}/team/${volunteer.id}`);
      expect(del.statusCode).toBe(403);
    });

    it('practice 3 staff-awareness: a volunteer joins only as a volunteer, never as lead or worker (400 naming teamRole)', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      const res = await as(world, manager).post(`/api/cases/${id}/team`, { userId: volunteer.id, teamRole: 'lead' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('body.teamRole');
      const ok = await as(world, manager).post(`/api/cases/${id}/team`, { userId: volunteer.id, teamRole: 'volunteer' });
      expect(ok.statusCode).toBe(200);
    });

    it('3.4 need to know: only active users with a working role can be assigned (400 naming userId)', async () => {
      const gone = await makeUser(world, ['staff']);
      await world.services.db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', gone.id).execute();
      const deactivated = await as(world, manager).post(`/api/cases/${caseA}/team`, { userId: gone.id, teamRole: 'worker' });
      expect(deactivated.statusCode).toBe(400);
      expect(deactivated.json().errors[0].path).toBe('body.userId');
      const unknown = await as(world, manager).post(`/api/cases/${caseA}/team`, { userId: MISSING, teamRole: 'worker' });
      expect(unknown.statusCode).toBe(400);
      const admin = await makeUser(world, ['administrator']);
      const adminOnly = await as(world, manager).post(`/api/cases/${caseA}/team`, { userId: admin.id, teamRole: 'worker' });
      expect(adminOnly.statusCode).toBe(400);
    });

    it('1.1 records-management: a case keeps a lead worker (409), and removing someone not on the team is 404', async () => {
      const id = await makeCase(world, personId, { [staff.id]: 'lead' });
      expect((await as(world, manager).delete(`/api/cases/${id}/team/${staff.id}`)).statusCode).toBe(409);
      expect((await as(world, manager).post(`/api/cases/${id}/team`, { userId: staff.id, teamRole: 'worker' })).statusCode).toBe(409);
      expect((await as(world, manager).delete(`/api/cases/${id}/team/${outsider.id}`)).statusCode).toBe(404);
      await as(world, manager).post(`/api/cases/${id}/team`, { userId: colleague.id, teamRole: 'lead' });
      const demoted = await as(world, manager).post(`/api/cases/${id}/team`, { userId: staff.id, teamRole: 'worker' });
      expect(demoted.statusCode).toBe(200);
      const change = (await auditRows(world)).filter((r) => r.action === 'case.team.manage' && r.resource_id === id).at(-1)!;
      expect(JSON.parse(change.detail)).toEqual({ changed: staff.id, teamRole: 'worker', previousRole: 'lead' });
    });

    it('3.4 need to know: the team is visible to whoever may see the case, and a 404 to anyone else', async () => {
      expect((await as(world, volunteer).get(`/api/cases/${caseA}/team`)).statusCode).toBe(200);
      expect((await as(world, outsider).get(`/api/cases/${caseA}/team`)).statusCode).toBe(404);
      const bad = await as(world, manager).delete(`/api/cases/${caseA}/team/nope`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('params.userId');
    });
  });
});
