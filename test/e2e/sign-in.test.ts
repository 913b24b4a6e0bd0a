import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../src/accounts/users';
import { makeCase, makePerson } from '../factories';
import { createWorld, type World } from '../support/world';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CONFIDE_REQUIRE_BROWSER === '1') throw new Error(`CONFIDE_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`);
if (!available) console.log(`[confide] browser tests: SKIPPED — ${CHROMIUM} not installed (apt-get install chromium)`);

describe.runIf(available)('the web app in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    const db = world.services.db.kysely;
    const id = await insertUser(db, { username: 'new.worker', displayName: 'New Worker', password: 'one-time-Pass-2026', roles: ['staff'], mustChangePassword: true }, world.clock.now().toISOString());
    const person = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await makeCase(world, person, { [id]: 'lead' });
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.5 staff-awareness: sign in with a one-time password, choose a new one, accept the policy, then see only your people', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(base);
    await page.getByLabel('Username').fill('new.worker');
    await page.getByLabel('Password', { exact: true }).fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Invalid username, password or code/);

    await page.getByLabel('Password', { exact: true }).fill('one-time-Pass-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    await page.getByLabel('Current (one-time) password').fill('one-time-Pass-2026');
    await page.getByLabel('New password').fill('a much longer passphrase 42');
    await page.getByRole('button', { name: 'Save password' }).click();

    await page.getByRole('button', { name: /accept this policy/ }).waitFor();
    expect(await page.locator('#policy-text').textContent()).toContain('need to know');
    await page.getByRole('button', { name: /accept this policy/ }).click();

    await page.getByRole('heading', { name: 'People you work with' }).waitFor();
    await expect.poll(() => page.locator('#people tbody').textContent()).toContain('Lovelace, Ada');
    expect(await page.locator('#who').textContent()).toContain('New Worker');
    mkdirSync('test/e2e/out', { recursive: true });
    await page.screenshot({ path: 'test/e2e/out/people.png', fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(errors.filter((e) => !/401|403/.test(e)), errors.join('\n')).toEqual([]);
  }, 120_000);
});
