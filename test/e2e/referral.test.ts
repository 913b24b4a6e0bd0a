import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

// A safeguarding referral worked through the decision aid in a real browser (practice 4.1–4.3, 1.3, Caldicott 7):
// raised by a volunteer with immediate risk, referred urgently to the police by a lead who is a manager — released
// at once, sharing only the items chosen — reviewed by a second manager, and on the leads' incomplete list.

/** Chooses a radio button or checkbox by its label (React Aria keeps the input visually hidden, under its label). */
const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio', { hasText: name }).click();
const tick = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.checkbox', { hasText: name }).click();
const WHAT = 'Jay said his mum’s partner locked him out overnight and hit him when he knocked.';
const NOTE = 'Contact note the police must not receive';

describe.runIf(browserAvailable)('safeguarding referrals through the decision aid in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let volunteer: TestUser, leadManager: TestUser, manager2: TestUser, lead: TestUser;
  let personId: string;
  const db = () => world.services.db.kysely;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager'], { username: 'priya.shah' });
    manager2 = await makeUser(world, ['manager'], { username: 'mo.khan' });
    lead = await makeUser(world, ['safeguarding_lead', 'staff'], { username: 'lee.ward' });
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    for (const [u, name] of [[volunteer, 'Val Okafor'], [leadManager, 'Priya Shah'], [manager2, 'Mo Khan'], [lead, 'Lee Ward']] as const) {
      await db().updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    expect((await as(world, leadManager).post('/api/organisations', { kind: 'police', name: 'City Police Public Protection Unit' })).statusCode).toBe(201);
    expect((await as(world, leadManager).post('/api/organisations', { kind: 'local_authority', name: 'City Council Children’s Services' })).statusCode).toBe(201);
    const purpose = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team or the police need to protect a child or an adult at risk.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['local authority safeguarding team', 'police'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-03-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    expect((await as(world, guardian2).post(`/api/purposes/${purpose.json().data.id}/approve`, {}, { 'if-match': purpose.headers.etag as string })).statusCode).toBe(200);
    personId = await makePerson(world, { givenName: 'Jay', familyName: 'Carter' });
    await db().updateTable('people').set({ date_of_birth: '2013-05-14' }).where('id', '=', personId).execute();
    const caseId = await makeCase(world, personId, { [volunteer.id]: 'volunteer', [lead.id]: 'worker' });
    const noteId = await makeNote(world, caseId, volunteer.id, 'Phoned his aunt about the school trip');
    await db().updateTable('notes').set({ kind: 'contact', title: NOTE }).where('id', '=', noteId).execute(); // a contact note: offered, never pre-chosen
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('practice 4.1 safeguarding-management: a lead who is a manager refers urgently to the police through the decision aid, released at once with only the items chosen (1.3, Caldicott 3); a second manager reviews it; the record waits on the incomplete list', async () => {
    // The volunteer raises the concern, saying someone is at risk now.
    const vol = await newPage(browser);
    await signIn(vol.page, base, 'val.okafor', '/concerns/new');
    await vol.page.getByRole('heading', { name: 'Raise a concern', level: 1 }).waitFor();
    await choose(vol.page, 'A child (under 18)');
    await vol.page.getByRole('combobox', { name: /Their record/ }).fill('Jay');
    await vol.page.getByRole('option', { name: /Jay Carter/ }).click();
    await vol.page.getByLabel('What did you see or hear?').fill(WHAT);
    await choose(vol.page, /^Yes/);
    await vol.page.getByRole('button', { name: 'Send to the safeguarding leads' }).click();
    await vol.page.getByRole('heading', { name: 'Concern sent' }).waitFor();
    const concernId = (await auditRows(world)).find((r) => r.action === 'concern.raise')!.resource_id as string;
    expect(vol.problems).toEqual([]);

    // The lead: from the inbox to the concern, then the decision aid.
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'priya.shah', '/concerns');
    await page.getByRole('heading', { name: 'Concerns', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Concern about a child' }).click();
    await page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toContain('Jay Carter');
    await page.getByRole('button', { name: 'Make a referral…' }).click();
    const aid = page.locator('.referral-aid');
    await expect.poll(() => focused(page).then((f) => f.tag)).toBe('H3'); // focus moves to each step's heading

    // Step 1, sent empty: each error tied to its field, focus on the first.
    await aid.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => aid.getByRole('radiogroup', { name: 'Who does the referral go to?' }).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'INPUT', name: 'to' });
    const reason = aid.getByLabel('What is the risk?');
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await reason.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toMatch(/Say what the risk is/);
    await checkpoint(page, 'referral-01-step1-errors');
    await choose(aid, 'The police');
    await choose(aid.getByRole('radiogroup', { name: 'Must it go now?' }), /^Yes, urgent/);
    await choose(aid.getByRole('radiogroup', { name: /risk of harm/ }), 'Yes');
    await reason.fill('Physical harm at home; locked out overnight');
    await aid.getByRole('button', { name: 'Continue' }).click();

    // Step 2: consent left for later (urgent only).
    await aid.getByRole('heading', { name: 'Step 2 of 6: Consent' }).waitFor();
    expect(await focused(page).then((f) => f.tag)).toBe('H3');
    await choose(aid, 'Answer later');
    await aid.getByRole('button', { name: 'Continue' }).click();

    // Step 3: nothing chosen for the lead; they choose the concern's account, name and date of birth — not the note.
    await aid.getByRole('heading', { name: 'Step 3 of 6: What to share' }).waitFor();
    await expect.poll(() => aid.locator('label.checkbox').count()).toBeGreaterThan(3);
    expect(await aid.locator('input[type="checkbox"]:checked').count()).toBe(0);
    expect(await aid.textContent()).toContain(NOTE);
    expect(await aid.locator('label.checkbox', { hasText: /^Date of birth/ }).textContent()).toMatch(/Date of birth\s*14 May 2013$/); // as the person page shows it, not 2013-05-14
    await tick(aid, 'What was raised in this concern');
    await tick(aid, 'Given name');
    await tick(aid, 'Family name');
    await tick(aid, 'Date of birth');
    await checkpoint(page, 'referral-02-step3-items');
    await aid.getByRole('button', { name: 'Continue' }).click();

    // Step 4: the agency from the register, who receives it, the purpose, how securely.
    await aid.getByRole('heading', { name: 'Step 4 of 6: With whom and how' }).waitFor();
    await aid.getByRole('button', { name: /The agency/ }).click();
    // A referral to the police offers the police only: the council is another kind of agency (the API refuses it too).
    expect(await page.getByRole('option').allTextContents()).toEqual(['City Police Public Protection Unit']);
    await page.getByRole('option', { name: 'City Police Public Protection Unit' }).click();
    await aid.getByLabel('Who receives it').fill('DC Amy Price');
    await aid.getByLabel('Their role or team').fill('Child protection officer');
    await choose(aid, 'Safeguarding referrals');
    await choose(aid, 'Secure e-mail');
    await aid.getByRole('button', { name: 'Continue' }).click();

    // Step 5: telling the person, later; the police's reference.
    await aid.getByRole('heading', { name: 'Step 5 of 6: Telling the person' }).waitFor();
    await choose(aid.getByRole('radiogroup', { name: /be told/ }), 'Answer later');
    await aid.getByLabel('The agency’s reference').fill('PPU-2026-118');
    await aid.getByRole('button', { name: 'Continue' }).click();

    // Step 6: the answers to check, and what happens on sending.
    await aid.getByRole('heading', { name: 'Step 6 of 6: Check and send' }).waitFor();
    expect(await aid.textContent()).toMatch(/the police — urgent[\s\S]*What was raised in this concern[\s\S]*Date of birth[\s\S]*DC Amy Price, Child protection officer, City Police Public Protection Unit[\s\S]*Released at once/);
    expect(await aid.textContent()).not.toContain(NOTE);
    await checkpoint(page, 'referral-03-check');
    await aid.getByRole('button', { name: 'Release to the police now' }).click();

    const sent = page.locator('.referral-sent');
    await sent.waitFor();
    expect(await sent.textContent()).toMatch(/Released at once to the police[\s\S]*D-\d{8}-[0-9A-F]{6}[\s\S]*Complete the answers you left by/);
    expect(await focused(page).then((f) => f.tag)).toBe('DIV');
    const href = await sent.getByRole('link', { name: 'Download the pack (PDF)' }).getAttribute('href');
    const pdf = await page.context().request.get(`${base}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/application\/pdf/);
    await expect.poll(() => page.locator('.chronology').textContent()).toMatch(/Priya Shah made an urgent referral to the police, released at once/);
    await checkpoint(page, 'referral-04-released');

    // The audit: the referral under its rule, released at once by the manager's rule, only the items chosen.
    const trail = await auditRows(world);
    const refer = trail.filter((r) => r.action === 'concern.refer' && r.resource_id === concernId);
    expect(refer.map((r) => [r.decision, r.rule_id, r.actor_id])).toEqual([['allow', 'safeguarding/referral', leadManager.id]]);
    const detail = JSON.parse(refer[0].detail);
    expect(detail).toMatchObject({ urgent: true, release: 'at-once', missing: ['consentPossibleAndSafe', 'consentNote', 'personTold'], atOnce: { allowed: true, rule: 'safeguarding/urgent-release-by-manager' } });
    const requested = trail.filter((r) => r.action === 'disclosure.request' && r.subject_person_id === personId && r.decision === 'allow');
    expect(JSON.parse(requested.at(-1)!.detail).items).toEqual({ personFields: ['givenName', 'familyName', 'dateOfBirth'], notes: 0, attachments: 0, concern: true });
    expect(trail.some((r) => r.action === 'disclosure.release' && r.decision === 'allow' && r.subject_person_id === personId)).toBe(true);
    for (const r of refer) expect(r.detail).not.toMatch(/locked out|PPU-2026/);

    // The maker may not review their own release: the API's can says no, so it is not offered.
    const item = page.locator('.referral-item').first();
    expect(await item.getByRole('button', { name: 'Review the release…' }).count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Complete the record…' }).count()).toBe(1);
    expect(problems).toEqual([]);

    // A second manager reviews it.
    const second = await newPage(browser);
    await signIn(second.page, base, 'mo.khan', `/concerns/${concernId}`);
    await second.page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    const theirs = second.page.locator('.referral-item').first();
    await theirs.getByRole('button', { name: 'Review the release…' }).click();
    await expect.poll(() => focused(second.page).then((f) => f.tag)).toBe('H4');
    await choose(theirs, 'Yes, it was right');
    await theirs.getByLabel('What you checked and found').fill('Immediate risk overnight; only name, date of birth and the account went. Right to release at once.');
    await theirs.getByRole('button', { name: 'Record the review' }).click();
    await expect.poll(() => second.page.locator('.chronology').textContent()).toMatch(/Mo Khan reviewed the release: it was right/);
    await expect.poll(() => focused(second.page).then((f) => f.tag)).toBe('DIV');
    expect(await second.page.locator('.notice-focus').textContent()).toContain('Reviewed: the release was right.');
    await checkpoint(second.page, 'referral-05-reviewed');
    const review = (await auditRows(world)).filter((r) => r.action === 'referral.review');
    expect(review.map((r) => [r.decision, r.actor_id, r.resource_id])).toEqual([['allow', manager2.id, concernId]]);
    expect(second.problems).toEqual([]);

    // The leads' list, from the inbox: the record is still incomplete — the answers left — with its deadline.
    await page.goto(`${base}/concerns`);
    await page.getByRole('heading', { name: 'Concerns', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Referrals to complete' }).click();
    await page.getByRole('heading', { name: 'Referrals', level: 1 }).waitFor();
    const cards = page.locator('.concern-list > li');
    await expect.poll(() => cards.count()).toBe(1);
    expect(await cards.first().textContent()).toMatch(/Referral to the police[\s\S]*Still to do: whether consent could be sought, what the person said, or why they were not asked, whether the person will be told[\s\S]*Urgent[\s\S]*Due in 2[34] hours/);
    expect(await cards.first().textContent()).not.toContain('second manager');
    await checkpoint(page, 'referral-06-incomplete-list');

    // On a phone: the list and the concern's referral fit 375 px.
    const phone = await newPage(browser, { width: 375 });
    await signIn(phone.page, base, 'priya.shah', '/concerns/referrals');
    await phone.page.getByRole('heading', { name: 'Referrals', level: 1 }).waitFor();
    await expect.poll(() => phone.page.locator('.concern-list > li').count()).toBe(1);
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'referral-07-list-375px');
    await phone.page.getByRole('link', { name: 'Referral to the police' }).click();
    await phone.page.locator('.referral-item').first().waitFor();
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'referral-08-concern-375px');
    await phone.page.getByRole('button', { name: 'Make a referral…' }).click();
    await phone.page.getByRole('heading', { name: 'Step 1 of 6: Risk of harm' }).waitFor();
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'referral-08b-aid-375px');
    expect(phone.problems).toEqual([]);

    // The lead completes the answers the urgent referral left: the record is complete and leaves the list.
    await page.goto(`${base}/concerns/${concernId}`);
    const mine = page.locator('.referral-item').first();
    await mine.getByRole('button', { name: 'Complete the record…' }).click();
    await choose(mine.getByRole('radiogroup', { name: /consent/ }), 'No');
    await mine.getByLabel(/What they said when asked/).fill('Asking would warn his mum’s partner');
    await choose(mine.getByRole('radiogroup', { name: /be told/ }), 'No');
    await mine.getByLabel('Why they will not be told').fill('The police decide when to tell his mother');
    await mine.getByRole('button', { name: 'Save the answers' }).click();
    await expect.poll(() => page.locator('.chronology').textContent()).toMatch(/Priya Shah completed the referral’s record\./);
    await expect.poll(() => page.locator('.referral-item').first().textContent()).toContain('Record complete');
    const completed = (await auditRows(world)).filter((r) => r.action === 'referral.complete');
    expect(completed.map((r) => [r.decision, r.actor_id, JSON.parse(r.detail).complete])).toEqual([['allow', leadManager.id, true]]);
    await checkpoint(page, 'referral-09-completed');
    await page.goto(`${base}/concerns/referrals`);
    await expect.poll(() => page.locator('main').textContent()).toContain('Every referral’s record is complete.');
    expect(problems).toEqual([]);
  }, 300_000);

  it('practice 4.2 safeguarding-management: a lead who is not a manager refers, sharing the concern\'s account; nothing goes until a manager who did not make it approves it in the browser (1.3)', async () => {
    const raised = await as(world, volunteer).post('/api/concerns', { concernFor: 'child', personId, whatHappened: 'Jay said he is scared to go home', occurredAt: world.clock.now().toISOString(), immediateRisk: false });
    expect(raised.statusCode, raised.body).toBe(201);
    const concernId = raised.json().data.id as string;
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'lee.ward', `/concerns/${concernId}`);
    await page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Make a referral…' }).click();
    const aid = page.locator('.referral-aid');
    const next = () => aid.getByRole('button', { name: 'Continue' }).click();
    await choose(aid, 'The local authority’s safeguarding team');
    await choose(aid.getByRole('radiogroup', { name: 'Must it go now?' }), /^No/);
    expect(await aid.textContent()).toContain('A manager is told at once and approves it'); // not a manager: no release at once
    await choose(aid.getByRole('radiogroup', { name: /risk of harm/ }), 'Yes');
    await aid.getByLabel('What is the risk?').fill('Fear of going home after a disclosure of harm');
    await next();
    await aid.getByRole('heading', { name: 'Step 2 of 6: Consent' }).waitFor();
    expect(await aid.getByText('Answer later').count()).toBe(0); // only an urgent referral leaves answers for later
    await choose(aid.getByRole('radiogroup', { name: /consent/ }), 'No');
    await aid.getByLabel('Why they were not asked').fill('Asking his mother could put him at greater risk');
    await next();
    await tick(aid, 'What was raised in this concern');
    await next();
    await aid.getByRole('button', { name: /The agency/ }).click();
    await page.getByRole('option', { name: 'City Council Children’s Services' }).click();
    await aid.getByLabel('Who receives it').fill('Duty social worker');
    await aid.getByLabel('Their role or team').fill('Children’s services front door');
    await aid.getByLabel(/Their secure e-mail/).fill('duty-team.example.org'); // checked by the API only
    await choose(aid, 'Safeguarding referrals');
    await choose(aid, 'The agency’s secure referral portal');
    await next();
    await choose(aid.getByRole('radiogroup', { name: /be told/ }), 'Yes');
    await next();
    await aid.getByRole('button', { name: 'Send for a manager’s approval' }).click();
    // The API's field error goes back to its step, tied to its field, with focus on it; nothing was written.
    await aid.getByRole('heading', { name: 'Step 4 of 6: With whom and how' }).waitFor();
    const email = aid.getByLabel(/Their secure e-mail/);
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'INPUT', name: 'share.recipient.email' });
    await checkpoint(page, 'referral-10-api-error');
    expect(await world.services.db.kysely.selectFrom('referrals').select('id').where('concern_id', '=', concernId).execute()).toEqual([]);
    await email.fill('duty-team@council.example.org');
    await next();
    await next();
    await aid.getByRole('button', { name: 'Send for a manager’s approval' }).click();
    await expect.poll(() => page.locator('.referral-sent').textContent()).toMatch(/waiting for a manager’s approval[\s\S]*Nothing has gone yet/);
    expect(await page.locator('.referral-item').first().getByRole('button', { name: 'Approve or refuse…' }).count()).toBe(0);
    await checkpoint(page, 'referral-11-awaiting');
    expect(problems).toEqual([]);

    const mgr = await newPage(browser);
    await signIn(mgr.page, base, 'mo.khan', `/concerns/${concernId}`);
    const item = mgr.page.locator('.referral-item').first();
    await item.getByRole('button', { name: 'Approve or refuse…' }).click();
    await item.getByRole('button', { name: 'Record the decision' }).click();
    await expect.poll(() => item.getByRole('radiogroup', { name: 'Your decision' }).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(mgr.page)).toMatchObject({ tag: 'INPUT', name: 'decision' });
    await choose(item, 'Approve and release');
    await item.getByLabel('Why').fill('A child afraid to go home after a disclosure of harm: the legal duty applies.');
    await item.getByRole('button', { name: 'Record the decision' }).click();
    await expect.poll(() => mgr.page.locator('.chronology').textContent()).toMatch(/Mo Khan approved the referral: the information was released/);
    await expect.poll(() => mgr.page.locator('.referral-item').first().textContent()).toMatch(/Approved and released to the local authority’s safeguarding team[\s\S]*Record complete/);
    await checkpoint(mgr.page, 'referral-12-approved');
    const approvals = (await auditRows(world)).filter((r) => r.action === 'disclosure.approve' && r.actor_id === manager2.id);
    expect(approvals.map((r) => [r.decision, JSON.parse(r.detail).decision, JSON.parse(r.detail).concernId])).toEqual([['allow', 'approve', concernId]]);
    expect(mgr.problems).toEqual([]);
  }, 300_000);
});
