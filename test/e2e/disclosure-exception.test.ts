import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

describe.runIf(browserAvailable)('an exception disclosure asked for in a real browser says whether the person was asked first (1.3, 4.1)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser, manager: TestUser;
  let personId: string;
  const db = () => world.services.db.kysely;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
    personId = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** Chooses an option of a React Aria select by its label. */
  async function choose(page: Page, label: RegExp, option: string) {
    await page.getByRole('button', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  }

  it('1.3 exceptions, 4.1 informed-consent: the request form asks whether the person was asked for their consent first — required, "asked and agreed" turned back to their consent — and the disclosure page, the register and the manager\'s approvals show the answer; the request and its audit entry record it', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();
    await choose(page, /Organisation it goes to/, 'Riverside Police');
    await page.getByLabel('Name of the person receiving it').fill('DC Jones');
    await page.getByLabel('Their role').fill('Detective constable');
    await page.locator('label.radio', { hasText: /^Statutory requests/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
    for (const f of [/^Given name/, /^Family name/]) await page.locator('label.checkbox', { hasText: f }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 3: without their consent, for a crime — and whether Jo was asked first, required.
    await page.getByRole('heading', { name: /Step 3 of 4/ }).waitFor();
    await page.getByLabel('The clear reason for sharing').fill('The police asked for Jo’s name under the Crime and Disorder Act.');
    await page.locator('label.radio', { hasText: /^Without their consent/ }).click();
    await page.locator('label.radio', { hasText: /^To prevent or detect a crime/ }).click();
    const asked = page.getByRole('radiogroup', { name: 'Was Jo Bloggs asked for their consent first?' });
    await asked.waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => asked.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').allTextContents()).toContain('Say whether they were asked for their consent first');

    // Asked and agreed is not an exception: the form says to share on their consent, and goes no further.
    await page.locator('label.radio', { hasText: /^Yes, and they agreed/ }).click();
    await page.getByText('This is not an exception').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toContain('They agreed: record their consent and share on it, not without it');
    await expect.poll(() => page.getByRole('heading', { name: /Step 3 of 4/ }).count()).toBe(1);
    await checkpoint(page, 'disclosure-exception-01-asked-agreed');

    await page.locator('label.radio', { hasText: /^No: asking them was not safe/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 4 of 4/ }).waitFor();
    expect(await page.locator('.review-facts').textContent()).toContain('Asked for consent?No: asking them was not safe, or would prejudice the purpose');
    await checkpoint(page, 'disclosure-exception-02-check');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Sharing with Riverside Police', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.facts').last().textContent()).toContain('Asked for consent?Not asked: it was not safe, or would prejudice the purpose');
    await checkpoint(page, 'disclosure-exception-03-requested');
    expect(problems).toEqual([]);

    // Recorded as answered, and audited with the structured answer.
    const id = new URL(page.url()).pathname.split('/')[2];
    expect(await db().selectFrom('disclosures').select(['basis', 'exception_ground', 'consent_sought', 'consent_answer', 'not_sought_because']).where('id', '=', id).executeTakeFirstOrThrow())
      .toEqual({ basis: 'exception', exception_ground: 'crime', consent_sought: 0, consent_answer: null, not_sought_because: 'not_safe' });
    const entry = (await auditRows(world)).find((r) => r.action === 'disclosure.request' && r.resource_id === id && r.decision === 'allow')!;
    expect(JSON.parse(entry.detail)).toMatchObject({ basis: 'exception', ground: 'crime', consentSought: false, notSoughtBecause: 'not_safe' });

    // A manager: the register and the approvals say it too.
    const m = await newPage(browser);
    await signIn(m.page, base, 'morgan.reyes', '/disclosures');
    await m.page.getByRole('heading', { name: 'Disclosure register', level: 1 }).waitFor();
    await expect.poll(() => m.page.getByRole('row').nth(1).textContent()).toMatch(/Without consent \(exception\): to prevent or detect a crime.*Not asked: it was not safe, or would prejudice the purpose/);
    await m.page.goto(`${base}/disclosures/approvals`);
    const card = m.page.getByRole('list', { name: 'Waiting for approval' }).locator('li');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('Not asked: it was not safe, or would prejudice the purpose');
    expect(m.problems).toEqual([]);
    expect((await as(world, manager).get(`/api/disclosures/${id}`)).json().data).toMatchObject({ consentSought: false, notSoughtBecause: 'not_safe', consentAnswer: null });
  }, 240_000);
});
