import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode } from '../../src/accounts/totp';
import { insertUser } from '../../src/accounts/users';
import { makeCase, makePerson } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, expectAccessible, focused, newPage, pageWidth, startBrowser } from './browser';

describe.runIf(browserAvailable)('signing in, first run and sessions in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let workerId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    const db = world.services.db.kysely;
    const now = world.clock.now().toISOString();
    workerId = await insertUser(db, { username: 'new.worker', displayName: 'Nia Worker', password: 'one-time-Pass-2026', roles: ['staff'], mustChangePassword: true }, now);
    const person = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await makeCase(world, person, { [workerId]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.5 staff-awareness: sign in with a one-time password, choose a new one (rules first, one message per error), accept the policy, see only your people, sign out', async () => {
    const { page, problems } = await newPage(browser);
    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkpoint(page, 'sign-in-01-page');
    await page.getByLabel('Username').fill('new.worker');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Invalid username, password or code/);
    expect(await focused(page).then((f) => f.role)).toBe('alert'); // focus moved to the message
    await checkpoint(page, 'sign-in-02-refused');

    await page.getByLabel('Password').fill('one-time-Pass-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    // The rules are on the page before the first attempt.
    expect(await page.locator('#password-rules').textContent()).toMatch(/at least 12 characters[\s\S]*not contain your username/);
    expect(await focused(page).then((f) => f.tag)).toBe('H1');
    await checkpoint(page, 'sign-in-03-choose-password');

    await page.getByLabel('One-time password').fill('one-time-Pass-2026');
    await page.getByLabel('New password').fill('too short');
    await page.getByRole('button', { name: 'Save password' }).click();
    const newPassword = page.getByLabel('New password');
    await expect.poll(() => newPassword.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await newPassword.getAttribute('aria-describedby'))!.split(' ');
    const described = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(described.join(' ')).toContain('must be at least 12 characters');
    expect(await page.locator('.field-error').count()).toBe(1); // one message for the one error
    expect(await focused(page).then((f) => f.name)).toBe('newPassword');
    await checkpoint(page, 'sign-in-04-password-error');

    await newPassword.fill('new.worker plays the drums');
    await page.getByRole('button', { name: 'Save password' }).click();
    await expect.poll(() => page.locator('.field-error').textContent()).toContain('must not contain the username');
    await newPassword.fill('a much longer passphrase 42');
    await page.getByRole('button', { name: 'Save password' }).click();

    await page.getByRole('heading', { name: /our confidentiality policy/ }).waitFor();
    expect(await page.getByRole('region', { name: 'Policy text' }).textContent()).toContain('need to know');
    await checkpoint(page, 'sign-in-05-policy');
    await page.getByRole('button', { name: /accept this policy/ }).click();

    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.people-list').textContent()).toContain('Ada Lovelace');
    expect(await page.getByRole('link', { name: /Your account: Nia Worker/ }).count()).toBe(1);
    await checkpoint(page, 'sign-in-06-people');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('3.7 secure-conditions: a session that ends while the app is open brings back the sign-in page with a message, then the same page', async () => {
    const { page, problems } = await newPage(browser);
    await page.goto(`${base}/people`);
    await page.getByLabel('Username').fill('new.worker');
    await page.getByLabel('Password').fill('a much longer passphrase 42');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();

    world.clock.advance(61 * 60_000); // past SESSION_IDLE_MINUTES
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toMatch(/Your session has ended/);
    await checkpoint(page, 'sign-in-07-session-ended');

    await page.getByLabel('Username').fill('new.worker');
    await page.getByLabel('Password').fill('a much longer passphrase 42');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor(); // back where they were
    expect(problems).toEqual([]);
  }, 120_000);

  it('3.7 secure-conditions: with a second factor enrolled, sign-in asks for the code and accepts a current one', async () => {
    const db = world.services.db.kysely;
    const secret = newTotpSecret();
    const id = await insertUser(db, { username: 'two.factor', displayName: 'Tomi Factor', password: 'second factor passphrase', roles: ['staff'], mustChangePassword: false }, world.clock.now().toISOString());
    await db.updateTable('users').set({ totp_secret: secret, totp_enabled: 1 }).where('id', '=', id).execute();
    const doc = await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    await db.insertInto('policy_acceptances').values({ user_id: id, policy_document_id: doc.id, accepted_at: world.clock.now().toISOString() }).execute();

    const { page, problems } = await newPage(browser, { width: 375 });
    await page.goto(base);
    await page.getByLabel('Username').fill('two.factor');
    await page.getByLabel('Password').fill('second factor passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Authenticator code');
    await code.waitFor();
    await expect.poll(() => focused(page).then((f) => f.name)).toBe('code');
    await checkpoint(page, 'sign-in-08-second-factor-375px');
    await code.fill(totpCode(secret, world.clock.now()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await expectAccessible(page, 'people at 375px');
    expect(await pageWidth(page)).toBeLessThanOrEqual(375); // no sideways scrolling
    expect(problems).toEqual([]);
  }, 120_000);
});
