import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, insertPurpose, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

const told = { why: 'So the trust can carry on mentoring you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot hand over your mentoring.' };
const NOTE = 'Phoned his aunt about the school trip';

// The Share information wizard says at its first step who each purpose may go to, and — once the organisation is
// chosen — which purposes cannot go to it and why, from the purpose's `reaches` (the server's own rule,
// disclosure/recipient-within-purpose, 3.1); a note's session details ask for the person's request where items are
// chosen (practice 2); "Your request is recorded" is said only right after the request; the purpose register shows
// who receives each purpose, and its form says which words let a disclosure go.
describe.runIf(browserAvailable)('purposes and recipients in the Share information wizard, in a real browser (3.1, 4.3, practice 2)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser, manager: TestUser, guardian: TestUser;
  let personId: string, riverside: string, mentoring: string;

  /** Chooses an option of a React Aria select by its label. */
  async function choose(page: Page, label: RegExp, option: string) {
    await page.getByRole('button', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  }
  const purposeLabel = (page: Page, name: string) => page.locator('label.radio', { hasText: new RegExp(`^${name}`) });

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    guardian = await makeUser(world, ['guardian']);
    const org = await as(world, manager).post('/api/organisations', { kind: 'partner_agency', name: 'Riverside Youth Trust' });
    expect(org.statusCode, org.body).toBe(201);
    riverside = org.json().data.id;
    expect((await as(world, manager).post('/api/organisations', { kind: 'police', name: 'City Police' })).statusCode).toBe(201);
    const nextYear = `${new Date().getFullYear() + 1}-06-01`;
    mentoring = await insertPurpose(world, { name: 'Handing over mentoring', guardianId: guardian.id, createdBy: manager.id, recipientCategories: ['named partner organisation'], categories: ['general', 'personal', 'session'], nextReviewOn: nextYear });
    await insertPurpose(world, { name: 'Keeping our own records', guardianId: guardian.id, createdBy: manager.id, recipientCategories: ['internal service only'], nextReviewOn: nextYear });
    await insertPurpose(world, { name: 'Answering the police', guardianId: guardian.id, createdBy: manager.id, recipientCategories: ['police'], nextReviewOn: nextYear });
    personId = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    const caseId = await makeCase(world, personId, { [staff.id]: 'lead' });
    const noteId = await makeNote(world, caseId, staff.id);
    await world.services.db.kysely.updateTable('notes').set({ kind: 'contact', title: NOTE }).where('id', '=', noteId).execute();
    const consent = await as(world, staff).post(`/api/people/${personId}/consents`, {
      purposeId: mentoring, decision: 'given', recipients: [{ kind: 'organisation', organisationId: riverside }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.1 justify-purpose: step 1 says who each purpose may go to; once the organisation is chosen, a purpose that cannot reach it is marked not available with the reason, and continuing with one is stopped there — before anything else is typed', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();

    // Before an organisation is chosen: each purpose says who it may go to, none is marked.
    await purposeLabel(page, 'Handing over mentoring').waitFor();
    expect(await purposeLabel(page, 'Handing over mentoring').textContent()).toContain('May go to: named partner organisation');
    expect(await purposeLabel(page, 'Keeping our own records').textContent()).toContain('May go to: Our own service only');
    expect(await purposeLabel(page, 'Answering the police').textContent()).toContain('May go to: police');
    expect(await page.getByRole('radiogroup', { name: 'Purpose' }).textContent()).not.toContain('not available');

    // A partner agency: only the purpose naming partner organisations reaches it.
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await expect.poll(() => purposeLabel(page, 'Keeping our own records').textContent())
      .toContain('Not for Riverside Youth Trust: its recipients do not include a partner agency or a named partner organisation (policy 3.1).');
    expect(await purposeLabel(page, 'Keeping our own records').textContent()).toMatch(/^Keeping our own records — not available for Riverside Youth TrustMay go to: Our own service only\./);
    expect(await purposeLabel(page, 'Answering the police').textContent()).toMatch(/^Answering the police — not available for Riverside Youth TrustMay go to: police\./);
    expect(await purposeLabel(page, 'Handing over mentoring').textContent()).not.toContain('not available');
    await checkpoint(page, 'disclosure-reach-01-marked');

    // Chosen anyway: the form stops at step 1, on the purpose, with the reason.
    await page.getByLabel('Name of the person receiving it').fill('Sam Carter');
    await page.getByLabel('Their role').fill('Youth worker');
    await purposeLabel(page, 'Keeping our own records').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('radiogroup', { name: 'Purpose' }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').first().textContent()).toBe('Not available for Riverside Youth Trust: its recipients do not include a partner agency or a named partner organisation (policy 3.1). Choose a purpose that may go to it.');
    expect(await page.getByRole('heading', { name: /Step 1 of 4/ }).count()).toBe(1);

    // The police: the police purpose reaches it, the in-house one still does not, the named-partner one does.
    await choose(page, /Organisation it goes to/, 'City Police');
    await expect.poll(() => purposeLabel(page, 'Answering the police').textContent()).not.toContain('not available');
    expect(await purposeLabel(page, 'Keeping our own records').textContent()).toContain('Not for City Police: its recipients do not include the police or a named partner organisation');
    expect(await purposeLabel(page, 'Handing over mentoring').textContent()).not.toContain('not available');
    expect(problems).toEqual([]);
  }, 120_000);

  it('practice 2 session-staff-team-only: at step 2 a note is marked as session details needing their request, and choosing it asks for the request — a required field, not "(optional)"', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await page.getByLabel('Name of the person receiving it').fill('Sam Carter');
    await page.getByLabel('Their role').fill('Youth worker');
    await purposeLabel(page, 'Handing over mentoring').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
    const note = page.locator('label.checkbox', { hasText: NOTE });
    await note.waitFor();
    expect(await note.textContent()).toContain('Contact note');
    expect(await note.textContent()).toContain('session details: goes only if they asked for it');
    expect(await page.getByText('How and when they asked for their session details to be shared').count()).toBe(0);
    await note.click();
    const request = page.getByLabel('How and when they asked for their session details to be shared');
    await request.waitFor();
    expect(await request.getAttribute('aria-required')).toBe('true');
    expect(await page.locator('label', { hasText: 'How and when they asked' }).textContent()).not.toContain('optional');
    await checkpoint(page, 'disclosure-reach-02-session-request');
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.3 third-party-disclosure: "Your request is recorded." is said right after the request, and not once the recipient has accepted — the page then says "Release the pack" alone', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await page.getByLabel('Name of the person receiving it').fill('Sam Carter');
    await page.getByLabel('Their role').fill('Youth worker');
    await purposeLabel(page, 'Handing over mentoring').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('label.checkbox', { hasText: /^Given name/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('The clear reason for sharing').fill('The trust takes over Jo’s mentoring next term.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Sharing with Riverside Youth Trust', level: 1 }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Your request is recorded.');
    await expect.poll(() => new URL(page.url()).search).toBe(''); // said once: a reload does not say it again
    const id = new URL(page.url()).pathname.split('/')[2];

    // The recipient accepts the terms; the page, even opened again as right after the request, does not say it.
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: world.clock.now().toISOString().slice(0, 10) })).statusCode).toBe(200);
    await page.goto(`${base}/disclosures/${id}?requested=1`);
    await page.getByRole('heading', { name: 'Release the pack', level: 2 }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('Your request is recorded.');
    await checkpoint(page, 'disclosure-reach-03-ready-no-notice');
    expect(problems).toEqual([]);
  }, 120_000);

  it('3.1 justify-purpose: the purpose register shows who receives each purpose, and the form says only "named partner organisation" and the kinds listed let a disclosure go — other words are for consent only', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', '/purposes');
    await page.getByRole('heading', { name: 'Purposes', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('columnheader').allTextContents()).toContain('Who receives it');
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    expect(await row('Keeping our own records').textContent()).toContain('Our own service only');
    expect(await row('Answering the police').textContent()).toContain('police');
    expect(await row('Handing over mentoring').textContent()).toContain('named partner organisation');
    await checkpoint(page, 'disclosure-reach-04-purposes');

    await page.goto(`${base}/purposes/new`);
    await page.getByRole('heading', { name: 'Propose a purpose', level: 1 }).waitFor();
    const hint = (await page.getByLabel('Who receives it').getAttribute('aria-describedby'))?.split(' ') ?? [];
    const words = (await Promise.all(hint.map((h) => page.locator(`[id="${h}"]`).textContent()))).join(' ');
    expect(words).toContain('Only these let a disclosure go to an organisation: “named partner organisation”');
    expect(words).toContain('Any other words are recorded for consent and the person’s summary only');
    expect(words).not.toContain('GP practice');
    expect(problems).toEqual([]);
  }, 120_000);
});
