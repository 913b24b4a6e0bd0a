import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, casePurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

/** Chooses a radio button or checkbox by its label (React Aria keeps the input itself visually hidden, under its label). */
const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio, label.checkbox', { hasText: name }).first().click();

describe.runIf(browserAvailable)('purposes, meetings and "how your information is used" in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let gia: TestUser;
  let gus: TestUser;
  let manager: TestUser;
  let staff: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date());
    gia = await makeUser(world, ['guardian'], { username: 'gia.mensah' });
    gus = await makeUser(world, ['guardian'], { username: 'gus.harper' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[gia, 'Gia Mensah'], [gus, 'Gus Harper'], [manager, 'Morgan Reyes'], [staff, 'Sam Patel']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.1 purpose-register: a guardian proposes a purpose, is refused approving their own with the API\'s reason, and another guardian approves it', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'gia.mensah', '/purposes');
    await page.getByRole('heading', { name: 'Purposes', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Propose a purpose' }).click();
    await page.getByRole('heading', { name: 'Propose a purpose', level: 1 }).waitFor();

    // Sent half-filled: each missing answer is tied to its field; focus goes to the first.
    await page.getByRole('button', { name: 'Propose for approval' }).click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatchObject({ name: 'name' });
    await checkpoint(page, 'purposes-01-propose-errors');

    await page.getByLabel('Name', { exact: true }).fill('Referral to a GP');
    await page.getByLabel('What it is for, and why it is necessary').fill('Passing on what a GP needs to know to support a young person’s health, when they agree.');
    await choose(page.getByRole('radiogroup', { name: /Lawful basis/ }), 'Consent');
    await expect.poll(() => page.getByRole('radiogroup', { name: /Lawful basis/ }).getAttribute('aria-invalid')).toBeNull(); // answered: its error goes
    await choose(page.getByRole('group', { name: 'Information it uses' }), 'Special category');
    await page.getByRole('button', { name: /Article 9 condition/ }).click();
    await page.getByRole('option', { name: 'Health or social care' }).click();
    await page.getByLabel('Who receives it').fill('GP practice');
    await choose(page.getByRole('radiogroup', { name: /identify people/ }), 'Yes');
    await page.getByRole('button', { name: /Guardian responsible/ }).click();
    await page.getByRole('option', { name: 'Gia Mensah (you)' }).click();
    expect(await page.locator('.field-error').count()).toBe(0);
    await checkpoint(page, 'purposes-02-propose-filled');
    await page.getByRole('button', { name: 'Propose for approval' }).click();
    await page.getByRole('heading', { name: 'Referral to a GP', level: 1 }).waitFor();
    await page.getByText(/Proposed\. A guardian other than you must approve it/).waitFor();

    // Approving one's own: the API says no, with its reason and clause, and the purpose stays a draft.
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toMatch(/Policy clause 3\.1/);
    expect(await page.locator('.badge').first().textContent()).toMatch(/Draft/);
    await checkpoint(page, 'purposes-03-own-approval-refused');
    expect(problems).toEqual([]);
    const purposeId = (await auditRows(world)).find((r) => r.action === 'purpose.create')!.resource_id as string;
    expect((await auditRows(world)).filter((r) => r.action === 'purpose.approve').map((r) => [r.decision, r.rule_id, r.actor_id]))
      .toEqual([['deny', 'purposes/no-self-approval', gia.id]]);

    // Another guardian approves it from the register's "waiting for approval" view.
    const other = await newPage(browser);
    await signIn(other.page, base, 'gus.harper', '/purposes?status=draft');
    await other.page.getByRole('heading', { name: 'Purposes', level: 1 }).waitFor();
    await other.page.getByRole('link', { name: 'Referral to a GP' }).click();
    await other.page.getByRole('button', { name: 'Approve' }).click();
    await other.page.getByText(/Approved: the purpose is in force/).waitFor();
    expect(await focused(other.page)).toMatchObject({ tag: 'DIV', role: 'status' }); // the Approve button has gone: focus is on what happened
    await expect.poll(() => other.page.locator('main').textContent()).toMatch(/Approved[\s\S]*by Gus Harper \(you\)/);
    await checkpoint(other.page, 'purposes-04-approved');
    expect(other.problems).toEqual([]);
    expect((await auditRows(world)).filter((r) => r.action === 'purpose.approve' && r.resource_id === purposeId).map((r) => [r.decision, r.rule_id, r.actor_id]))
      .toEqual([['deny', 'purposes/no-self-approval', gia.id], ['allow', 'purposes/guardian-approves', gus.id]]);

    // The manager sees the register, at 375 px too.
    const phone = await newPage(browser, { width: 375 });
    await signIn(phone.page, base, 'morgan.reyes', '/purposes');
    await phone.page.getByRole('link', { name: 'Referral to a GP' }).waitFor();
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'purposes-05-register-375px');
  }, 300_000);

  it('practice 3 third-party-meetings: staff record a meeting with an external attendee, record their acknowledgement, then prepare their CONFIDENTIAL copy', async () => {
    world.clock.set(new Date(Date.now() + 60_000)); // the server's clock a little ahead of the browser's: "held now" is not in its future
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Record a meeting' }).click();
    await page.getByRole('heading', { name: 'Record a meeting', level: 1 }).waitFor();
    await page.getByLabel('Title').fill('Review with the GP');
    await page.getByLabel('Name of external attendee 1').fill('Dr Amira Nurse');
    await page.getByLabel('Organisation').fill('Riverside Surgery');
    await page.getByRole('button', { name: /Who they are/ }).click();
    await page.getByRole('option', { name: 'Health professional' }).click();
    await page.getByLabel('Notes', { exact: true }).fill('Agreed Ada will see the practice nurse fortnightly; we keep her Thursday session.');
    await choose(page.getByRole('radiogroup', { name: 'What the notes hold' }), /^Personal/);
    await checkpoint(page, 'meetings-01-record');
    await page.getByRole('button', { name: 'Record the meeting' }).click();
    await page.getByRole('heading', { name: 'Review with the GP', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/notes: Personal/);
    await page.getByText(/One external attendee has not yet acknowledged confidentiality/).waitFor();
    const attendee = page.locator('.attendee-list li', { hasText: 'Dr Amira Nurse' });
    expect(await attendee.textContent()).toMatch(/Health professional · Riverside Surgery[\s\S]*Not yet acknowledged/);

    // Before the acknowledgement the API refuses their copy, and says why.
    await attendee.getByRole('button', { name: /Prepare their copy/ }).click();
    await expect.poll(() => attendee.getByRole('alert').textContent()).toMatch(/has not acknowledged the confidentiality/);
    await checkpoint(page, 'meetings-02-copy-refused');
    await attendee.getByRole('button', { name: /They acknowledged confidentiality/ }).click();
    await expect.poll(() => attendee.textContent()).toMatch(/Acknowledged confidentiality/);
    await attendee.getByRole('button', { name: /Prepare their copy/ }).click();
    const copy = page.getByRole('region', { name: 'Copy of the notes for Dr Amira Nurse' });
    await expect.poll(() => copy.textContent()).toMatch(/CONFIDENTIAL[\s\S]*practice nurse fortnightly/);
    await checkpoint(page, 'meetings-03-confidential-copy');

    const meetingId = (await auditRows(world)).find((r) => r.action === 'meeting.record')!.resource_id as string;
    const trail = (await auditRows(world)).filter((r) => r.resource_id === meetingId).map((r) => [r.action, r.decision, r.rule_id]);
    expect(trail).toEqual(expect.arrayContaining([
      ['meeting.record', 'allow', 'meetings/case-team-records'],
      ['meeting.share', 'deny', 'meetings/acknowledgement-first'],
      ['meeting.acknowledge', 'allow', 'meetings/case-team-records'],
      ['meeting.share', 'allow', 'meetings/share-after-acknowledgement'],
    ]));

    // On a phone: the meeting and its attendees fit 375 px.
    const phone = await newPage(browser, { width: 375 });
    await signIn(phone.page, base, 'sam.patel', `/meetings/${meetingId}`);
    await phone.page.getByRole('heading', { name: 'Review with the GP', level: 1 }).waitFor();
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'meetings-04-meeting-375px');
    expect(phone.problems).toEqual([]);

    // Back on the person's page, the meeting is listed with its acknowledgements.
    await page.getByRole('link', { name: 'Back to the person' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Meetings with others' }).textContent()).toMatch(/Review with the GP[\s\S]*All acknowledged/);
    expect(problems).toEqual([]);
  }, 300_000);

  it('4.1 no-surprises, 1.3: staff open "how your information is used" from the person\'s page — the meeting notes given to the outside attendee listed, not the notes — print it without the app around it, and download the PDF', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'How their information is used' }).click();
    await page.getByRole('heading', { name: 'How your information is used', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/For Ada Lovelace · prepared on .* by Sam Patel[\s\S]*Your rights/);
    // The copy prepared for the GP at the meeting above (practice 3): to whom and when, never what the notes say.
    const meetings = page.getByRole('region', { name: 'Meeting notes we shared outside our staff team' });
    expect(await meetings.textContent()).toMatch(/After a meeting about you on .*, we gave the notes to Dr Amira Nurse \(Riverside Surgery\)\.[\s\S]*we prepared a copy of the notes for them, marked confidential/);
    expect(await page.locator('main').textContent()).not.toContain('practice nurse fortnightly');
    // 1.3, practice 4.1: staff may not see a safeguarding referral's disclosure, so the section never says "none": a manager completes it.
    expect(await page.getByRole('region', { name: 'Information we passed on' }).textContent()).toMatch(/To be completed by a manager[\s\S]*This part can only be completed by a manager[\s\S]*So far this part lists/);
    expect(await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href')).toBe(`/api/people/${personId}/information-use.pdf`);
    await checkpoint(page, 'information-use-01-screen');
    const pdf = await page.request.get(`${base}/api/people/${personId}/information-use.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/application\/pdf/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.topbar').isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Download PDF' }).isVisible()).toBe(false);
    await checkpoint(page, 'information-use-02-print');
    expect((await auditRows(world)).filter((r) => r.action === 'person.information-use' && r.actor_id === staff.id).map((r) => [r.decision, r.rule_id, JSON.parse(r.detail).format]))
      .toEqual(expect.arrayContaining([['allow', 'information-use/case-team', 'json'], ['allow', 'information-use/case-team', 'pdf']]));
    expect(problems).toEqual([]);
  }, 120_000);
  // Last: it retires the purpose the case above is held for.
  it('2.1 authorised-use, 3.1: a guardian retiring a purpose sees the open case held for it; managers are told, and the management review lists the case', async () => {
    const purposeId = await casePurpose(world);
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'gia.mensah', `/purposes/${purposeId}`);
    await page.getByRole('heading', { name: 'Casework (tests)', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/Open cases held for it\s*1/);
    const reason = page.getByLabel('No longer needed — why it is retired');
    const describedBy = (await reason.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate(`${JSON.stringify(describedBy)}.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ')`);
    expect(described).toMatch(/Nothing new goes into the 1 open case held for it until a manager moves it to a purpose in force; managers are told/);
    await reason.fill('The casework service is ending.');
    await page.getByRole('button', { name: 'Retire the purpose' }).click();
    await page.getByText(/Retired: it and every consent for it cover nothing from now/).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/Nothing new goes into the open case held for it until a manager moves it to a purpose in force/);
    await checkpoint(page, 'purposes-06-retired-with-open-case');
    expect(problems).toEqual([]);

    const mgr = await newPage(browser);
    await signIn(mgr.page, base, 'morgan.reyes', '/notifications');
    await mgr.page.getByRole('link', { name: 'A purpose was retired: 1 open case is held for it' }).click();
    await mgr.page.getByRole('heading', { name: 'Casework (tests)', level: 1 }).waitFor();
    await mgr.page.getByRole('link', { name: 'The management review lists them.' }).click();
    const section = mgr.page.getByRole('region', { name: /^Open cases not held for a purpose in force/ });
    await expect.poll(() => section.textContent()).toMatch(/1 purpose retired[\s\S]*Case opened .* — held for “Casework \(tests\)”, retired/);
    await checkpoint(mgr.page, 'purposes-07-review-cases-without-purpose');
    expect(mgr.problems).toEqual([]);
    expect((await auditRows(world)).filter((r) => r.action === 'purpose.retire').map((r) => [r.decision, r.rule_id, JSON.parse(r.detail).openCases])).toEqual([['allow', 'purposes/guardian-approves', 1]]);
  }, 120_000);
});
