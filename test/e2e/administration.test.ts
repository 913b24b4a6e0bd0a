import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdministrator } from '../../src/accounts/bootstrap';
import { newId } from '../../src/lib/ids';
import { auditRows } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, startBrowser } from './browser';

describe.runIf(browserAvailable)('administration in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let admin: { username: string; password: string };
  let staffPage: import('playwright-core').Page;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    admin = (await ensureAdministrator(world.services))!; // what `npm start` prints on the first start
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.5 staff-awareness, practice 4.1: the administrator’s first run leads to accounts (no concern or breach forms it would be refused), and ends with a staff member signed in who has accepted the policy', async () => {
    const { page, problems } = await newPage(browser);
    await page.goto(base);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('One-time password').fill(admin.password);
    await page.getByLabel('New password').fill('keys to the office 2026');
    await page.getByRole('button', { name: 'Save password' }).click();
    await page.getByRole('button', { name: /accept this policy/ }).click();

    // The first sign-in leads somewhere useful: the accounts, with the way to create one.
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    expect(page.url()).toBe(`${base}/admin/accounts`);
    await checkpoint(page, 'admin-01-accounts');
    // An administrator account alone is a system account, which the API refuses concerns and breach reports from
    // (safeguarding/raise-concern, breaches/report): it is not offered them, and the form's address says why.
    expect(await page.getByRole('link', { name: /Raise a concern|Your concerns|Report a breach/ }).count()).toBe(0);
    await page.goto(`${base}/concerns/new`);
    await expect.poll(() => page.locator('.alert.warning').textContent()).toMatch(/administrator account.*Raise a concern from your own staff account/);
    expect(await page.getByRole('button', { name: /Send to the safeguarding leads/ }).count()).toBe(0);
    await page.goto(`${base}/admin/accounts`);
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();

    // A mistake is named at its field, and nothing is created.
    await page.getByLabel('Full name').fill('Sam Patel');
    await page.getByLabel('Username').fill('Sam Patel');
    await page.locator('label.checkbox', { hasText: /^Staff/ }).click();
    await page.getByRole('button', { name: 'Create account' }).click();
    const username = page.getByLabel('Username');
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page).then((f) => f.name)).toBe('username');
    await checkpoint(page, 'admin-02-create-error');

    await username.fill('sam.patel');
    // Roles that must stay with different people (accounts/separate-roles, 3.4) are refused at the roles field, and
    // nothing is created: the administrator sees no client records.
    await page.locator('label.checkbox', { hasText: /^Administrator/ }).click();
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('.checkboxes .field-error').textContent()).toMatch(/administrator sees no client records/);
    expect((await auditRows(world)).filter((r) => r.action === 'user.create' && r.decision === 'deny').map((r) => r.rule_id)).toEqual(['accounts/separate-roles']);
    await checkpoint(page, 'admin-02b-roles-held-apart');
    await page.locator('label.checkbox', { hasText: /^Administrator/ }).click();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Account created for Sam Patel' }).waitFor();
    const oneTime = (await page.locator('code.secret').textContent())!;
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await checkpoint(page, 'admin-03-created');
    const created = (await auditRows(world)).find((r) => r.action === 'user.create' && r.decision === 'change');
    expect(created).toMatchObject({ decision: 'change' });
    expect(JSON.stringify(created)).not.toContain(oneTime); // the password is never recorded

    // The staff member's own first sign-in, in another browser.
    const staff = await newPage(browser, { width: 390 });
    await staff.page.goto(base);
    await staff.page.getByLabel('Username').fill('sam.patel');
    await staff.page.getByLabel('Password').fill(oneTime);
    await staff.page.getByRole('button', { name: 'Sign in' }).click();
    await staff.page.getByLabel('One-time password').fill(oneTime);
    await staff.page.getByLabel('New password').fill('drums on a tuesday evening');
    await staff.page.getByRole('button', { name: 'Save password' }).click();
    await staff.page.getByRole('button', { name: /accept this policy/ }).click();
    await staff.page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await expect.poll(() => staff.page.locator('.empty').textContent()).toContain('No one yet');
    await checkpoint(staff.page, 'admin-04-staff-first-sign-in-390px');
    expect(staff.problems).toEqual([]);
    staffPage = staff.page;

    // Back with the administrator: the account page shows the staff member active, with what can be done.
    await page.getByRole('link', { name: 'Open the account' }).click();
    await page.getByRole('heading', { name: 'Sam Patel' }).waitFor();
    await expect.poll(() => page.locator('.fields').textContent()).toMatch(/Status\s*Active/);
    await checkpoint(page, 'admin-05-account');
    expect(problems).toEqual([]);
  }, 180_000);

  it('3.7 secure-conditions: a reset gives a new one-time password; deactivating signs the holder out at once and keeps the account on record', async () => {
    const { page, problems } = await newPage(browser);
    await page.goto(`${base}/admin/accounts`);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill('keys to the office 2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Sam Patel' }).click();
    await page.getByRole('button', { name: 'Change name or roles' }).click();
    await page.locator('label.checkbox', { hasText: /^Volunteer/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.fields').textContent()).toMatch(/Staff, Volunteer/);

    // The staff member has a script's API token: a reset keeps it unless the administrator revokes it too (3.7).
    const sam = await world.services.db.kysely.selectFrom('users').select('id').where('username', '=', 'sam.patel').executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    await world.services.db.kysely.insertInto('api_tokens').values({
      id: newId(), user_id: sam.id, name: 'script', token_hash: 'e2e-token-hash', scopes: '["read"]', created_at: at, expires_at: '2099-01-01T00:00:00.000Z', last_used_at: null, revoked_at: null,
    }).execute();
    await page.getByRole('button', { name: 'Reset password…' }).click();
    // For an account that may have been misused, the administrator revokes its API tokens with the reset.
    await page.getByRole('dialog').getByText('Also revoke their API tokens').click();
    // The dialog says who will be told of the reset (3.7): the account works with client records.
    expect(await page.getByRole('dialog').textContent()).toMatch(/every other active manager, the guardian and Sam Patel will be told at once/);
    await page.getByRole('dialog').getByRole('button', { name: 'Reset password' }).click();
    await page.locator('code.secret').waitFor();
    await expect.poll(() => page.getByText('The account holder was told of this reset in Confide.').count()).toBe(1);
    await checkpoint(page, 'admin-06-reset');
    const reset = (await auditRows(world)).find((r) => r.action === 'user.reset-password' && r.decision === 'change');
    expect(JSON.parse(reset!.detail)).toMatchObject({ fields: ['password'], tokensRevoked: 1 });
    // The reset ended the staff member's session: their next step asks them to sign in again.
    await staffPage.getByRole('link', { name: 'Your access' }).click();
    await staffPage.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByRole('button', { name: 'Deactivate…' }).click();
    await checkpoint(page, 'admin-07-deactivate-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate account' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/deactivated/);
    const row = (await auditRows(world)).reverse().find((r) => r.action === 'user.deactivate');
    expect(row).toMatchObject({ decision: 'change' });
    await page.getByRole('link', { name: 'Accounts' }).first().click();
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Sam Patel' }).count()).toBe(0); // hidden unless asked for
    await page.getByText('Show deactivated accounts').click();
    await page.getByRole('link', { name: 'Sam Patel' }).waitFor();
    // …and signing in again is refused.
    await staffPage.getByLabel('Username').fill('sam.patel');
    await staffPage.getByLabel('Password').fill('drums on a tuesday evening');
    await staffPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => staffPage.getByRole('alert').textContent()).toMatch(/Invalid username, password or code/);
    await checkpoint(page, 'admin-08-deactivated');
    expect(problems).toEqual([]);
  }, 120_000);
});
