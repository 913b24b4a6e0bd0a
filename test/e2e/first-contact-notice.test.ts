import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

const TITLE = 'How we keep what you tell us private';
const BODY = `We keep what you tell us confidential. Only the people working with you see your record.

We share it outside the charity only if you agree, unless someone could be badly hurt or the law says we must.`;

// The organisation's notice published in the browser (4.1): until now the first-contact journey could not be
// completed in the app, because nothing there let management or the guardian publish the notice.
describe.runIf(browserAvailable)('publishing the notice and first contact in a real browser (4.1)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let manager: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    // The browser records "today" from its own clock: the server's clock starts a minute before it.
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[staff, 'Sam Patel'], [manager, 'Morgan Reyes']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    // Someone on Sam's team, registered before any notice existed: nobody could tell them yet.
    personId = await makePerson(world, { givenName: 'Wren', familyName: 'Adeyemi' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('4.1 first-contact-notice: with no notice published, staff are told who to ask and are not offered the notice page', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/first-contact`);
    await page.getByRole('heading', { name: /Tell Wren Adeyemi/, level: 1 }).waitFor();
    const alert = page.locator('.alert.warning');
    await expect.poll(() => alert.textContent()).toContain('No notice has been published yet.');
    expect(await alert.textContent()).toContain('ask one of them to publish it');
    expect(await alert.getByRole('link').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notice', exact: true }).count()).toBe(0);
    await checkpoint(page, 'first-contact-notice-01-staff-no-notice');
    // The page itself says who publishes the notice, with no form every request from them would be refused.
    await page.goto(`${base}/notices`);
    await page.getByRole('heading', { name: 'Confidentiality notice', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Management and the guardian publish the confidentiality notice');
    expect(await page.getByRole('button', { name: /Publish/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.1 first-contact-notice: a manager follows the first-contact page to the notice page, publishes the notice with errors shown next to each field and what was typed kept, and is led back', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', `/people/${personId}/first-contact`);
    await page.getByRole('heading', { name: /Tell Wren Adeyemi/, level: 1 }).waitFor();
    /** What a field's description and error say (aria-describedby), as a screen reader reads them with it. */
    const describedBy = async (label: string) => {
      const ids = ((await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
      return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
    };
    await page.getByRole('link', { name: 'write and publish the notice' }).click();
    await page.getByRole('heading', { name: 'Confidentiality notice', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notice', exact: true }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByRole('region', { name: 'The current notice' }).textContent()).toContain('No notice has been published yet.');
    await checkpoint(page, 'first-contact-notice-02-none-yet');

    // Nothing written: each missing answer is said on its field, and focus goes to the first.
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    await expect.poll(() => page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Text of the notice', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Language').getAttribute('aria-invalid')).toBeNull();
    await expect.poll(async () => (await focused(page)).name).toBe('title');
    expect(await describedBy('Title')).toContain('Give the notice a title, as people will read it.');
    expect(await describedBy('Text of the notice')).toContain('Write the notice');
    await checkpoint(page, 'first-contact-notice-03-missing');

    // The API's own refusal of a language it cannot take, next to that field; the title and text typed stay.
    await page.getByLabel('Language').fill('English');
    await page.getByLabel('Title').fill(TITLE);
    await page.getByLabel('Text of the notice', { exact: true }).fill(BODY);
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/notices'));
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => page.getByLabel('Language').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBeNull();
    await expect.poll(async () => (await focused(page)).name).toBe('language');
    expect(await describedBy('Language')).toMatch(/a language tag such as "en"/);
    expect(await page.getByLabel('Title').inputValue()).toBe(TITLE);
    expect(await page.getByLabel('Text of the notice', { exact: true }).inputValue()).toBe(BODY);
    expect(await world.services.db.kysely.selectFrom('notices').select('id').execute()).toEqual([]);
    await checkpoint(page, 'first-contact-notice-04-language-refused');

    await page.getByLabel('Language').fill('en');
    await expect.poll(() => page.getByLabel('Language').getAttribute('aria-invalid')).toBeNull(); // edited: its error goes
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/notices'));
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    expect(JSON.parse((await sent).postData() ?? '{}')).toEqual({ language: 'en', title: TITLE, body: BODY, publish: true });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Version 1 is published.' }).count()).toBe(1);
    // The current notice shown, and the versions so far with who published them and when.
    const current = page.getByRole('region', { name: 'The current notice' });
    await expect.poll(() => current.getByRole('region', { name: 'The notice text' }).textContent()).toBe(BODY);
    expect(await current.textContent()).toContain('by Morgan Reyes');
    const rows = page.getByRole('table', { name: 'Versions of the notice, newest first' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/^1English.*How we keep what you tell us private.*Current.*by Morgan Reyes$/);
    // The form is ready for the next version, which would be version 2.
    expect(await page.getByLabel('Title').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Publish version 2' }).waitFor();
    await checkpoint(page, 'first-contact-notice-05-published');
    const notice = await world.services.db.kysely.selectFrom('notices').selectAll().executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ language: 'en', title: TITLE, body: BODY, status: 'published', published_by: manager.id });
    expect((await auditRows(world)).filter((r) => r.resource_id === notice.id).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.actor_id])).toEqual([
      ['notice.draft', 'allow', 'notices/publish', '4.1', manager.id],
      ['notice.publish', 'allow', 'notices/publish', '4.1', manager.id],
    ]);

    // Back where they started: the notice is there to give.
    await page.getByRole('link', { name: 'Back to recording first contact' }).click();
    await page.getByRole('heading', { name: /Tell Wren Adeyemi/, level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'The notice text' }).textContent()).toBe(BODY);
    expect(problems).toEqual([]);
  }, 180_000);

  it('4.1 first-contact-notice: a staff member then completes first contact for the person with the published notice, and anyone can read it at /privacy', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', '/people/not-yet-told');
    await page.getByRole('heading', { name: 'People we have not yet told', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Record first contact with Wren Adeyemi' }).click();
    await page.getByRole('heading', { name: /Tell Wren Adeyemi/, level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'The notice text' }).textContent()).toBe(BODY);
    expect(await page.locator('.notice-meta').textContent()).toMatch(/^Version 1 · English · published/);
    await page.locator('label.radio', { hasText: /^In person/ }).click();
    await page.getByLabel('Questions they asked').fill('Asked who else would know. Explained: only the staff working with them.');
    await checkpoint(page, 'first-contact-notice-06-staff-tells');
    await page.getByRole('button', { name: 'Record first contact' }).click();
    await page.getByRole('heading', { name: 'Wren Adeyemi', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.told').textContent()).toMatch(/Told about our confidentiality policy on/);
    const told = await world.services.db.kysely.selectFrom('first_contacts').select(['person_id', 'method', 'recorded_by']).execute();
    expect(told).toEqual([{ person_id: personId, method: 'in_person', recorded_by: staff.id }]);
    const inform = (await auditRows(world)).filter((r) => r.action === 'person.inform' && r.resource_id === personId);
    expect(inform.map((r) => [r.decision, r.rule_id, r.clause, r.actor_id])).toEqual([['allow', 'first-contact/case-team', '4.1', staff.id]]);
    expect(JSON.parse(inform[0].detail as string)).toMatchObject({ version: 1, language: 'en', method: 'in_person' });

    await page.goto(`${base}/privacy`);
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: 'The notice text' }).textContent()).toBe(BODY);
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.1 first-contact-notice: the notice page works at 375 px wide without sideways scrolling', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, 'morgan.reyes', '/notices');
    await page.getByRole('heading', { name: 'Confidentiality notice', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Versions of the notice, newest first' }).waitFor();
    await page.getByRole('button', { name: 'Publish version 2' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'first-contact-notice-07-narrow');
    expect(problems).toEqual([]);
  }, 120_000);
});
