import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/accounts/totp';
import { cookieIsSecure } from '../../src/http/auth/cookies';
import { as, auditRows, makeUser, PASSWORD, type TestUser } from '../factories';
import { freshAddress, sessionCookie, signedIn, signInRequest } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const MINUTE = 60_000;
const GENERIC = 'Invalid username, password or code.';

describe.each(dialects())('sign-in and sessions (%s)', (dialect) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  const db = () => world.services.db.kysely;
  const problemShape = (body: Record<string, unknown>) => ({ ...body, instance: undefined });

  it('3.7 secure conditions: sign-in sets an HttpOnly, SameSite=Strict, Path=/ session cookie (not Secure over plain http on auto)', async () => {
    const user = await makeUser(world, ['staff']);
    const res = await signInRequest(world, { username: user.username, password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({ id: user.id, username: user.username, displayName: user.username, roles: ['staff'], mustChangePassword: false, totpEnabled: false });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.maxAge).toBeUndefined();
    const me = await as(world, { id: user.id, username: user.username, cookie: cookie.value, csrf: body.csrfToken }).get('/api/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: user.id, roles: ['staff'] }, csrfToken: body.csrfToken, policyAccepted: true, authenticatedBy: 'session' });
  });

  it('3.7 secure conditions: the cookie is Secure when SECURE_COOKIES=1, or on auto when the request came over TLS', () => {
    const cfg = world.config;
    const http = { protocol: 'http' } as never;
    const https = { protocol: 'https' } as never;
    expect(cookieIsSecure(http, { ...cfg, secureCookies: true })).toBe(true);
    expect(cookieIsSecure(https, { ...cfg, secureCookies: 'auto' })).toBe(true);
    expect(cookieIsSecure(http, { ...cfg, secureCookies: 'auto' })).toBe(false);
    expect(cookieIsSecure(https, { ...cfg, secureCookies: false })).toBe(false);
  });

  it('3.7 secure conditions: unknown usernames and wrong passwords get the same answer (no account enumeration)', async () => {
    const user = await makeUser(world, ['staff']);
    const wrong = await signInRequest(world, { username: user.username, password: 'not the password at all' });
    const unknown = await signInRequest(world, { username: 'nobody-here', password: 'not the password at all' });
    const deactivated = await makeUser(world, ['staff']);
    await db().updateTable('users').set({ active: 0 }).where('id', '=', deactivated.id).execute();
    const inactive = await signInRequest(world, { username: deactivated.username, password: PASSWORD });
    for (const res of [wrong, unknown, inactive]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().detail).toBe(GENERIC);
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(problemShape(wrong.json())).toEqual(problemShape(unknown.json()));
    expect(problemShape(inactive.json())).toEqual(problemShape(unknown.json()));
  });

  it('3.7 secure conditions: sign-ins are audited without the password or the username typed for an unknown account', async () => {
    const user = await makeUser(world, ['staff']);
    await signInRequest(world, { username: 'typo-secret-username', password: 'Hunter2-typed-password' });
    await signInRequest(world, { username: user.username, password: 'Another-wrong-one' });
    await signInRequest(world, { username: user.username, password: PASSWORD });
    const rows = (await auditRows(world)).filter((r) => r.action === 'account.sign-in');
    const text = JSON.stringify(rows);
    expect(text).not.toContain('typo-secret-username');
    expect(text).not.toContain('Hunter2');
    expect(text).not.toContain('Another-wrong-one');
    expect(text).not.toContain(PASSWORD);
    const unknown = rows.find((r) => JSON.parse(r.detail).outcome === 'unknown-account')!;
    expect(unknown).toMatchObject({ actor_id: 'system', resource_id: null, decision: 'deny', clause: '3.7' });
    const mine = rows.filter((r) => r.actor_id === user.id).map((r) => [r.decision, JSON.parse(r.detail).outcome ?? JSON.parse(r.detail).method]);
    expect(mine).toEqual([['deny', 'bad-password'], ['allow', 'password']]);
  });

  it('3.7 secure conditions: five failures lock the account for 15 minutes, then it unlocks; a second run locks for 30', async () => {
    const user = await makeUser(world, ['staff']);
    const ip = freshAddress();
    const attempt = (password: string) => signInRequest(world, { username: user.username, password }, { ip });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password!')).statusCode).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().detail).toBe(GENERIC);
    world.clock.advance(15 * MINUTE + 1000);
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password!')).statusCode).toBe(401);
    world.clock.advance(16 * MINUTE);
    expect((await attempt(PASSWORD)).statusCode).toBe(401);
    world.clock.advance(15 * MINUTE);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    const row = await db().selectFrom('users').select(['failed_sign_ins', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_sign_ins: 0, locked_until: null });
  });

  it('3.7 secure conditions: 20 failures from one address answer 429 with Retry-After; other addresses are unaffected', async () => {
    const user = await makeUser(world, ['staff']);
    const ip = freshAddress();
    for (let i = 0; i < 20; i++) {
      expect((await signInRequest(world, { username: `ghost${i}`, password: 'guess guess guess' }, { ip })).statusCode).toBe(401);
    }
    const blocked = await signInRequest(world, { username: user.username, password: PASSWORD }, { ip });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(sessionCookie(blocked)).toBeUndefined();
    expect((await signInRequest(world, { username: user.username, password: PASSWORD }, { ip: freshAddress() })).statusCode).toBe(200);
    world.clock.advance(15 * MINUTE + 1000);
    expect((await signInRequest(world, { username: user.username, password: PASSWORD }, { ip })).statusCode).toBe(200);
  });

  it('3.7 secure conditions: login CSRF — JSON only, and a cross-site Origin is refused', async () => {
    const user = await makeUser(world, ['staff']);
    const body = { username: user.username, password: PASSWORD };
    const cross = await signInRequest(world, body, { headers: { origin: 'https://evil.example' } });
    expect(cross.statusCode).toBe(403);
    const fetchSite = await signInRequest(world, body, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(fetchSite.statusCode).toBe(403);
    const same = await signInRequest(world, body, { headers: { origin: 'http://localhost:80', host: 'localhost:80' } });
    expect(same.statusCode).toBe(200);
    const form = await world.app.inject({
      method: 'POST', url: '/api/auth/sign-in', remoteAddress: freshAddress(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=${user.username}&password=x`,
    });
    expect(form.statusCode).toBe(415);
    const plain = await world.app.inject({
      method: 'POST', url: '/api/auth/sign-in', remoteAddress: freshAddress(), headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(body),
    });
    expect(plain.statusCode).toBe(415);
  });

  it('3.7 secure conditions: cookie-authenticated writes need the CSRF token (missing or wrong → 403)', async () => {
    const user = await makeUser(world, ['staff']);
    const missing = await world.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: `confide_session=${user.cookie}` } });
    expect(missing.statusCode).toBe(403);
    const wrong = await as(world, { ...user, csrf: 'not-the-token' }).post('/api/auth/sign-out');
    expect(wrong.statusCode).toBe(403);
    expect((await as(world, user).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('3.7 secure conditions: sign-out revokes the session and clears the cookie; the old cookie then gets 401', async () => {
    const user = await makeUser(world, ['staff']);
    const s = await signedIn(world, user.username, PASSWORD);
    const out = await as(world, s).post('/api/auth/sign-out');
    expect(out.statusCode).toBe(204);
    const cleared = sessionCookie(out)!;
    expect(cleared.value).toBe('');
    expect(cleared).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect((await as(world, s).get('/api/auth/me')).statusCode).toBe(401);
    expect((await as(world, user).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('3.7 secure conditions: signing in again replaces the session the browser presented (no session fixation)', async () => {
    const user = await makeUser(world, ['staff']);
    const res = await signInRequest(world, { username: user.username, password: PASSWORD }, { headers: { cookie: `confide_session=${user.cookie}` } });
    expect(res.statusCode).toBe(200);
    expect(sessionCookie(res)!.value).not.toBe(user.cookie);
    expect((await as(world, user).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('3.7 secure conditions: a one-time password must be changed before anything else; the change revokes other sessions', async () => {
    const user = await makeUser(world, ['staff']);
    await db().updateTable('users').set({ must_change_password: 1 }).where('id', '=', user.id).execute();
    const s = await signedIn(world, user.username, PASSWORD);
    expect((s.body.user as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const blocked = await as(world, s).get('/api/people');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('password-change-required');
    expect((await as(world, s).get('/api/auth/me')).statusCode).toBe(200);

    const weak = await as(world, s).post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('body.newPassword');
    const wrong = await as(world, s).post('/api/auth/password', { currentPassword: 'not my password', newPassword: 'a much better passphrase 42' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().errors[0].path).toBe('body.currentPassword');
    const counted = await db().selectFrom('users').select('failed_sign_ins').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(counted.failed_sign_ins).toBe(1);

    const ok = await as(world, s).post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a much better passphrase 42' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ changed: true, otherSessionsRevoked: 1 });
    expect((await as(world, user).get('/api/auth/me')).statusCode).toBe(401);
    expect((await as(world, s).get('/api/people')).statusCode).toBe(200);
    expect((await signInRequest(world, { username: user.username, password: PASSWORD })).statusCode).toBe(401);
    const again = await signInRequest(world, { username: user.username, password: 'a much better passphrase 42' });
    expect(again.json().user.mustChangePassword).toBe(false);
    const audit = (await auditRows(world)).filter((r) => r.action === 'account.password' && r.actor_id === user.id);
    expect(audit.map((r) => r.decision)).toEqual(['deny', 'change']);
    expect(JSON.stringify(audit)).not.toContain('passphrase');
  });

  describe('TOTP second factor', () => {
    let user: TestUser;
    let secret: string;

    beforeAll(async () => {
      user = await makeUser(world, ['staff']);
    });

    it('3.7 secure conditions: enrolment gives a secret and otpauth URI; a wrong code does not confirm it', async () => {
      const enrol = await as(world, user).post('/api/auth/totp/enrol');
      expect(enrol.statusCode).toBe(200);
      secret = enrol.json().secret;
      expect(enrol.json().otpauthUri).toContain(`secret=${secret}`);
      // Not yet required: sign-in without a code still works.
      expect((await signInRequest(world, { username: user.username, password: PASSWORD })).statusCode).toBe(200);
      const bad = await as(world, user).post('/api/auth/totp/confirm', { code: '000000' === totpCode(secret, world.clock.now()) ? '111111' : '000000' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('body.code');
      const ok = await as(world, user).post('/api/auth/totp/confirm', { code: totpCode(secret, world.clock.now()) });
      expect(ok.json()).toEqual({ totpEnabled: true });
      expect((await as(world, user).post('/api/auth/totp/enrol')).statusCode).toBe(409);
    });

    it('3.7 secure conditions: once enrolled, sign-in needs a valid code', async () => {
      world.clock.advance(30_000);
      const none = await signInRequest(world, { username: user.username, password: PASSWORD });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ code: 'second-factor-required', errors: [{ path: 'body.code', message: 'required' }] });
      expect(sessionCookie(none)).toBeUndefined();
      const code = totpCode(secret, world.clock.now());
      const wrong = await signInRequest(world, { username: user.username, password: PASSWORD, code: code === '123456' ? '654321' : '123456' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().detail).toBe(GENERIC);
      const withWrongPassword = await signInRequest(world, { username: user.username, password: 'wrong password!', code });
      expect(withWrongPassword.json().detail).toBe(GENERIC);
      const ok = await signInRequest(world, { username: user.username, password: PASSWORD, code });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user.totpEnabled).toBe(true);
      const session = await db().selectFrom('sessions').select('second_factor_at').where('user_id', '=', user.id).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(session.second_factor_at).not.toBeNull();
    });

    it('3.7 secure conditions: a code cannot be replayed within its window', async () => {
      world.clock.advance(30_000);
      const code = totpCode(secret, world.clock.now());
      expect((await signInRequest(world, { username: user.username, password: PASSWORD, code })).statusCode).toBe(200);
      const replay = await signInRequest(world, { username: user.username, password: PASSWORD, code });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().detail).toBe(GENERIC);
      world.clock.advance(30_000);
      expect((await signInRequest(world, { username: user.username, password: PASSWORD, code: totpCode(secret, world.clock.now()) })).statusCode).toBe(200);
    });

    it('3.7 secure conditions: staff may remove their own second factor with password and code; a wrong password is counted', async () => {
      world.clock.advance(30_000);
      const code = totpCode(secret, world.clock.now());
      const wrong = await as(world, user).post('/api/auth/totp/disable', { password: 'not it at all', code });
      expect(wrong.statusCode).toBe(403);
      const row = await db().selectFrom('users').select('failed_sign_ins').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(row.failed_sign_ins).toBeGreaterThan(0);
      const ok = await as(world, user).post('/api/auth/totp/disable', { password: PASSWORD, code });
      expect(ok.json()).toEqual({ totpEnabled: false });
      expect((await signInRequest(world, { username: user.username, password: PASSWORD })).statusCode).toBe(200);
    });

    it('3.7 secure conditions: a manager cannot remove their second factor once enrolled (denial audited)', async () => {
      const manager = await makeUser(world, ['manager']);
      const { secret: s } = (await as(world, manager).post('/api/auth/totp/enrol')).json();
      await as(world, manager).post('/api/auth/totp/confirm', { code: totpCode(s, world.clock.now()) });
      world.clock.advance(30_000);
      const res = await as(world, manager).post('/api/auth/totp/disable', { password: PASSWORD, code: totpCode(s, world.clock.now()) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'accounts/second-factor-kept', clause: '3.7' });
      const enabled = await db().selectFrom('users').select('totp_enabled').where('id', '=', manager.id).executeTakeFirstOrThrow();
      expect(enabled.totp_enabled).toBe(1);
      const denial = (await auditRows(world)).filter((r) => r.actor_id === manager.id && r.action === 'account.totp.disable');
      expect(denial.map((r) => r.decision)).toEqual(['deny']);
    });

    it('3.7 secure conditions: password and second-factor changes cannot be made with an API token', async () => {
      const staff = await makeUser(world, ['staff']);
      const minted = (await as(world, staff).post('/api/auth/tokens', { name: 'script', scopes: ['read', 'write'], expiresInDays: 1 })).json();
      const res = await world.app.inject({ method: 'POST', url: '/api/auth/totp/enrol', headers: { authorization: `Bearer ${minted.token}` }, payload: {} });
      expect(res.statusCode).toBe(403);
      const pw = await world.app.inject({
        method: 'POST', url: '/api/auth/password', headers: { authorization: `Bearer ${minted.token}` },
        payload: { currentPassword: PASSWORD, newPassword: 'token takeover attempt 9' },
      });
      expect(pw.statusCode).toBe(403);
    });
  });
});

describe.each(dialects())('sign-in behind a TLS proxy (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect, { trustProxy: true, secureCookies: 'auto' });
  });
  afterAll(() => world.close());

  it('3.7 secure conditions: on auto, a request forwarded over https gets a Secure cookie; plain http does not', async () => {
    const user = await makeUser(world, ['staff']);
    const tls = await signInRequest(world, { username: user.username, password: PASSWORD }, { headers: { 'x-forwarded-proto': 'https' } });
    expect(sessionCookie(tls)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
    const plain = await signInRequest(world, { username: user.username, password: PASSWORD });
    expect(sessionCookie(plain)!.secure).toBeFalsy();
  });
});
