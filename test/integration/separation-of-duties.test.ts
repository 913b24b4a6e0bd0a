import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, casePurpose, auditRows, makeCase, makeNote, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Separation of duties (3.4 need to know): nobody widens their own need to know. An administrator does not change
// their own roles (rule accounts/no-self-role-change) and a manager does not put themselves on a case or organisation
// team (rule records/no-self-assignment) — either would get round "access you ask for is decided by another manager"
// (grant/no-self-approval). Another administrator or manager still may.

const NEED_TO_KNOW = '3.3, 3.4, 4.2';
const SESSION = 'talked about drumming and home';
const COMMERCIAL = 'grant renewal at risk; budget cut 20%';

describe.each(dialects())('separation of duties: nobody assigns their own roles or need to know (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let otherAdmin: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let staff: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    [admin, otherAdmin, manager, otherManager, staff] = await Promise.all([
      // otherAdmin holds a combination no longer allowed (accounts/separate-roles), as an account made before that check
      // may: it shows that what nobody does to their own roles is decided before whether the roles go together.
      makeUser(world, ['administrator']), makeUser(world, ['administrator', 'staff']), makeUser(world, ['manager']), makeUser(world, ['manager']),
      makeUser(world, ['staff']),
    ]);
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Byron' });
  });
  afterAll(() => world.close());

  const db = () => world.services.db.kysely;
  const rolesOf = async (userId: string) => (await db().selectFrom('user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute()).map((r) => r.role);
  const lastAudit = async (filter: (r: Awaited<ReturnType<typeof auditRows>>[number]) => boolean) => (await auditRows(world)).filter(filter).at(-1);
  const caseTeam = async (caseId: string) => (await db().selectFrom('case_team').select(['user_id', 'team_role']).where('case_id', '=', caseId).execute()).map((r) => [r.user_id, r.team_role]).sort();
  const orgTeam = async (id: string) => (await db().selectFrom('organisation_team').select('user_id').where('organisation_id', '=', id).execute()).map((r) => r.user_id);
  const etagOf = async (by: TestUser, userId: string) => (await as(world, by).get(`/api/users/${userId}`)).headers.etag as string;

  describe('roles (accounts/no-self-role-change)', () => {
    it('3.4 need-to-know: an administrator cannot give themselves the manager role (403 naming the rule and clause, audited as a deny, nothing written)', async () => {
      const caseId = await makeCase(world, personId, { [staff.id]: 'lead' });
      const etag = await etagOf(admin, admin.id);
      const res = await as(world, admin).patch(`/api/users/${admin.id}`, { roles: ['administrator', 'manager'] }, { 'if-match': etag });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'accounts/no-self-role-change', clause: NEED_TO_KNOW, detail: expect.stringMatching(/another administrator/) });

      expect(await rolesOf(admin.id)).toEqual(['administrator']);
      expect(await etagOf(admin, admin.id)).toBe(etag);
      const denial = await lastAudit((r) => r.actor_id === admin.id && r.resource_id === admin.id);
      expect(denial).toMatchObject({ action: 'user.update', decision: 'deny', rule_id: 'accounts/no-self-role-change', clause: NEED_TO_KNOW, resource_type: 'user', resource_id: admin.id });
      expect(JSON.parse(denial!.detail)).toEqual({ fields: ['roles'], rolesAdded: ['manager'] });
      expect((await auditRows(world)).filter((r) => r.action === 'user.update' && r.resource_id === admin.id && r.decision === 'change')).toEqual([]);
      // Still no manager: client records stay out of reach.
      expect((await as(world, admin).get(`/api/cases/${caseId}`)).statusCode).toBe(404);
    });

    it('3.4 need-to-know: nobody removes a role from themselves either (403, audited); their own name they may still change', async () => {
      const etag = await etagOf(otherAdmin, otherAdmin.id);
      const drop = await as(world, otherAdmin).patch(`/api/users/${otherAdmin.id}`, { roles: ['administrator'], displayName: 'Dropped Staff' }, { 'if-match': etag });
      expect(drop.statusCode).toBe(403);
      expect(drop.json().rule).toBe('accounts/no-self-role-change');
      expect(await rolesOf(otherAdmin.id)).toEqual(['administrator', 'staff']);
      const user = await db().selectFrom('users').select(['display_name', 'version']).where('id', '=', otherAdmin.id).executeTakeFirstOrThrow();
      expect(user).toMatchObject({ display_name: otherAdmin.username, version: 1 });
      const denial = await lastAudit((r) => r.actor_id === otherAdmin.id && r.resource_id === otherAdmin.id);
      expect(denial).toMatchObject({ action: 'user.update', decision: 'deny', rule_id: 'accounts/no-self-role-change', clause: NEED_TO_KNOW, resource_type: 'user' });
      expect(JSON.parse(denial!.detail)).toEqual({ fields: ['roles'], rolesRemoved: ['staff'] });

      // The same roles again are no change of roles: the name changes, under the administrators' rule.
      const rename = await as(world, otherAdmin).patch(`/api/users/${otherAdmin.id}`, { roles: ['staff', 'administrator'], displayName: 'Second Admin' }, { 'if-match': etag });
      expect(rename.statusCode).toBe(200);
      expect(rename.json()).toMatchObject({ displayName: 'Second Admin', roles: ['administrator', 'staff'] });
      const change = await lastAudit((r) => r.actor_id === otherAdmin.id && r.resource_id === otherAdmin.id);
      expect(change).toMatchObject({ action: 'user.update', decision: 'change', rule_id: 'accounts/administer', clause: '3.7' });
      expect(JSON.parse(change!.detail)).toEqual({ fields: ['displayName', 'roles'], version: 2 });
    });

    it('3.4 need-to-know: another administrator may change their roles (200, audited as a change under accounts/administer)', async () => {
      // An administrator cannot also be a manager (accounts/separate-roles): becoming one means leaving administration.
      const someone = await makeUser(world, ['administrator']);
      const etag = await etagOf(admin, someone.id);
      const res = await as(world, admin).patch(`/api/users/${someone.id}`, { roles: ['manager'] }, { 'if-match': etag });
      expect(res.statusCode).toBe(200);
      expect(res.json().roles).toEqual(['manager']);
      expect(await rolesOf(someone.id)).toEqual(['manager']);
      const change = await lastAudit((r) => r.resource_id === someone.id && r.action === 'user.update');
      expect(change).toMatchObject({ actor_id: admin.id, decision: 'change', rule_id: 'accounts/administer', clause: '3.7', resource_type: 'user' });
      expect(JSON.parse(change!.detail)).toEqual({ fields: ['roles'], version: 2, rolesAdded: ['manager'], rolesRemoved: ['administrator'] });
    });
  });

  describe('case teams (records/no-self-assignment)', () => {
    it('3.4 need-to-know, practice 2: a manager cannot put themselves on a case team (403 naming the rule and clause, audited, nothing written), so its session notes stay closed', async () => {
      const caseId = await makeCase(world, personId, { [staff.id]: 'lead' });
      const noteId = await makeNote(world, caseId, staff.id, SESSION);
      const res = await as(world, manager).post(`/api/cases/${caseId}/team`, { userId: manager.id, teamRole: 'worker' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'records/no-self-assignment', clause: NEED_TO_KNOW, detail: expect.stringMatching(/another manager/) });

      expect(await caseTeam(caseId)).toEqual([[staff.id, 'lead']]);
      const denial = await lastAudit((r) => r.actor_id === manager.id && r.action === 'case.team.manage');
      expect(denial).toMatchObject({ decision: 'deny', rule_id: 'records/no-self-assignment', clause: NEED_TO_KNOW, resource_type: 'case', resource_id: caseId, subject_person_id: personId });
      expect(JSON.parse(denial!.detail)).toEqual({ added: manager.id });
      expect((await auditRows(world)).filter((r) => r.action === 'case.team.manage' && r.resource_id === caseId && r.decision === 'change' && r.actor_id === manager.id)).toEqual([]);
      const note = await as(world, manager).get(`/api/notes/${noteId}`);
      expect(note.json().data.body).toBeUndefined();
      expect(note.body).not.toContain(SESSION);
    });

    it('3.4 need-to-know: a manager on a team cannot change their own team role either (403, audited); taking themselves off is allowed', async () => {
      const caseId = await makeCase(world, personId, { [staff.id]: 'lead', [manager.id]: 'worker' });
      const res = await as(world, manager).post(`/api/cases/${caseId}/team`, { userId: manager.id, teamRole: 'lead' });
      expect(res.statusCode).toBe(403);
      expect(res.json().rule).toBe('records/no-self-assignment');
      expect(await caseTeam(caseId)).toEqual([[staff.id, 'lead'], [manager.id, 'worker']].sort());
      const denial = await lastAudit((r) => r.actor_id === manager.id && r.action === 'case.team.manage');
      expect(denial).toMatchObject({ decision: 'deny', rule_id: 'records/no-self-assignment', clause: NEED_TO_KNOW, resource_type: 'case', resource_id: caseId });

      const off = await as(world, manager).delete(`/api/cases/${caseId}/team/${manager.id}`);
      expect(off.statusCode).toBe(200);
      expect(await caseTeam(caseId)).toEqual([[staff.id, 'lead']]);
      const removed = await lastAudit((r) => r.actor_id === manager.id && r.action === 'case.team.manage');
      expect(removed).toMatchObject({ decision: 'change', rule_id: 'records/team-manage', clause: NEED_TO_KNOW, resource_type: 'case', resource_id: caseId });
      expect(JSON.parse(removed!.detail)).toEqual({ removed: manager.id, teamRole: 'worker' });
    });

    it('3.4 need-to-know, practice 2: another manager may put them on the case team (audited under records/team-manage), and then they read its session notes', async () => {
      const caseId = await makeCase(world, personId, { [staff.id]: 'lead' });
      const noteId = await makeNote(world, caseId, staff.id, SESSION);
      const res = await as(world, otherManager).post(`/api/cases/${caseId}/team`, { userId: manager.id, teamRole: 'worker' });
      expect(res.statusCode).toBe(200);
      expect(await caseTeam(caseId)).toEqual([[staff.id, 'lead'], [manager.id, 'worker']].sort());
      const change = await lastAudit((r) => r.action === 'case.team.manage' && r.resource_id === caseId);
      expect(change).toMatchObject({ actor_id: otherManager.id, decision: 'change', rule_id: 'records/team-manage', clause: NEED_TO_KNOW, resource_type: 'case' });
      expect(JSON.parse(change!.detail)).toEqual({ added: manager.id, teamRole: 'worker' });
      expect((await as(world, manager).get(`/api/notes/${noteId}`)).json().data.body).toBe(SESSION);
    });

    it('3.4 need-to-know: opening a case still makes the manager who opens it its lead worker (the case is theirs to work, not a team assignment)', async () => {
      const res = await as(world, manager).post('/api/cases', { personId, service: 'Band project', purposeId: await casePurpose(world) });
      expect(res.statusCode).toBe(201);
      const caseId = res.json().data.id as string;
      expect(await caseTeam(caseId)).toEqual([[manager.id, 'lead']]);
      const entries = (await auditRows(world)).filter((r) => r.resource_id === caseId);
      expect(entries.map((r) => [r.action, r.decision])).toEqual(expect.arrayContaining([['case.create', 'change'], ['case.team.manage', 'change']]));
      const joined = entries.find((r) => r.action === 'case.team.manage')!;
      expect(joined.rule_id).toBe(entries.find((r) => r.action === 'case.create')!.rule_id);
      expect(JSON.parse(joined.detail)).toEqual({ added: manager.id, teamRole: 'lead' });
      expect(entries.filter((r) => r.decision === 'deny')).toEqual([]);
    });
  });

  describe('organisation teams (records/no-self-assignment)', () => {
    it('1.4 commercial-sensitivity, 3.4 need-to-know: a manager cannot put themselves on an organisation\'s team (403, audited, nothing written), so its commercial notes stay closed', async () => {
      const orgId = await makeOrganisation(world, { name: 'Arts Trust', kind: 'funder', commercialNotes: COMMERCIAL });
      const res = await as(world, manager).post(`/api/organisations/${orgId}/team`, { userId: manager.id });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'records/no-self-assignment', clause: NEED_TO_KNOW });
      expect(await orgTeam(orgId)).toEqual([]);
      const denial = await lastAudit((r) => r.actor_id === manager.id && r.action === 'organisation.team.manage');
      expect(denial).toMatchObject({ decision: 'deny', rule_id: 'records/no-self-assignment', clause: NEED_TO_KNOW, resource_type: 'organisation', resource_id: orgId });
      expect(JSON.parse(denial!.detail)).toEqual({ added: manager.id });
      const org = await as(world, manager).get(`/api/organisations/${orgId}`);
      expect(org.json().restricted.map((r: { field: string }) => r.field)).toContain('commercialNotes');
      expect(org.body).not.toContain(COMMERCIAL);
    });

    it('1.4 commercial-sensitivity, 3.4 need-to-know: another manager may put them on the team (audited under records/team-manage), and then they see its commercial notes', async () => {
      const orgId = await makeOrganisation(world, { name: 'City Funder', kind: 'funder', commercialNotes: COMMERCIAL });
      const res = await as(world, otherManager).post(`/api/organisations/${orgId}/team`, { userId: manager.id });
      expect(res.statusCode).toBe(200);
      expect(await orgTeam(orgId)).toEqual([manager.id]);
      const change = await lastAudit((r) => r.action === 'organisation.team.manage' && r.resource_id === orgId);
      expect(change).toMatchObject({ actor_id: otherManager.id, decision: 'change', rule_id: 'records/team-manage', clause: NEED_TO_KNOW, resource_type: 'organisation' });
      expect(JSON.parse(change!.detail)).toEqual({ added: manager.id });
      expect((await as(world, manager).get(`/api/organisations/${orgId}`)).json().data.commercialNotes).toBe(COMMERCIAL);
    });

    it('1.4 commercial-sensitivity: recording an organisation still puts the manager who records it on its team', async () => {
      const res = await as(world, manager).post('/api/organisations', { name: 'Sound Hire Ltd', kind: 'business', commercialNotes: COMMERCIAL });
      expect(res.statusCode).toBe(201);
      const orgId = res.json().data.id as string;
      expect(await orgTeam(orgId)).toEqual([manager.id]);
      expect((await as(world, manager).get(`/api/organisations/${orgId}`)).json().data.commercialNotes).toBe(COMMERCIAL);
      const joined = await lastAudit((r) => r.action === 'organisation.team.manage' && r.resource_id === orgId);
      expect(joined).toMatchObject({ actor_id: manager.id, decision: 'change', rule_id: 'organisations/manage' });
      expect(JSON.parse(joined!.detail)).toEqual({ added: manager.id });
    });
  });
});
