import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, casePurpose, makeUser, type TestUser } from '../factories';
import { withToken } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const DAY = 86_400_000;
const person = (purposeId: string) => ({ kind: 'service_user', givenName: 'Token', familyName: 'Tester', openCase: { service: 'Music mentoring', purposeId } });

describe.each(dialects())('personal API tokens (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    other = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  const mint = async (user: TestUser, scopes: string[], expiresInDays = 30, name = 'script') => {
    const res = await as(world, user).post('/api/auth/tokens', { name, scopes, expiresInDays });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; token: string; scopes: string[]; expiresAt: string };
  };

  it('3.7 secure conditions: a token is shown once, stored only as a hash, and listed without its secret', async () => {
    const t = await mint(staff, ['read'], 30, 'nightly export');
    expect(t.token).toMatch(/^cfd_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(t.expiresAt).toBe(new Date(world.clock.now().getTime() + 30 * DAY).toISOString());
    const row = await world.services.db.kysely.selectFrom('api_tokens').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
    const secret = t.token.slice('cfd_'.length + 32 + 1);
    expect(secret).toHaveLength(43);
    expect(row.token_hash).not.toContain(secret);
    const list = await as(world, staff).get('/api/auth/tokens');
    expect(list.statusCode).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === t.id);
    expect(item).toMatchObject({ name: 'nightly export', scopes: ['read'], status: 'active' });
    expect(JSON.stringify(list.json())).not.toContain(t.token);
    expect(JSON.stringify(await auditRows(world))).not.toContain(t.token);
  });

  it('3.7 secure conditions: a read-only token can read but every write is refused (403)', async () => {
    const t = await mint(staff, ['read']);
    const client = withToken(world, t.token);
    const me = await client.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: staff.id }, authenticatedBy: 'token', csrfToken: null });
    expect((await client.get('/api/people')).statusCode).toBe(200);
    const write = await client.post('/api/people', person(await casePurpose(world)));
    expect(write.statusCode).toBe(403);
    expect(write.json().detail).toMatch(/read-only/);
  });

  it('3.7 secure conditions: a read-and-write token may write without a CSRF token (no cookie involved)', async () => {
    const t = await mint(staff, ['read', 'write']);
    expect((await withToken(world, t.token).post('/api/people', person(await casePurpose(world)))).statusCode).toBe(201);
  });

  it('3.7 secure conditions: a revoked token answers 401 at once', async () => {
    const t = await mint(staff, ['read']);
    expect((await withToken(world, t.token).get('/api/auth/me')).statusCode).toBe(200);
    expect((await as(world, staff).delete(`/api/auth/tokens/${t.id}`)).statusCode).toBe(204);
    expect((await withToken(world, t.token).get('/api/auth/me')).statusCode).toBe(401);
    const listed = (await as(world, staff).get('/api/auth/tokens')).json().items.find((i: { id: string }) => i.id === t.id);
    expect(listed.status).toBe('revoked');
  });

  it('3.7 secure conditions: a token that is tampered with or unknown answers 401', async () => {
    const t = await mint(staff, ['read']);
    const tampered = `${t.token.slice(0, -1)}${t.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await withToken(world, tampered).get('/api/auth/me')).statusCode).toBe(401);
    expect((await withToken(world, 'cfd_nonsense').get('/api/auth/me')).statusCode).toBe(401);
  });

  it("3.4 need to know: someone else's token cannot be revoked or even seen (404, same as missing)", async () => {
    const t = await mint(staff, ['read']);
    const theirs = await as(world, other).delete(`/api/auth/tokens/${t.id}`);
    const missing = await as(world, other).delete('/api/auth/tokens/01900000-0000-7000-8000-000000000000');
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().detail).toBe(missing.json().detail);
    expect((await as(world, other).get('/api/auth/tokens')).json().items.map((i: { id: string }) => i.id)).not.toContain(t.id);
    expect((await withToken(world, t.token).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('3.7 secure conditions: scopes and lifetime are validated; a token cannot mint another token', async () => {
    for (const body of [
      { name: 'x', scopes: ['write'], expiresInDays: 5 },
      { name: 'x', scopes: ['read'], expiresInDays: 0 },
      { name: 'x', scopes: ['read'], expiresInDays: 366 },
      { name: 'x', scopes: ['read'], expiresInDays: 5, userId: other.id },
    ]) {
      const res = await as(world, staff).post('/api/auth/tokens', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toMatch(/^body/);
    }
    const t = await mint(staff, ['read', 'write']);
    const res = await withToken(world, t.token).post('/api/auth/tokens', { name: 'child', scopes: ['read'], expiresInDays: 1 });
    expect(res.statusCode).toBe(403);
  });

  it('3.7 secure conditions: no token is made while the password is a one-time one — a token made with it would outlive it; refused (403, audited), none stored; once changed, one may be made', async () => {
    const user = await makeUser(world, ['staff']);
    await world.services.db.kysely.updateTable('users').set({ must_change_password: 1 }).where('id', '=', user.id).execute();
    const res = await as(world, user).post('/api/auth/tokens', { name: 'early', scopes: ['read', 'write'], expiresInDays: 365 });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ code: 'password-change-required' });
    const stored = await world.services.db.kysely.selectFrom('api_tokens').select('id').where('user_id', '=', user.id).execute();
    expect(stored).toEqual([]);
    const refusal = (await auditRows(world)).filter((r) => r.actor_id === user.id).at(-1)!;
    expect([refusal.action, refusal.decision, refusal.rule_id]).toEqual(['account.token.create', 'deny', 'accounts/password-change-required']);
    await world.services.db.kysely.updateTable('users').set({ must_change_password: 0 }).where('id', '=', user.id).execute();
    expect((await as(world, user).post('/api/auth/tokens', { name: 'later', scopes: ['read'], expiresInDays: 1 })).statusCode).toBe(201);
  });

  it("3.7 secure conditions: a deactivated user's tokens stop working", async () => {
    const user = await makeUser(world, ['staff']);
    const t = await mint(user, ['read']);
    await world.services.db.kysely.updateTable('users').set({ active: 0 }).where('id', '=', user.id).execute();
    expect((await withToken(world, t.token).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('3.7 secure conditions: minting and revoking tokens is audited (scopes, never the secret)', async () => {
    const t = await mint(other, ['read']);
    await as(world, other).delete(`/api/auth/tokens/${t.id}`);
    const rows = (await auditRows(world)).filter((r) => r.resource_id === t.id);
    expect(rows.map((r) => [r.action, r.actor_id])).toEqual([['account.token.create', other.id], ['account.token.revoke', other.id]]);
    expect(JSON.parse(rows[0].detail)).toEqual({ scopes: ['read'], expiresInDays: 30 });
  });

  it('3.7 secure conditions: an expired token answers 401 (runs last: it moves the clock past every session)', async () => {
    const t = await mint(staff, ['read'], 1);
    world.clock.advance(DAY + 1000);
    expect((await withToken(world, t.token).get('/api/auth/me')).statusCode).toBe(401);
  });
});
