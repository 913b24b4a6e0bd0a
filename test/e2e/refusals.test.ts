import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

/** Pages only some roles may use, and who may, as the page says to anyone else (from `may` of /api/auth/me). */
const LIMITED = [
  { path: '/admin/accounts/new', title: 'Create an account', action: 'user.manage', who: 'Administrators create accounts' },
  { path: '/purposes/new', title: 'Propose a purpose', action: 'purpose.create', who: 'Management and the guardian propose purposes' },
  { path: '/review/equality', title: 'Equality monitoring', action: 'equality.report', who: 'The Senior Management Team read equality monitoring' },
] as const;
const SAYS = (who: string) => `${who}; your role does not give you this page. If you need it, ask a manager.`;

describe.runIf(browserAvailable)('pages a role may not use, and addresses that lead nowhere, in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let volunteer: TestUser;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    await makeUser(world, ['administrator'], { username: 'ada.admin' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.7 secure-conditions, 3.1 purpose-register, equality-and-diversity: staff and volunteers opening a page they may not use are told at once who may use it, from what the API says their roles may do — no form to fill in first, and nothing refused or recorded against them for looking', async () => {
    for (const user of [staff, volunteer]) {
      const { page, problems } = await newPage(browser);
      await signIn(page, base, user.username);
      await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
      // The pattern these pages follow: the accounts list, refused with the API's words.
      await page.goto(`${base}/admin/accounts`);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Only administrators and managers may do this.');
      for (const p of LIMITED) {
        await page.goto(`${base}${p.path}`);
        await page.getByRole('heading', { name: p.title, level: 1 }).waitFor();
        await expect.poll(() => page.locator('main [role="status"]').textContent()).toBe(SAYS(p.who));
        expect(await page.locator('main form').count(), p.path).toBe(0);
        expect(await page.locator('main input, main textarea, main button[type="submit"]').count(), p.path).toBe(0);
        if (user === staff) await checkpoint(page, `refusals-01-${p.path.slice(1).replaceAll('/', '-')}`);
        // Opening the page asks the API nothing it would refuse: no refusal is recorded against them for looking.
        expect((await auditRows(world)).filter((r) => r.actor_id === user.id && r.action === p.action), p.path).toEqual([]);
      }
      expect(problems).toEqual([]);
    }
  }, 180_000);

  it('3.7 secure-conditions: those who may use these pages get their forms; a manager, who lists accounts but does not create them, is not offered that one and is told who may', async () => {
    const forms = [
      { user: 'ada.admin', path: '/admin/accounts/new', title: 'Create an account', field: 'Username' },
      { user: 'morgan.reyes', path: '/purposes/new', title: 'Propose a purpose', field: 'Name' },
      { user: 'morgan.reyes', path: '/review/equality', title: 'Equality monitoring', field: 'Show' },
    ];
    for (const f of forms) {
      const { page, problems } = await newPage(browser);
      await signIn(page, base, f.user, f.path);
      await page.getByRole('heading', { name: f.title, level: 1 }).waitFor();
      await page.locator('main form').waitFor();
      expect(await page.getByRole('alert').count(), f.path).toBe(0);
      expect(await page.getByLabel(f.field, { exact: true }).count(), f.path).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    }
    // The accounts list offers creating one only to those who may: not to a manager, who lists accounts.
    for (const [user, offered] of [['ada.admin', 1], ['morgan.reyes', 0]] as const) {
      const { page: list } = await newPage(browser);
      await signIn(list, base, user, '/admin/accounts');
      await list.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
      await list.getByRole('table').waitFor();
      expect(await list.getByRole('link', { name: 'Create an account' }).count(), user).toBe(offered);
    }
    const { page } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', '/admin/accounts/new');
    await expect.poll(() => page.locator('main [role="status"]').textContent()).toBe(SAYS('Administrators create accounts'));
    expect(await page.locator('main form').count()).toBe(0);
  }, 120_000);

  it('3.7 secure-conditions: an address that leads nowhere shows the app’s own "Page not found" page (404), before and after signing in; the API’s addresses still answer problem+json', async () => {
    const { page, problems } = await newPage(browser);
    const answer = await page.goto(`${base}/nonexistent`);
    expect(answer?.status()).toBe(404);
    expect(answer?.headers()['content-type']).toContain('text/html');
    await page.getByLabel('Username').fill('sam.patel');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    expect(await page.title()).toBe('Page not found — Confide');
    await page.getByRole('link', { name: 'Go to the start page' }).click();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.goto(`${base}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    await checkpoint(page, 'refusals-02-not-found');
    const api = await page.context().request.get(`${base}/api/nonexistent`, { headers: { accept: 'text/html' } });
    expect(api.status()).toBe(404);
    expect(api.headers()['content-type']).toContain('application/problem+json');
    expect(problems).toEqual([]);
  }, 120_000);
});
