import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, signIn, startBrowser } from './browser';

const PURPOSE = 'Joint working with partner agencies';

describe.runIf(browserAvailable)('consent to several partner organisations in a real browser (1.3, 4.1, 4.3)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let purposeId: string;
  let northbank: string;
  let riverside: string;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    // The browser records "today" from its own clock: the server's clock starts a minute before it.
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    const manager = await makeUser(world, ['manager']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    // The demo's purpose: a named partner organisation, the council or the police (3.1).
    const purpose = await as(world, manager).post('/api/purposes', {
      name: PURPOSE, description: 'Share what a partner agency needs to support the young person with us.', lawfulBasis: 'legitimate_interests',
      art9Condition: 'not_for_profit_body', dataCategories: ['general', 'personal', 'special'], recipientCategories: ['named partner organisation', 'local authority', 'police'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    purposeId = purpose.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${purposeId}/approve`, {}, { 'if-match': purpose.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    northbank = await makeOrganisation(world, { name: 'Northbank Youth Service' });
    riverside = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    await makeOrganisation(world, { name: 'Eastside Arts Trust', kind: 'funder' });
    personId = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs', dateOfBirth: '1990-06-01' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** The form's answer, who gave it and the signature, as anyone records them. */
  async function answer(page: Page) {
    await page.getByRole('radiogroup', { name: 'Their answer' }).locator('label.radio', { hasText: /^They agree/ }).click();
    await page.getByRole('radiogroup', { name: 'Who answered' }).locator('label.radio', { hasText: /^The person themselves/ }).click();
    await page.getByLabel('Signature: they type their full name').fill('Jo Bloggs');
  }
  const consentCheck = (organisationId: string) =>
    as(world, staff).get(`/api/people/${personId}/consent-check?purposeId=${purposeId}&recipient=organisation:${organisationId}&categories=general,personal`).then((r) => r.json());

  it('4.1 informed-consent: one consent names two partner organisations; recording it again says it replaces the current one, names what it covers and starts from it; the history names each organisation', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/consents/new`);
    await page.getByRole('heading', { name: 'Record consent for Jo Bloggs', level: 1 }).waitFor();
    await page.locator('label.radio', { hasText: new RegExp(`^${PURPOSE}`) }).click();
    // Nothing to replace yet; every organisation of the register the purpose reaches can be ticked, none for them —
    // never the funder: "named partner organisation" does not reach a funder (4.3, src/purposes/reaches.ts).
    const partners = page.getByRole('group', { name: 'Named partner organisations' });
    await partners.waitFor();
    expect(await page.getByText(/This replaces their/).count()).toBe(0);
    expect(await partners.locator('label.checkbox').allTextContents()).toEqual(['Northbank Youth Service', 'Riverside Youth Trust']);
    expect(await partners.getByRole('checkbox', { checked: true }).count()).toBe(0);
    await partners.locator('label.checkbox', { hasText: 'Northbank Youth Service' }).click();
    await expect.poll(() => page.getByText('Name everyone it will go to: Northbank Youth Service.').count()).toBe(1);
    await page.getByLabel('Who it will be shared with').fill('Northbank Youth Service, who run the Saturday music club.');
    await page.getByLabel('What happens if they agree, and if they do not').fill('If you agree, Northbank hears what they need to support you. If not, nothing is sent.');
    await page.getByLabel('That not agreeing may mean not getting a service').fill('If you do not agree we cannot refer you to the club through us.');
    await answer(page);
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('heading', { name: 'Consent recorded', level: 1 }).waitFor();
    expect(await page.locator('#consent-saved').textContent()).toContain('To: Northbank Youth Service · Covers: ');
    expect(await consentCheck(northbank)).toMatchObject({ allowed: true });

    // The second partner: the form says what it replaces, before anything is recorded, and starts from it.
    await page.goto(`${base}/people/${personId}/consents/new`);
    await page.getByRole('heading', { name: 'Record consent for Jo Bloggs', level: 1 }).waitFor();
    await page.locator('label.radio', { hasText: new RegExp(`^${PURPOSE}`) }).click();
    const replaces = page.locator('.alert.warning', { hasText: 'This replaces their current consent for this purpose' });
    await replaces.waitFor();
    expect(await replaces.textContent()).toMatch(/which names Northbank Youth Service and covers General.*untick anyone they no longer agree to.*Tell them again about the whole of it/);
    expect(await partners.getByRole('checkbox', { name: 'Northbank Youth Service' }).isChecked()).toBe(true);
    expect(await partners.getByRole('checkbox', { name: 'Riverside Youth Trust' }).isChecked()).toBe(false);
    // What they were told is asked again, every time: nothing of the last answer is filled in for them.
    expect(await page.getByLabel('Who it will be shared with').inputValue()).toBe('');
    await partners.locator('label.checkbox', { hasText: 'Riverside Youth Trust' }).click();
    await expect.poll(() => page.getByText('Name everyone it will go to: Northbank Youth Service and Riverside Youth Trust.').count()).toBe(1);
    await page.getByLabel('What happens if they agree, and if they do not').fill('If you agree, both partners hear what they need to support you. If not, nothing is sent.');
    await page.getByLabel('That not agreeing may mean not getting a service').fill('If you do not agree we cannot refer you to either partner through us.');
    await answer(page);
    await checkpoint(page, 'consent-partners-01-replaces');
    // Without saying again with whom it is shared: the error is on that field, and everything chosen and typed stays.
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/consents'));
    await page.getByRole('button', { name: 'Record consent' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => page.getByLabel('Who it will be shared with').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('told.withWhom');
    expect(await page.getByLabel('Signature: they type their full name').inputValue()).toBe('Jo Bloggs');
    expect(await partners.getByRole('checkbox', { checked: true }).count()).toBe(2);
    await page.getByLabel('Who it will be shared with').fill('Northbank Youth Service and Riverside Youth Trust.');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/consents'));
    await page.getByRole('button', { name: 'Record consent' }).click();
    const body = JSON.parse((await sent).postData() ?? '{}');
    expect(body.recipients).toEqual([{ kind: 'organisation', organisationId: northbank }, { kind: 'organisation', organisationId: riverside }]);
    expect(body.supersedes).toEqual(expect.any(String));
    await page.getByRole('heading', { name: 'Consent recorded', level: 1 }).waitFor();
    expect(await page.locator('#consent-saved').textContent()).toContain('To: Northbank Youth Service, Riverside Youth Trust · Covers: ');
    // Both are covered: adding a partner did not drop the first (1.3, 4.3).
    expect(await consentCheck(northbank)).toMatchObject({ allowed: true });
    expect(await consentCheck(riverside)).toMatchObject({ allowed: true });

    // The history names each organisation on each version.
    await page.getByRole('button', { name: 'Back to Jo Bloggs' }).click();
    await page.getByRole('heading', { name: 'Jo Bloggs', level: 1 }).waitFor();
    const history = page.getByRole('list', { name: 'Consent history, newest first' });
    await expect.poll(() => history.locator('li').count()).toBe(2);
    // The history shows "A purpose" until the purposes register has loaded: wait for the names, not only the rows.
    await expect.poll(() => history.locator('li').nth(0).textContent()).toMatch(/Agreed\s*Joint working.*To: Northbank Youth Service, Riverside Youth Trust · Covers:/);
    await expect.poll(() => history.locator('li').nth(1).textContent()).toMatch(/Replaced\s*Joint working.*To: Northbank Youth Service · Covers:/);
    expect(await history.textContent()).not.toContain('A named partner organisation');
    await checkpoint(page, 'consent-partners-02-history');
    expect(problems).toEqual([]);
  }, 240_000);

  it('4.1 informed-consent: an organisation the current consent names that has left the register is named, and the refusal is on the organisations field naming it; unticked, the new version records', async () => {
    await world.services.db.kysely.updateTable('organisations').set({ archived_at: world.clock.now().toISOString() }).where('id', '=', riverside).execute();
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/consents/new`);
    await page.getByRole('heading', { name: 'Record consent for Jo Bloggs', level: 1 }).waitFor();
    await page.locator('label.radio', { hasText: new RegExp(`^${PURPOSE}`) }).click();
    await page.locator('.alert.warning', { hasText: 'which names Northbank Youth Service and Riverside Youth Trust' }).waitFor();
    const partners = page.getByRole('group', { name: 'Named partner organisations' });
    expect(await partners.getByRole('checkbox', { name: 'Riverside Youth Trust' }).isChecked()).toBe(true);
    await page.getByLabel('Who it will be shared with').fill('Northbank Youth Service.');
    await page.getByLabel('What happens if they agree, and if they do not').fill('If you agree, Northbank hears what they need. If not, nothing is sent.');
    await page.getByLabel('That not agreeing may mean not getting a service').fill('If you do not agree we cannot refer you to the club through us.');
    await answer(page);
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/consents'));
    await page.getByRole('button', { name: 'Record consent' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => partners.locator('.field-error').textContent()).toBe('Riverside Youth Trust: no organisation with that id in the register');
    await expect.poll(async () => (await focused(page)).name).toBe('organisations');
    expect(await page.getByLabel('Who it will be shared with').inputValue()).toBe('Northbank Youth Service.');
    await checkpoint(page, 'consent-partners-03-organisation-error');
    await partners.locator('label.checkbox', { hasText: 'Riverside Youth Trust' }).click();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('heading', { name: 'Consent recorded', level: 1 }).waitFor();
    expect(await page.locator('#consent-saved').textContent()).toContain('To: Northbank Youth Service · Covers: ');
    expect(await consentCheck(northbank)).toMatchObject({ allowed: true });
    expect(await consentCheck(riverside)).toMatchObject({ allowed: false });
    expect(problems).toEqual([]);
  }, 240_000);
});
