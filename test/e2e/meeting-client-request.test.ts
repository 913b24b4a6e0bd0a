import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

/** Chooses a radio button by its label (React Aria keeps the input itself visually hidden, under its label). */
const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio, label.checkbox', { hasText: name }).first().click();

const ASKED = 'Ada asked at the end of her Thursday session, with her dad there, for this to go to her GP.';

describe.runIf(browserAvailable)('a meeting\'s session notes and the client\'s request in a real browser (practice 2)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Date.now() + 60_000)); // the server's clock a little ahead of the browser's: "held now" is not in its future
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  /** Records a meeting with session notes and one external attendee through the form, with `asked` typed (or not). */
  async function recordSessionMeeting(page: Page, title: string, asked: string | null) {
    await signIn(page, base, 'sam.patel', `/people/${personId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Record a meeting' }).click();
    await page.getByRole('heading', { name: 'Record a meeting', level: 1 }).waitFor();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Name of external attendee 1').fill('Dr Amira Nurse');
    await page.getByRole('button', { name: /Who they are/ }).click();
    await page.getByRole('option', { name: 'Health professional' }).click();
    await page.getByLabel('Notes', { exact: true }).fill('What Ada said in her session about home.');
    const askedBox = page.getByLabel('How and when Ada Lovelace asked for their session details to be passed on');
    expect(await askedBox.count()).toBe(0); // asked only for session details
    await choose(page.getByRole('radiogroup', { name: 'What the notes hold' }), /^Session details/);
    await askedBox.waitFor();
    if (asked) await askedBox.fill(asked);
    await checkpoint(page, `meetings-client-request-${asked ? 'asked' : 'not-asked'}`);
    await page.getByRole('button', { name: 'Record the meeting' }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    const attendee = page.locator('.attendee-list li', { hasText: 'Dr Amira Nurse' });
    await attendee.getByRole('button', { name: /They acknowledged confidentiality/ }).click();
    await expect.poll(() => attendee.textContent()).toMatch(/Acknowledged confidentiality/);
    await attendee.getByRole('button', { name: /Prepare their copy/ }).click();
    return attendee;
  }

  it('practice 2 session-staff-team-only: staff type how and when the client asked; the meeting shows it, and the attendee\'s copy of the session notes is prepared', async () => {
    const { page, problems } = await newPage(browser);
    await recordSessionMeeting(page, 'Review with the GP', ASKED);
    const request = page.getByRole('group', { name: "The client's request" });
    await expect.poll(() => request.textContent()).toMatch(/The client asked for them to be passed on \(recorded [^)]+\):[\s\S]*Thursday session, with her dad there/);
    const copy = page.getByRole('region', { name: 'Copy of the notes for Dr Amira Nurse' });
    await expect.poll(() => copy.textContent()).toMatch(/CONFIDENTIAL[\s\S]*What Ada said in her session/);
    await checkpoint(page, 'meetings-client-request-shown');
    const id = (await auditRows(world)).find((r) => r.action === 'meeting.record')!.resource_id as string;
    const stored = await world.services.db.kysely.selectFrom('meetings').select(['client_request_detail', 'client_request_recorded_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ client_request_detail: ASKED, client_request_recorded_by: staff.id });
    expect(problems).toEqual([]);
  }, 300_000);

  it('practice 2 session-staff-team-only: left empty, the meeting says no request is recorded, and preparing the copy is refused with the rule\'s reason and what is missing', async () => {
    const { page } = await newPage(browser);
    const attendee = await recordSessionMeeting(page, 'Second review with the GP', null);
    expect(await page.locator('main').textContent()).toMatch(/No request of the client is recorded, so these notes stay with the team/);
    await expect.poll(() => attendee.getByRole('alert').textContent()).toMatch(/unless the client asked[\s\S]*practice 1, practice 2[\s\S]*no request of the client to pass on their session details is recorded/);
    expect(await page.getByRole('region', { name: /Copy of the notes/ }).count()).toBe(0);
    await checkpoint(page, 'meetings-client-request-refused');
  }, 300_000);
});
