import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, pageWidth, startBrowser, signIn } from './browser';

describe.runIf(browserAvailable)('emergency access and who has seen a record, in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let adaId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    outsider = await makeUser(world, ['staff'], { username: 'olly.outside' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    await makeUser(world, ['manager'], { username: 'nia.second' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[staff, 'Sam Patel'], [outsider, 'Olly Outside'], [manager, 'Morgan Reyes']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    adaId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace', safeguardingNotes: 'Child protection plan in place' });
    const caseId = await makeCase(world, adaId, { [staff.id]: 'lead' });
    await makeNote(world, caseId, staff.id);
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });


  it('practice 4.2 break-glass-review: emergency access warns, asks why, opens the record, and waits for another manager’s review', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${adaId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Emergency access…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Emergency access (break-glass)' });
    expect(await dialog.textContent()).toMatch(/Every manager is told at once/);
    await dialog.getByLabel('What is the emergency?').fill('Ada rang, upset');
    await dialog.getByRole('button', { name: 'Open the record now' }).click();
    await expect.poll(() => dialog.getByLabel('What is the emergency?').getAttribute('aria-invalid')).toBe('true'); // under 20 characters
    await checkpoint(page, 'break-glass-01-warning');
    await dialog.getByLabel('What is the emergency?').fill('Ada rang in distress saying she cannot go home tonight');
    await dialog.getByRole('button', { name: 'Open the record now' }).click();
    await expect.poll(() => page.locator('.field-row', { hasText: 'Safeguarding notes' }).textContent()).toContain('Child protection plan in place');
    expect(await page.getByRole('status').first().textContent()).toMatch(/Emergency access is open/);
    await checkpoint(page, 'break-glass-02-open');
    const opened = (await auditRows(world)).reverse().find((r) => r.action === 'breakglass.open');
    expect(opened).toMatchObject({ actor_id: staff.id, decision: 'allow', subject_person_id: adaId });

    const boss = await newPage(browser);
    await signIn(boss.page, base, 'morgan.reyes', '/access/break-glass');
    await boss.page.getByRole('heading', { name: 'Break-glass reviews' }).waitFor();
    const card = boss.page.locator('.request-card', { hasText: 'Sam Patel' });
    await expect.poll(() => card.textContent()).toMatch(/Sam Patel opened Ada Lovelace in an emergency[\s\S]*cannot go home tonight/);
    await checkpoint(boss.page, 'break-glass-03-review-queue');
    await card.locator('label.radio', { hasText: 'Justified' }).click();
    await card.getByLabel('Your reasons').fill('Spoke to Sam: the call was an emergency.');
    await card.getByRole('button', { name: 'Record review' }).click();
    await boss.page.getByText('Nothing waiting for review.').waitFor();
    const reviewed = (await auditRows(world)).reverse().find((r) => r.action === 'breakglass.review');
    expect(reviewed).toMatchObject({ actor_id: manager.id, decision: 'allow' });
    expect(boss.problems).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);

  it('3.1 justify-purpose: who has seen a record reads as a timeline of names, roles, what was seen, when and why — never ids or rule keys', async () => {
    expect((await as(world, outsider).get(`/api/people/${adaId}`)).statusCode).toBe(404); // refused, and recorded
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', `/people/${adaId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Who has seen this record' }).click();
    await page.getByRole('heading', { name: /Who has seen Ada Lovelace/ }).waitFor();
    expect(await page.title()).toBe('Who has seen a person’s records — Confide'); // no name in the tab title (3.7)
    const log = page.locator('.log-day').first();
    await expect.poll(() => log.textContent()).toMatch(/Sam Patel \(Staff\) viewed the person’s record/);
    const text = (await page.locator('main').textContent())!;
    expect(text).toMatch(/Information seen: Date of birth, Email, [^.]*Health notes/);
    expect(text).toMatch(/Why: They are on the case team working with this client\. \(policy 3\.3, 3\.4, 4\.2\)/);
    expect(text).toMatch(/Sam Patel \(Staff\) opened the record with emergency \(break-glass\) access/);
    // The safeguarding notes were seen only under the emergency access, and the entry says so beside the case team's rule.
    expect(text).toMatch(/Safeguarding notes — under emergency access\. Why: They opened it with emergency \(break-glass\) access; a manager reviews every use\. \(policy practice 4\.2, practice 4\.3\)/);
    // Each read is named for what was opened: the person's page also lists their cases, which is not their record.
    expect(text).toMatch(/Sam Patel \(Staff\) viewed the list of their cases/);
    expect(text).toMatch(/Sam Patel \(Staff\) viewed their consent history/);
    expect(text).toMatch(/Refused\s*Olly Outside \(Staff\) was refused when they tried this: viewed the person’s record/);
    expect(text).toMatch(/Morgan Reyes \(Manager\) reviewed an emergency \(break-glass\) access/);
    expect(text).not.toMatch(/need-to-know\/|default\/|[0-9a-f]{8}-[0-9a-f]{4}-/); // no rule keys, no ids
    expect(text).not.toContain('Child protection plan'); // which fields, never their values
    await checkpoint(page, 'who-has-seen-01-timeline');
    const read = (await auditRows(world)).reverse().find((r) => r.action === 'audit.read' && r.actor_id === manager.id);
    expect(read).toMatchObject({ decision: 'allow', resource_id: adaId });

    const narrow = await newPage(browser, { width: 375 });
    await signIn(narrow.page, base, 'morgan.reyes', `/people/${adaId}/access-log`);
    await narrow.page.getByRole('heading', { name: /Who has seen Ada Lovelace/ }).waitFor();
    await narrow.page.locator('.log-day').first().waitFor();
    expect(await pageWidth(narrow.page)).toBeLessThanOrEqual(375);
    await checkpoint(narrow.page, 'who-has-seen-02-timeline-375px');
    expect(problems).toEqual([]);
    expect(narrow.problems).toEqual([]);
  }, 180_000);

  it('3.1 justify-purpose: staff on the team have no "who has seen" link, and the address refuses them with the API’s reason', async () => {
    const { page } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${adaId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Who has seen this record' }).count()).toBe(0);
    await page.goto(`${base}/people/${adaId}/access-log`);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Managers and the guardian|not allowed|may not|role/i);
    await checkpoint(page, 'who-has-seen-03-refused');
  }, 120_000);
});
