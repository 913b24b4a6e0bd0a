import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/accounts/totp';
import { cliAddUser, cliResetPassword } from '../../src/cli/users';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { signedIn } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

// Governance of accounts (3.4 need to know, 3.5 responsibilities, 3.7 secure conditions, practice 3): a reset that
// could hand an account with client records to someone else is never silent, and roles that must stay with
// different people are never held by one account.

const NEED_TO_KNOW = '3.3, 3.4, 4.2';

describe.each(dialects())('account governance (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let guardian: TestUser;
  let staff: TestUser;
  let leaver: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    admin = await makeUser(world, ['administrator'], { username: 'gov.admin' });
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    otherManager = await makeUser(world, ['manager'], { email: 'other.manager@example.org' });
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    leaver = await makeUser(world, ['manager']);
    await world.services.db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', leaver.id).execute();
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Byron' });
  });
  afterAll(async () => {
    await as(world, admin).put('/api/policy/rules/agreement%2Fnot-accepted/mode', { mode: 'enforce' });
    await world.close();
  });

  const db = () => world.services.db.kysely;
  const notes = (kind: string) => db().selectFrom('notifications').select(['user_id', 'subject', 'body', 'resource_type', 'resource_id']).where('kind', '=', kind).execute();
  const userCount = async () => (await db().selectFrom('users').select('id').execute()).length;

  describe('resetting an account with access to client records', () => {
    it("3.7 secure conditions, 3.5 responsibilities: an administrator's reset of a manager tells every other active manager, the guardian and the manager — who, whose, when, never the password — and the account must choose a password and accept the policy again before seeing client records", async () => {
      const { secret } = (await as(world, manager).post('/api/auth/totp/enrol')).json();
      await as(world, manager).post('/api/auth/totp/confirm', { code: totpCode(secret, world.clock.now()) });

      const res = await as(world, admin).post(`/api/users/${manager.id}/reset-password`, { clearSecondFactor: true });
      expect(res.statusCode).toBe(200);
      const { oneTimePassword, told } = res.json();
      expect(told).toEqual({ roles: ['manager', 'guardian'], people: 2, accountHolder: true });

      const sent = await notes('account-reset');
      expect(sent.map((n) => n.user_id).sort()).toEqual([manager.id, otherManager.id, guardian.id].sort());
      for (const n of sent) {
        expect(n).toMatchObject({ resource_type: 'user', resource_id: manager.id });
        expect(n.body).toContain('gov.admin');
        expect(n.body).toContain(manager.username);
        expect(n.body).toContain(world.clock.now().toISOString());
        expect(n.body).toContain('removed its second factor');
        expect(n.body).not.toContain(oneTimePassword);
        expect(n.subject).not.toContain(manager.username);
      }
      const outbox = await db().selectFrom('email_outbox').select(['to_address', 'body_text']).execute();
      expect(outbox.map((e) => e.to_address).sort()).toEqual(['manager@example.org', 'other.manager@example.org']);
      for (const e of outbox) expect(e.body_text).not.toContain(manager.username);

      const audit = await auditRows(world);
      const reset = audit.find((r) => r.action === 'user.reset-password' && r.resource_id === manager.id)!;
      expect(reset).toMatchObject({ actor_id: admin.id, decision: 'change', rule_id: 'accounts/administer', clause: '3.7' });
      expect(JSON.parse(reset.detail)).toEqual({ fields: ['password', 'totp'], sessionsRevoked: 1, tokensRevoked: 0, secondFactorCleared: true, policyToAcceptAgain: true });
      const sentEntry = audit.find((r) => r.action === 'notification.send' && r.resource_id === manager.id)!;
      expect(sentEntry).toMatchObject({ actor_id: admin.id, decision: 'change', rule_id: 'accounts/administer', clause: '3.7', resource_type: 'user' });
      expect(JSON.parse(sentEntry.detail)).toMatchObject({ kind: 'account-reset', emailed: 2 });
      expect(JSON.parse(sentEntry.detail).recipients.sort()).toEqual([manager.id, otherManager.id, guardian.id].sort());
      expect(JSON.stringify(audit)).not.toContain(oneTimePassword);

      // Whoever holds the one-time password must choose a password, then accept the policy in their own name.
      const s = await signedIn(world, manager.username, oneTimePassword);
      expect((await as(world, s).get(`/api/people/${personId}`)).json().code).toBe('password-change-required');
      expect((await as(world, s).post('/api/auth/password', { currentPassword: oneTimePassword, newPassword: 'a brand new passphrase 9' })).statusCode).toBe(200);
      const gated = await as(world, s).get(`/api/people/${personId}`);
      expect(gated.statusCode).toBe(403);
      expect(gated.json().rule).toBe('agreement/not-accepted');
      const version = (await as(world, s).get('/api/policy/current')).json().version;
      expect((await as(world, s).post('/api/policy/accept', { version })).statusCode).toBe(200);
      expect((await as(world, s).get(`/api/people/${personId}`)).statusCode).toBe(200);
    });

    it('3.7 secure conditions: the console\'s reset of the guardian tells the managers too, naming the console; a reset of an administrator-only account tells no manager or guardian', async () => {
      const before = (await notes('account-reset')).length;
      const out = await cliResetPassword(world.services, guardian.username);
      expect(out).toMatch(/Told in the app: 2 other \(manager\) and the account holder\./);
      const sent = (await notes('account-reset')).slice(before);
      expect(sent.map((n) => n.user_id).sort()).toEqual([manager.id, otherManager.id, guardian.id].sort());
      expect(sent[0].body).toContain("Confide's console");
      const entry = (await auditRows(world)).filter((r) => r.action === 'notification.send' && r.resource_id === guardian.id).at(-1)!;
      expect(entry).toMatchObject({ actor_id: 'system', rule_id: 'accounts/administer', clause: '3.7' });

      const otherAdmin = await makeUser(world, ['administrator']);
      const res = await as(world, admin).post(`/api/users/${otherAdmin.id}/reset-password`, {});
      expect(res.statusCode).toBe(200);
      expect(res.json().told).toEqual({ roles: [], people: 0, accountHolder: false });
      expect((await notes('account-reset')).filter((n) => n.resource_id === otherAdmin.id)).toEqual([]);
      expect((await auditRows(world)).filter((r) => r.action === 'notification.send' && r.resource_id === otherAdmin.id)).toEqual([]);
    });

    it('3.7 secure conditions: a reset refused (someone resetting themselves, or staff trying) tells nobody and keeps the policy acceptance', async () => {
      const before = (await notes('account-reset')).length;
      expect((await as(world, staff).post(`/api/users/${otherManager.id}/reset-password`, {})).statusCode).toBe(403);
      expect((await as(world, admin).post(`/api/users/${admin.id}/reset-password`, {})).statusCode).toBe(403);
      expect((await notes('account-reset')).length).toBe(before);
      expect(await db().selectFrom('policy_acceptances').select('user_id').where('user_id', '=', otherManager.id).executeTakeFirst()).toBeDefined();
      const denial = (await auditRows(world)).filter((r) => r.action === 'user.reset-password' && r.decision === 'deny').at(-1)!;
      expect(denial).toMatchObject({ actor_id: admin.id, rule_id: 'accounts/not-yourself', clause: '3.7' });
    });
  });

  describe('roles one account may not hold (accounts/separate-roles)', () => {
    const refusedSets: [string, string[], RegExp][] = [
      ['administrator with manager', ['administrator', 'manager'], /administrator sees no client records/],
      ['administrator with staff', ['administrator', 'staff'], /administrator sees no client records/],
      ['manager with guardian', ['manager', 'guardian'], /guardian reviews/],
      ['volunteer with safeguarding lead', ['volunteer', 'safeguarding_lead'], /third party under practice 3/],
      ['student with safeguarding lead', ['safeguarding_lead', 'student'], /third party under practice 3/],
    ];

    it.each(refusedSets)('3.4 need-to-know, practice 3: creating one account as %s is refused (400 naming body.roles, audited as a deny, nothing written)', async (_label, roles, reason) => {
      const before = await userCount();
      const username = `combo.${roles.join('.').replace(/_/g, '-')}`;
      const res = await as(world, admin).post('/api/users', { username, displayName: 'Combined', roles });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.roles', message: expect.stringMatching(reason) }]);
      expect(res.json().detail).toMatch(reason);
      expect(await userCount()).toBe(before);
      const denial = (await auditRows(world)).filter((r) => r.action === 'user.create' && r.actor_id === admin.id).at(-1)!;
      expect(denial).toMatchObject({ decision: 'deny', rule_id: 'accounts/separate-roles', clause: NEED_TO_KNOW, resource_type: 'user', resource_id: null });
      expect(JSON.parse(denial.detail)).toEqual({ fields: ['roles'], roles: [...roles].sort(), reason: 'roles held apart' });
    });

    it('3.4 need-to-know: roles that may go together are created (staff with safeguarding lead, manager with safeguarding lead, staff with guardian, volunteer with staff)', async () => {
      for (const roles of [['staff', 'safeguarding_lead'], ['manager', 'safeguarding_lead'], ['staff', 'guardian'], ['staff', 'volunteer']]) {
        const res = await as(world, admin).post('/api/users', { username: `ok.${roles.join('.').replace(/_/g, '-')}`, displayName: 'Allowed', roles });
        expect(res.statusCode).toBe(201);
        const change = (await auditRows(world)).find((r) => r.action === 'user.create' && r.resource_id === res.json().user.id)!;
        expect(change).toMatchObject({ decision: 'change', rule_id: 'accounts/administer', clause: '3.7' });
      }
    });

    it('3.4 need-to-know, practice 3: changing roles to a refused set is refused too (400 body.roles, audited, nothing written); an allowed change goes through', async () => {
      const volunteer = await makeUser(world, ['volunteer']);
      const etag = (await as(world, admin).get(`/api/users/${volunteer.id}`)).headers.etag as string;
      const res = await as(world, admin).patch(`/api/users/${volunteer.id}`, { roles: ['volunteer', 'safeguarding_lead'], displayName: 'Renamed' }, { 'if-match': etag });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('body.roles');
      const after = (await as(world, admin).get(`/api/users/${volunteer.id}`)).json();
      expect(after).toMatchObject({ roles: ['volunteer'], displayName: volunteer.username, version: 1 });
      const denial = (await auditRows(world)).filter((r) => r.action === 'user.update' && r.resource_id === volunteer.id).at(-1)!;
      expect(denial).toMatchObject({ decision: 'deny', rule_id: 'accounts/separate-roles', clause: NEED_TO_KNOW });

      const managerEtag = (await as(world, admin).get(`/api/users/${otherManager.id}`)).headers.etag as string;
      const both = await as(world, admin).patch(`/api/users/${otherManager.id}`, { roles: ['manager', 'guardian'] }, { 'if-match': managerEtag });
      expect(both.statusCode).toBe(400);
      expect(both.json().errors[0]).toMatchObject({ path: 'body.roles', message: expect.stringMatching(/guardian/) });

      const fine = await as(world, admin).patch(`/api/users/${volunteer.id}`, { roles: ['staff', 'safeguarding_lead'] }, { 'if-match': etag });
      expect(fine.statusCode).toBe(200);
      expect(fine.json().roles).toEqual(['staff', 'safeguarding_lead']);
    });

    it('3.4 need-to-know: the console refuses the same combinations, naming roles', async () => {
      const before = await userCount();
      await expect(cliAddUser(world.services, 'cli.combo', { name: 'Combo', role: ['administrator', 'manager'] })).rejects.toThrow(/administrator sees no client records/);
      expect(await userCount()).toBe(before);
    });
  });

  describe('switching a rule between enforce and warn-only', () => {
    const mode = (user: TestUser, ruleId: string, m: string) => as(world, user).put(`/api/policy/rules/${encodeURIComponent(ruleId)}/mode`, { mode: m });

    it('3.5 staff-awareness, 3.7 secure conditions: switching the acceptance gate to warn tells every active manager and the guardian what changed and by whom (audited); switching it back tells them again', async () => {
      const res = await mode(admin, 'agreement/not-accepted', 'warn');
      expect(res.statusCode).toBe(200);
      const sent = await notes('rule-mode');
      const recipients = (await db().selectFrom('users').innerJoin('user_roles', 'user_roles.user_id', 'users.id').select('users.id').where('users.active', '=', 1).where('user_roles.role', 'in', ['manager', 'guardian']).execute()).map((r) => r.id);
      expect(sent.map((n) => n.user_id).sort()).toEqual([...new Set(recipients)].sort());
      expect(sent.map((n) => n.user_id)).not.toContain(leaver.id);
      expect(sent.map((n) => n.user_id)).not.toContain(staff.id);
      expect(sent[0]).toMatchObject({ resource_type: 'rule', resource_id: 'agreement/not-accepted' });
      expect(sent[0].body).toMatch(/gov\.admin.*switched rule agreement\/not-accepted \(clause 3\.5, practice 3\) from enforced to warn only/);

      const audit = await auditRows(world);
      const change = audit.filter((r) => r.action === 'policy.load' && r.resource_id === 'agreement/not-accepted' && r.decision === 'change').at(-1)!;
      expect(change).toMatchObject({ actor_id: admin.id, rule_id: 'agreement/not-accepted', clause: '3.5, practice 3' });
      expect(JSON.parse(change.detail)).toEqual({ mode: 'warn', previous: 'enforce' });
      const told = audit.filter((r) => r.action === 'notification.send' && r.resource_id === 'agreement/not-accepted').at(-1)!;
      expect(told).toMatchObject({ actor_id: admin.id, decision: 'change', rule_id: 'agreement/not-accepted', clause: '3.5, practice 3', resource_type: 'rule' });

      expect((await mode(admin, 'agreement/not-accepted', 'enforce')).statusCode).toBe(200);
      const back = (await notes('rule-mode')).slice(sent.length);
      expect(back).toHaveLength(sent.length);
      expect(back[0].body).toMatch(/from warn only .* to enforced/);
    });

    it('3.5 staff-awareness: a repeat of the mode in force, a safety rule refused (409) and a non-administrator refused (403) tell nobody', async () => {
      const before = (await notes('rule-mode')).length;
      expect((await mode(admin, 'agreement/not-accepted', 'enforce')).statusCode).toBe(200);
      expect((await mode(admin, 'session/staff-team-only', 'warn')).statusCode).toBe(409);
      expect((await mode(otherManager, 'agreement/not-accepted', 'warn')).statusCode).toBe(403);
      expect((await notes('rule-mode')).length).toBe(before);
      const repeat = (await auditRows(world)).filter((r) => r.action === 'policy.load' && r.resource_id === 'agreement/not-accepted' && r.decision === 'change').at(-1)!;
      expect(JSON.parse(repeat.detail)).toEqual({ mode: 'enforce', previous: 'enforce' });
    });
  });
});
