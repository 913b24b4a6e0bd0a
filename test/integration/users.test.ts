import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/accounts/totp';
import { cliAddUser, cliDeactivateUser, cliListUsers, cliResetPassword } from '../../src/cli/users';
import { as, auditRows, makeUser, PASSWORD, type TestUser } from '../factories';
import { signedIn, signInRequest, withToken } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('account administration (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let manager: TestUser;
  let staff: TestUser;

  beforeAll(async () => {
    world = await createWorld(dialect);
    admin = await makeUser(world, ['administrator']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  const create = async (body: Record<string, unknown>) => {
    const res = await as(world, admin).post('/api/users', body);
    expect(res.statusCode).toBe(201);
    return res.json() as { user: { id: string; username: string; version: number }; oneTimePassword: string };
  };

  it('3.7 secure conditions, 3.4 need-to-know: the last active administrator cannot be deactivated or lose the role (nor may they change their own roles)', async () => {
    const me = await as(world, admin).get(`/api/users/${admin.id}`);
    const demote = await as(world, admin).patch(`/api/users/${admin.id}`, { roles: ['staff'] }, { 'if-match': me.headers.etag as string });
    expect(demote.statusCode).toBe(403);
    expect(demote.json().rule).toBe('accounts/no-self-role-change');
    expect((await as(world, admin).get(`/api/users/${admin.id}`)).json().roles).toEqual(['administrator']);
    await expect(cliDeactivateUser(world.services, admin.username)).rejects.toThrow(/last active administrator/);
  });

  it('3.7 secure conditions: nobody can deactivate or reset themselves (403, audited)', async () => {
    const self = await as(world, admin).post(`/api/users/${admin.id}/deactivate`);
    expect(self.statusCode).toBe(403);
    const reset = await as(world, admin).post(`/api/users/${admin.id}/reset-password`, { clearSecondFactor: true });
    expect(reset.statusCode).toBe(403);
    const denials = (await auditRows(world)).filter((r) => r.actor_id === admin.id && r.decision === 'deny' && r.resource_id === admin.id && r.rule_id === 'accounts/not-yourself');
    expect(denials.map((r) => r.action)).toEqual(['user.deactivate', 'user.reset-password']);
  });

  it('3.5 responsibilities: an administrator creates an account whose one-time password must be changed at first sign-in', async () => {
    const res = await as(world, admin).post('/api/users', { username: 'new.worker', displayName: 'New Worker', email: 'new@example.org', roles: ['staff', 'volunteer'] });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(res.headers.location).toBe(`/api/users/${created.user.id}`);
    expect(created.user).toMatchObject({ username: 'new.worker', displayName: 'New Worker', roles: ['staff', 'volunteer'], active: true, mustChangePassword: true, version: 1 });
    expect(created.oneTimePassword).toMatch(/^[A-Za-z2-9]{20}$/);

    const s = await signedIn(world, 'new.worker', created.oneTimePassword);
    expect((s.body.user as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    expect((await as(world, s).get('/api/people')).json().code).toBe('password-change-required');
    const changed = await as(world, s).post('/api/auth/password', { currentPassword: created.oneTimePassword, newPassword: 'my own long passphrase 7' });
    expect(changed.statusCode).toBe(200);
    // 3.5: a new account reads and accepts the current policy before seeing confidential records.
    const gated = await as(world, s).get('/api/people');
    expect(gated.statusCode).toBe(403);
    expect(gated.json().rule).toBe('agreement/not-accepted');
    const current = (await as(world, s).get('/api/policy/current')).json();
    expect((await as(world, s).post('/api/policy/accept', { version: current.version })).statusCode).toBe(200);
    expect((await as(world, s).get('/api/people')).statusCode).toBe(200);

    const audit = (await auditRows(world)).find((r) => r.action === 'user.create' && r.resource_id === created.user.id)!;
    expect(audit).toMatchObject({ actor_id: admin.id, decision: 'change', clause: '3.7' });
    expect(JSON.parse(audit.detail)).toEqual({ fields: ['username', 'displayName', 'email', 'roles', 'password'], roles: ['staff', 'volunteer'], oneTimePassword: true });
    expect(JSON.stringify(await auditRows(world))).not.toContain(created.oneTimePassword);
    expect(JSON.stringify(await auditRows(world))).not.toContain('new@example.org');
  });

  it('3.7 secure conditions: staff cannot list or manage accounts (403, audited)', async () => {
    for (const res of [
      await as(world, staff).get('/api/users'),
      await as(world, staff).post('/api/users', { username: 'sneaky', displayName: 'S', roles: ['administrator'] }),
      await as(world, staff).post(`/api/users/${manager.id}/deactivate`),
      await as(world, staff).post(`/api/users/${manager.id}/reset-password`),
    ]) {
      expect(res.statusCode).toBe(403);
    }
    const denials = (await auditRows(world)).filter((r) => r.actor_id === staff.id && r.decision === 'deny');
    expect(denials.length).toBeGreaterThanOrEqual(4);
    expect(await world.services.db.kysely.selectFrom('users').select('id').where('username', '=', 'sneaky').executeTakeFirst()).toBeUndefined();
  });

  it('3.4 need to know: managers list who works here (to assign case teams) but see no account security details and cannot manage', async () => {
    const list = await as(world, manager).get('/api/users');
    expect(list.statusCode).toBe(200);
    const item = list.json().items.find((u: { id: string }) => u.id === staff.id);
    expect(item).toEqual({ id: staff.id, username: staff.username, displayName: staff.username, roles: ['staff'], active: true });
    expect((await as(world, manager).post('/api/users', { username: 'mgr.made', displayName: 'M', roles: ['staff'] })).statusCode).toBe(403);
    expect((await as(world, manager).get(`/api/users/${staff.id}`)).statusCode).toBe(403);
    const full = (await as(world, admin).get('/api/users')).json().items.find((u: { id: string }) => u.id === staff.id);
    expect(full).toMatchObject({ email: null, totpEnabled: false, mustChangePassword: false, version: 1 });
  });

  it('bad input names the field: username pattern, unknown role, unknown field, duplicate username', async () => {
    const bad = await as(world, admin).post('/api/users', { username: 'No Spaces!', displayName: 'X', roles: ['wizard'], extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.roles.0', 'body.username']);
    const dup = await as(world, admin).post('/api/users', { username: staff.username, displayName: 'X', roles: ['staff'] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0].path).toBe('body.username');
  });

  it('3.7 secure conditions: the username "system" is the audit\'s name for Confide itself, so no account may take it', async () => {
    const before = (await auditRows(world)).length;
    const taken = await as(world, admin).post('/api/users', { username: 'system', displayName: 'Not Confide', roles: ['staff'] });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors).toEqual([{ path: 'body.username', message: 'reserved for Confide itself' }]);
    expect(await world.services.db.kysely.selectFrom('users').select('id').where('username', '=', 'system').executeTakeFirst()).toBeUndefined();
    expect((await auditRows(world)).length).toBe(before);
    await expect(cliAddUser(world.services, 'system', { name: 'Not Confide', role: ['staff'] })).rejects.toThrow(/username: reserved for Confide itself/);
    const similar = await create({ username: 'systems.lead', displayName: 'Systems Lead', roles: ['staff'] });
    expect(similar.user.username).toBe('systems.lead');
  });

  it('3.7 secure conditions: editing an account needs If-Match; a stale version gets 412; the audit names fields, not values', async () => {
    const { user } = await create({ username: 'edit.me', displayName: 'Edit Me', roles: ['volunteer'] });
    const missing = await as(world, admin).patch(`/api/users/${user.id}`, { displayName: 'Edited' });
    expect(missing.statusCode).toBe(428);
    const ok = await as(world, admin).patch(`/api/users/${user.id}`, { displayName: 'Edited Name', email: 'edited@example.org', roles: ['staff'] }, { 'if-match': '"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json()).toMatchObject({ displayName: 'Edited Name', email: 'edited@example.org', roles: ['staff'], version: 2 });
    const stale = await as(world, admin).patch(`/api/users/${user.id}`, { displayName: 'Lost' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    const audit = (await auditRows(world)).filter((r) => r.action === 'user.update' && r.resource_id === user.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail)).toEqual({ fields: ['displayName', 'email', 'roles'], version: 2, rolesAdded: ['staff'], rolesRemoved: ['volunteer'] });
    expect(audit[0].detail).not.toContain('edited@example.org');
  });

  it('3.7 secure conditions: a deactivated account cannot sign in and its sessions and tokens stop working at once', async () => {
    const { user, oneTimePassword } = await create({ username: 'leaver', displayName: 'Leaver', roles: ['staff'] });
    const s = await signedIn(world, 'leaver', oneTimePassword);
    await as(world, s).post('/api/auth/password', { currentPassword: oneTimePassword, newPassword: 'leaving soon passphrase 3' });
    const token = (await as(world, s).post('/api/auth/tokens', { name: 'cli', scopes: ['read'], expiresInDays: 10 })).json().token;
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(200);

    const res = await as(world, admin).post(`/api/users/${user.id}/deactivate`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ active: false, deactivatedAt: world.clock.now().toISOString() });
    expect((await as(world, s).get('/api/auth/me')).statusCode).toBe(401);
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(401);
    const again = await signInRequest(world, { username: 'leaver', password: 'leaving soon passphrase 3' });
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toBe('Invalid username, password or code.');
    expect((await as(world, admin).post(`/api/users/${user.id}/deactivate`)).statusCode).toBe(409);

    const kept = await world.services.db.kysely.selectFrom('users').select(['id', 'active']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(kept.active).toBe(0);
    const audit = (await auditRows(world)).find((r) => r.action === 'user.deactivate' && r.resource_id === user.id)!;
    expect(JSON.parse(audit.detail)).toEqual({ fields: ['active'], sessionsRevoked: 1, tokensRevoked: 1 });
    expect((await as(world, manager).get('/api/users')).json().items.map((u: { id: string }) => u.id)).not.toContain(user.id);
    expect((await as(world, admin).get('/api/users?includeInactive=true')).json().items.map((u: { id: string }) => u.id)).toContain(user.id);
  });

  it("3.7 secure conditions: an administrator's reset gives a new one-time password, revokes sessions and can clear a manager's second factor", async () => {
    const lead = await makeUser(world, ['manager']);
    const { secret } = (await as(world, lead).post('/api/auth/totp/enrol')).json();
    await as(world, lead).post('/api/auth/totp/confirm', { code: totpCode(secret, world.clock.now()) });

    const res = await as(world, admin).post(`/api/users/${lead.id}/reset-password`, { clearSecondFactor: true });
    expect(res.statusCode).toBe(200);
    const { oneTimePassword, user } = res.json();
    expect(user).toMatchObject({ mustChangePassword: true, totpEnabled: false });
    expect((await as(world, lead).get('/api/auth/me')).statusCode).toBe(401);
    expect((await signInRequest(world, { username: lead.username, password: PASSWORD })).statusCode).toBe(401);
    const fresh = await signInRequest(world, { username: lead.username, password: oneTimePassword });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().user).toMatchObject({ mustChangePassword: true, totpEnabled: false });
    const audit = (await auditRows(world)).find((r) => r.action === 'user.reset-password' && r.resource_id === lead.id)!;
    expect(JSON.parse(audit.detail)).toEqual({ fields: ['password', 'totp'], sessionsRevoked: 1, tokensRevoked: 0, secondFactorCleared: true, policyToAcceptAgain: true });
    expect(audit.detail).not.toContain(oneTimePassword);
  });

  it("3.7 secure conditions: a reset keeps the account's API tokens unless the administrator revokes them too, for an account that may have been misused", async () => {
    const { user, oneTimePassword } = await create({ username: 'misused', displayName: 'Misused', roles: ['staff'] });
    const s = await signedIn(world, 'misused', oneTimePassword);
    await as(world, s).post('/api/auth/password', { currentPassword: oneTimePassword, newPassword: 'a long passphrase to keep 7' });
    const token = (await as(world, s).post('/api/auth/tokens', { name: 'script', scopes: ['read'], expiresInDays: 10 })).json().token as string;
    const detailOf = async () => JSON.parse((await auditRows(world)).filter((r) => r.action === 'user.reset-password' && r.resource_id === user.id).at(-1)!.detail);

    expect((await as(world, admin).post(`/api/users/${user.id}/reset-password`, {})).statusCode).toBe(200);
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(200); // a forgotten password: the script still runs
    expect(await detailOf()).toEqual({ fields: ['password'], sessionsRevoked: 1, tokensRevoked: 0, secondFactorCleared: false, policyToAcceptAgain: true });

    const wrong = await as(world, admin).post(`/api/users/${user.id}/reset-password`, { revokeApiTokens: 'yes' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([expect.objectContaining({ path: 'body.revokeApiTokens' })]);
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(200); // nothing half-done

    const res = await as(world, admin).post(`/api/users/${user.id}/reset-password`, { revokeApiTokens: true });
    expect(res.statusCode).toBe(200);
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(401);
    expect(await detailOf()).toEqual({ fields: ['password'], sessionsRevoked: 0, tokensRevoked: 1, secondFactorCleared: false, policyToAcceptAgain: true });
    expect(await cliResetPassword(world.services, 'misused', { revokeApiTokens: true })).toMatch(/Their API tokens are revoked\./);
    expect(await detailOf()).toMatchObject({ tokensRevoked: 0 });
  });

  it('3.7 secure conditions: the CLI adds, lists, resets and deactivates accounts as the system, audited under the system actor', async () => {
    const added = await cliAddUser(world.services, 'cli.user', { name: 'Cli User', role: ['staff', 'guardian'] });
    const otp = /one-time password: (\S+)/.exec(added)![1];
    expect((await signInRequest(world, { username: 'cli.user', password: otp })).statusCode).toBe(200);
    await expect(cliAddUser(world.services, 'Bad Name', { name: 'x', role: ['staff'] })).rejects.toThrow(/username/);
    await expect(cliAddUser(world.services, 'no.role', { name: 'x', role: [] })).rejects.toThrow(/roles/);
    expect(await cliListUsers(world.services, false)).toMatch(/cli\.user\tCli User\tguardian,staff\tactive/);
    const reset = await cliResetPassword(world.services, 'cli.user');
    const otp2 = /password for cli\.user: (\S+)/.exec(reset)![1];
    expect((await signInRequest(world, { username: 'cli.user', password: otp })).statusCode).toBe(401);
    expect((await signInRequest(world, { username: 'cli.user', password: otp2 })).statusCode).toBe(200);
    expect(await cliDeactivateUser(world.services, 'cli.user')).toMatch(/deactivated cli\.user/);
    await expect(cliDeactivateUser(world.services, 'nobody.at.all')).rejects.toThrow(/No user/);
    const rows = (await auditRows(world)).filter((r) => ['user.create', 'user.reset-password', 'user.deactivate'].includes(r.action) && r.actor_id === 'system' && r.detail.includes('"fields"'));
    expect(rows.slice(-3).map((r) => r.action)).toEqual(['user.create', 'user.reset-password', 'user.deactivate']);
    expect(JSON.stringify(rows)).not.toContain(otp2);
  });
});
