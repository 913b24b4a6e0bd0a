import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertPurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, screenshot, signIn, startBrowser } from './browser';

const NOTICE_EN = `How we look after your information

We keep what you tell us confidential. Only the people working with you see your record, and only what they need to know.

We share information outside the charity only with your agreement, unless someone is at risk of serious harm or the law requires it.

You can ask to see your record, ask us to correct it, and change your mind about sharing at any time.`;
const NOTICE_CY = `Sut rydym yn gofalu am eich gwybodaeth

Rydym yn cadw'r hyn rydych yn ei ddweud wrthym yn gyfrinachol.`;

describe.runIf(browserAvailable)('first contact and consent in a real browser (4.1)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let volunteer: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  let guardian2: TestUser;
  let waitingId: string;
  let mentoring: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    // The browser records "today" and "now" from its own clock: the server's clock starts a minute before it.
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    guardian = await makeUser(world, ['guardian'], { username: 'gus.ward' });
    guardian2 = await makeUser(world, ['guardian'], { username: 'gia.ward' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[staff, 'Sam Patel'], [volunteer, 'Val Okafor'], [manager, 'Morgan Reyes'], [guardian, 'Gus Ward'], [guardian2, 'Gia Ward']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    // The notice, published by the manager, with a Welsh translation of the same version.
    const en = await as(world, manager).post('/api/notices', { title: 'How we look after your information', body: NOTICE_EN, language: 'en', publish: true });
    expect(en.statusCode, en.body).toBe(201);
    const cy = await as(world, manager).post('/api/notices', { title: 'Sut rydym yn gofalu am eich gwybodaeth', body: NOTICE_CY, language: 'cy', translationOf: 1, publish: true });
    expect(cy.statusCode, cy.body).toBe(201);
    // An active purpose: proposed by the manager, approved by a guardian (3.1).
    const purpose = await as(world, manager).post('/api/purposes', {
      name: 'Referral to health services', description: 'Share what is needed so their GP can support them alongside our mentoring.',
      lawfulBasis: 'consent', art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special'],
      recipientCategories: ['internal service only', 'GP practice'], needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id,
      nextReviewOn: `${new Date().getFullYear() + 1}-06-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    const approved = await as(world, guardian2).post(`/api/purposes/${purpose.json().data.id}/approve`, {}, { 'if-match': purpose.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    // The purpose the service's cases are held for (2.1), active.
    mentoring = await insertPurpose(world, {
      name: 'Music mentoring', description: 'Mentoring young people through music, and planning their support with them.', guardianId: guardian.id,
      createdBy: manager.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01`, categories: ['general', 'personal', 'special', 'session'], art9Condition: 'not_for_profit_body',
    });
    // Someone on Sam's team who was registered before anyone told them.
    waitingId = await makePerson(world, { givenName: 'Wren', familyName: 'Adeyemi' });
    await makeCase(world, waitingId, { [staff.id]: 'lead' }, { purposeId: mentoring });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  let personId: string;

  it('4.1 informed-consent: staff register a person with the notice in their language and a case in one request, record consent, hand over the receipt, and record its withdrawal', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel');
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Add a person' }).click();
    await page.getByRole('heading', { name: 'Add a person', level: 1 }).waitFor();

    // Step 1: their details. Continuing without names ties one message to each missing field.
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByLabel('Given name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Family name').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('givenName');
    const describedBy = (await page.getByLabel('Given name').getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toMatch(/Enter their given name/);
    await checkpoint(page, 'first-contact-01-details-errors');
    await page.getByLabel('Given name').fill('Maya');
    await page.getByLabel('Family name').fill('Okonkwo');
    await page.getByLabel('Pronouns').fill('she/her');
    await page.getByLabel('Phone').fill('07700 900123');
    await page.getByRole('button', { name: /Language they prefer/ }).click();
    await page.getByRole('option', { name: 'Welsh' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 2: the notice in Welsh, to read out or hand over, and how it was given.
    await page.getByRole('heading', { name: /Step 2 of 3/ }).waitFor();
    await expect.poll(async () => (await focused(page)).tag).toBe('H2');
    await expect.poll(() => page.getByRole('region', { name: 'The notice text' }).textContent()).toContain('Rydym yn cadw');
    expect(await page.locator('.notice-meta').textContent()).toMatch(/Version 1 · Welsh/);
    await page.locator('label.radio', { hasText: /^In person/ }).click();
    await page.getByLabel('Questions they asked').fill('Asked whether her school would be told. Explained: not without her agreement.');
    await checkpoint(page, 'first-contact-02-notice');
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 3: their case, held for a purpose of the register in force (2.1): without one, the field says so.
    await page.getByRole('heading', { name: /Step 3 of 3/ }).waitFor();
    await page.getByRole('textbox', { name: /^Service/ }).fill('Drum mentoring');
    await page.getByRole('button', { name: 'Add person' }).click();
    const purposeChoice = page.getByRole('radiogroup', { name: 'Purpose' });
    await expect.poll(() => purposeChoice.getAttribute('aria-invalid')).toBe('true');
    expect(await purposeChoice.textContent()).toContain('Choose the purpose this case is held for');
    await expect.poll(async () => (await focused(page)).name).toBe('openCase.purposeId');
    await purposeChoice.locator('label.radio', { hasText: /^Music mentoring/ }).click();
    await checkpoint(page, 'first-contact-03-case');
    const before = await world.services.db.kysely.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/people'));
    await page.getByRole('button', { name: 'Add person' }).click();
    const body = JSON.parse((await sent).postData() ?? '{}');
    expect(body).toMatchObject({ givenName: 'Maya', familyName: 'Okonkwo', openCase: { service: 'Drum mentoring', purposeId: mentoring }, firstContact: { noticeVersion: 1, language: 'cy', method: 'in_person' } });
    await page.getByRole('heading', { name: 'Maya Okonkwo', level: 1 }).waitFor();
    personId = new URL(page.url()).pathname.split('/')[2];
    const today = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(new Date());
    await expect.poll(() => page.locator('.told').textContent()).toBe(`✓ Told about our confidentiality policy on ${today}`);
    await expect.poll(() => page.locator('.case-card').textContent()).toContain('Drum mentoring');
    const db = world.services.db.kysely;
    const after = await db.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    expect(await db.selectFrom('first_contacts').select(['method', 'person_id']).where('person_id', '=', personId).execute()).toEqual([{ method: 'in_person', person_id: personId }]);
    await checkpoint(page, 'first-contact-04-person-told');

    // The case is held for the purpose chosen (2.1); staff do not move a case to another purpose.
    await page.locator('.case-card').getByRole('link', { name: 'Drum mentoring' }).click();
    await expect.poll(() => page.locator('.case-purpose').textContent()).toContain('Held for: Music mentoring');
    expect(await page.getByRole('button', { name: 'Change purpose' }).count()).toBe(0);
    await page.goBack();
    await page.getByRole('heading', { name: 'Maya Okonkwo', level: 1 }).waitFor();

    // Record consent: nothing to answer before the purpose is chosen; then the API's field errors, each on its field.
    await page.getByRole('link', { name: 'Record consent' }).click();
    await page.getByRole('heading', { name: 'Record consent for Maya Okonkwo', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await expect.poll(async () => (await focused(page)).name).toBe('purposeId');
    await checkpoint(page, 'first-contact-05-consent-errors');
    await page.locator('label.radio', { hasText: /^Referral to health services/ }).click();
    await page.locator('label.checkbox', { hasText: /^GP practice/ }).click();
    expect(await page.getByLabel('Why we need to share their information').inputValue()).toContain('so their GP can support them');
    await page.getByRole('button', { name: 'Record consent' }).click();
    // Each unexplained point is its own message on its own field.
    await expect.poll(() => page.getByLabel('Who it will be shared with').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('That not agreeing may mean not getting a service').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('told.withWhom');
    expect(await page.locator('.field-error').count()).toBeGreaterThanOrEqual(4);
    await checkpoint(page, 'first-contact-06-consent-told-errors');
    await page.getByLabel('Who it will be shared with').fill('Your GP practice, Riverside Surgery.');
    await page.getByLabel('What happens if they agree, and if they do not').fill('If you agree, your GP hears about the mentoring and may call you. If not, nothing is sent.');
    await page.getByLabel('That not agreeing may mean not getting a service').fill('If you do not agree we cannot refer you to the NHS wellbeing service through us.');
    await page.getByLabel('Signature: they type their full name').fill('Maya Okonkwo');
    // Their answer and who gave it are chosen, never assumed (1.3, 4.1): nothing is ticked for them, and recording
    // without them names both fields and keeps everything typed.
    const answer = page.getByRole('radiogroup', { name: 'Their answer' });
    const who = page.getByRole('radiogroup', { name: 'Who answered' });
    expect(await answer.getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await who.getByRole('radio', { checked: true }).count()).toBe(0);
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/consents'));
    await page.getByRole('button', { name: 'Record consent' }).click();
    expect((await refused).status()).toBe(400);
    await expect.poll(() => answer.getAttribute('aria-invalid')).toBe('true');
    expect(await who.getAttribute('aria-invalid')).toBe('true');
    expect(await answer.textContent()).toContain('Choose their answer: whether they agree or not');
    expect(await who.textContent()).toContain('Choose who gave the answer');
    await expect.poll(async () => (await focused(page)).name).toBe('decision');
    expect(await page.getByLabel('Signature: they type their full name').inputValue()).toBe('Maya Okonkwo');
    expect(await page.getByLabel('Who it will be shared with').inputValue()).toBe('Your GP practice, Riverside Surgery.');
    expect(await page.locator('label.checkbox', { hasText: /^GP practice/ }).locator('input').isChecked()).toBe(true);
    expect(await db.selectFrom('consents').select('id').where('person_id', '=', personId).execute()).toEqual([]);
    await checkpoint(page, 'first-contact-07-consent-answer-errors');
    await answer.locator('label.radio', { hasText: /^They agree/ }).click();
    await who.locator('label.radio', { hasText: /^The person themselves/ }).click();
    await screenshot(page, 'first-contact-07-consent-form');
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('heading', { name: 'Consent recorded', level: 1 }).waitFor();
    expect(await page.title()).toBe('Consent recorded — Confide'); // no name in the tab title (3.7)
    await checkpoint(page, 'first-contact-08-consent-recorded');

    // The receipt: the link downloads a PDF.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download receipt (PDF)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^consent-receipt-.*\.pdf$/);
    const href = await page.getByRole('link', { name: 'Download receipt (PDF)' }).getAttribute('href');
    const pdf = await page.context().request.get(`${base}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // The history on the person's page, and the withdrawal: when and how.
    await page.getByRole('button', { name: 'Back to Maya Okonkwo' }).click();
    await page.getByRole('heading', { name: 'Maya Okonkwo', level: 1 }).waitFor();
    const history = page.getByRole('list', { name: 'Consent history, newest first' });
    await expect.poll(() => history.textContent()).toMatch(/Agreed\s*Referral to health services/);
    await page.getByRole('button', { name: /Record withdrawal/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Record withdrawal of consent' });
    await dialog.getByRole('button', { name: 'Record withdrawal' }).click();
    await expect.poll(() => dialog.getByRole('radiogroup', { name: 'How they told us' }).getAttribute('aria-invalid')).toBe('true');
    await dialog.locator('label.radio', { hasText: /^In writing/ }).click();
    await dialog.getByLabel('Note').fill('Emailed to say she has changed her mind.');
    await checkpoint(page, 'first-contact-09-withdraw');
    await dialog.getByRole('button', { name: 'Record withdrawal' }).click();
    await expect.poll(() => history.locator('li').count()).toBe(2);
    const newest = history.locator('li').first();
    expect(await newest.textContent()).toMatch(/Withdrawn\s*Referral to health services.*Withdrawn on .*, in writing/);
    expect(await history.locator('li').nth(1).textContent()).toMatch(/Agreed, later withdrawn\s*Referral to health services/);
    expect(await page.getByRole('button', { name: /Record withdrawal/ }).count()).toBe(0);
    await checkpoint(page, 'first-contact-10-withdrawn');

    // The audit entries the journey wrote, in order, by Sam (the receipt once for the click, once for the check).
    const JOURNEY = ['person.create', 'person.inform', 'consent.record', 'consent.receipt', 'consent.withdraw'];
    const mine = (await auditRows(world)).filter((r) => r.actor_id === staff.id && r.subject_person_id === personId && JOURNEY.includes(r.action));
    expect(mine.map((r) => r.action).filter((a, i, all) => a !== all[i - 1])).toEqual(JOURNEY);
    expect(mine.every((r) => r.decision !== 'deny')).toBe(true);
    const inform = mine.find((r) => r.action === 'person.inform')!;
    expect(JSON.parse(inform.detail as string)).toMatchObject({ language: 'cy', version: 1, method: 'in_person' });
    expect(inform.detail).not.toContain('school'); // the questions' text never goes into the audit
    const receipts = mine.filter((r) => r.action === 'consent.receipt');
    expect(receipts).toHaveLength(2);
    expect(receipts.every((r) => JSON.parse(r.detail as string).format === 'pdf')).toBe(true);
    expect(problems).toEqual([]);
  }, 240_000);

  it('4.1 informed-consent: the worklist of people not yet told leads to recording their first contact', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', '/people/not-yet-told');
    await page.getByRole('heading', { name: 'People we have not yet told', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Not yet told' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('link', { name: 'People', exact: true }).getAttribute('aria-current')).toBeNull();
    await expect.poll(() => page.locator('.worklist-card').count()).toBe(1);
    expect(await page.locator('.worklist-card').textContent()).toContain('Wren Adeyemi');
    await checkpoint(page, 'first-contact-11-worklist');
    await page.getByRole('link', { name: 'Record first contact with Wren Adeyemi' }).click();
    await page.getByRole('heading', { name: /Tell Wren Adeyemi/, level: 1 }).waitFor();
    await page.locator('label.radio', { hasText: /^By phone/ }).click();
    await checkpoint(page, 'first-contact-12-record-first-contact');
    await page.getByRole('button', { name: 'Record first contact' }).click();
    await page.getByRole('heading', { name: 'Wren Adeyemi', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.told').textContent()).toMatch(/Told about our confidentiality policy on/);
    const inform = (await auditRows(world)).filter((r) => r.action === 'person.inform' && r.resource_id === waitingId);
    expect(inform).toHaveLength(1);
    expect(JSON.parse(inform[0].detail as string)).toMatchObject({ method: 'phone', language: 'en', version: 1 });
    await page.getByRole('link', { name: 'Not yet told' }).click();
    await expect.poll(() => page.locator('.empty').textContent()).toContain('Everyone you work with has been told');
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.1 consent-by-trained-staff: a volunteer on the team is not offered "Record consent" — the API says so in can — and the API refuses it too', async () => {
    await makeCase(world, personId, { [volunteer.id]: 'volunteer' });
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'val.okafor', `/people/${personId}`);
    await page.getByRole('heading', { name: 'Maya Okonkwo', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Consent history, newest first' }).locator('li').count()).toBe(2);
    expect(await page.getByRole('link', { name: 'Record consent' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Receipt \(PDF\)/ }).count()).toBe(0);
    await checkpoint(page, 'first-contact-13-volunteer');
    const view = await as(world, volunteer).get(`/api/people/${personId}`);
    expect(view.json().can).toMatchObject({ recordConsent: false, printConsentReceipt: false });
    expect(problems).toEqual([]);
  }, 120_000);

  it("4.1 informed-consent, practice 4.1 children: for a 13-year-old the form offers only the child judged competent or a parent, says why, and records how they were judged", async () => {
    const born = new Date(Date.now() - 13.5 * 365.25 * 86_400_000).toISOString().slice(0, 10);
    const childId = await makePerson(world, { givenName: 'Kit', familyName: 'Lowe', dateOfBirth: born });
    await makeCase(world, childId, { [staff.id]: 'lead' });
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${childId}/consents/new`);
    await page.getByRole('heading', { name: 'Record consent for Kit Lowe', level: 1 }).waitFor();
    await page.locator('label.radio', { hasText: /^Referral to health services/ }).click();
    // Nothing is chosen for them (1.3, 4.1); once they agree, who may give it follows their age.
    const theirAnswer = page.getByRole('radiogroup', { name: 'Their answer' });
    expect(await theirAnswer.getByRole('radio', { name: 'They agree' }).isChecked()).toBe(false);
    await theirAnswer.locator('label.radio', { hasText: /^They agree/ }).click();
    const who = page.getByRole('radiogroup', { name: 'Who answered' });
    await who.waitFor();
    expect(await who.getByRole('radio').evaluateAll((els) => els.map((e) => e.closest('label')?.textContent?.trim().split('Record')[0]))).toEqual(['A child competent to decide', 'Someone with parental responsibility']);
    expect(await who.textContent()).toContain('They are 13: under 16, consent comes from them only if you judge them competent to decide');
    // Not even the first one their age allows.
    expect(await who.getByRole('radio', { name: /A child competent to decide/ }).isChecked()).toBe(false);
    expect(await who.getByRole('radio', { name: /Someone with parental responsibility/ }).isChecked()).toBe(false);
    await who.locator('label.radio', { hasText: /^A child competent to decide/ }).click();
    await page.locator('label.checkbox', { hasText: /^GP practice/ }).click();
    await page.getByLabel('Who it will be shared with').fill('Your GP practice.');
    await page.getByLabel('What happens if they agree, and if they do not').fill('If you agree your GP hears about the mentoring; if not, nothing is sent.');
    await page.getByLabel('That not agreeing may mean not getting a service').fill('We could not refer you to the wellbeing service through us.');
    await page.getByLabel('How you judged they are competent to decide').fill('Kit explained back what would be shared, with whom, and that they can say no at any time.');
    await page.getByLabel('Signature: they type their full name').fill('Kit Lowe');
    await checkpoint(page, 'first-contact-16-child-consent');
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('heading', { name: 'Consent recorded', level: 1 }).waitFor();
    const row = await world.services.db.kysely.selectFrom('consents').select(['given_by', 'given_by_detail']).where('person_id', '=', childId).executeTakeFirstOrThrow();
    expect(row.given_by).toBe('competent_child');
    expect(JSON.parse(row.given_by_detail!)).toEqual({ competenceAssessment: 'Kit explained back what would be shared, with whom, and that they can say no at any time.' });
    expect((await auditRows(world)).filter((r) => r.action === 'consent.record' && r.subject_person_id === childId).map((r) => [r.decision, r.rule_id])).toEqual([['allow', 'consent/record-case-team']]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('1.3, 4.1 first-contact-notice: the notice a receipt links to opens for anyone without signing in, in English or Welsh, with how to contact us', async () => {
    const { page, problems } = await newPage(browser);
    await page.goto(`${base}/privacy`);
    await page.getByRole('heading', { name: 'How we look after your information', level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: 'The notice text' }).textContent()).toBe(NOTICE_EN);
    expect(await page.locator('.notice-meta').textContent()).toMatch(/^Version 1 · English · published/);
    expect(await page.getByRole('region', { name: 'Contact us' }).textContent()).toContain(`${world.config.organisation.name} (${world.config.organisation.contact})`);
    expect(await page.getByLabel('Username').count()).toBe(0); // no sign-in asked for
    await checkpoint(page, 'first-contact-17-public-notice');
    await page.getByRole('navigation', { name: 'Other languages' }).getByRole('link', { name: 'Welsh' }).click();
    await page.getByRole('heading', { name: 'Sut rydym yn gofalu am eich gwybodaeth', level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: 'The notice text' }).textContent()).toBe(NOTICE_CY);
    expect(problems).toEqual([]);
  }, 120_000);

  it('works at 375 px wide: the registration steps and the person page fit without sideways scrolling', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, 'sam.patel', '/people/new');
    await page.getByRole('heading', { name: 'Add a person', level: 1 }).waitFor();
    await page.getByLabel('Given name').fill('Ines');
    await page.getByLabel('Family name').fill('Moreau');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('region', { name: 'The notice text' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'first-contact-14-narrow-notice');
    await page.goto(`${base}/people/${personId}`);
    await page.getByRole('heading', { name: 'Maya Okonkwo', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Consent history, newest first' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'first-contact-15-narrow-person');
    expect(problems).toEqual([]);
  }, 120_000);

  it('2.1 authorised-use: a case held for a retired purpose says so and offers no new note; a manager moves it to a purpose in force, and notes can be added again', async () => {
    const db = world.services.db.kysely;
    const retiring = await insertPurpose(world, { name: 'Summer school', description: 'A summer school of music, run once.', guardianId: guardian.id, createdBy: manager.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01` });
    const someone = await makePerson(world, { givenName: 'Rae', familyName: 'Okafor' }); // last: the worklist test counts Sam's people not yet told
    const caseId = await makeCase(world, someone, { [staff.id]: 'lead' }, { purposeId: retiring });
    await db.updateTable('purposes').set({ status: 'retired', retired_by: guardian.id, retired_at: new Date().toISOString(), retire_reason: 'The summer school ended.' }).where('id', '=', retiring).execute();

    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/cases/${caseId}`);
    const notice = page.locator('.alert.warning', { hasText: 'this case is held for was retired' });
    await expect.poll(() => notice.textContent()).toContain('The purpose “Summer school” this case is held for was retired.');
    expect(await notice.textContent()).toContain('A manager moves the case to a purpose in force.');
    expect(await page.getByRole('button', { name: 'Add a note' }).count()).toBe(0);
    expect(await notice.getByRole('button').count()).toBe(0); // staff do not move a case (2.1)
    await checkpoint(page, 'case-purpose-01-retired');

    const m = await newPage(browser);
    await signIn(m.page, base, 'morgan.reyes', `/cases/${caseId}`);
    await m.page.getByRole('button', { name: 'Move to a purpose in force' }).click();
    const dialog = m.page.getByRole('dialog', { name: 'Change the purpose of this case' });
    await dialog.getByRole('button', { name: 'Move the case' }).click();
    const choice = dialog.getByRole('radiogroup', { name: 'Purpose' });
    await expect.poll(() => choice.getAttribute('aria-invalid')).toBe('true');
    expect(await choice.textContent()).toContain('Choose the purpose this case is held for');
    expect(await choice.textContent()).not.toContain('Summer school'); // only purposes in force are offered
    await choice.locator('label.radio', { hasText: /^Music mentoring/ }).click();
    await checkpoint(m.page, 'case-purpose-02-move');
    await dialog.getByRole('button', { name: 'Move the case' }).click();
    await expect.poll(() => m.page.locator('.case-purpose').textContent()).toContain('Held for: Music mentoring');
    expect(await m.page.locator('.alert.warning', { hasText: 'this case is held for' }).count()).toBe(0);
    expect(await db.selectFrom('cases').select('purpose_id').where('id', '=', caseId).executeTakeFirstOrThrow()).toEqual({ purpose_id: mentoring });
    const moved = (await auditRows(world)).filter((r) => r.action === 'purpose.assign' && r.resource_id === caseId);
    expect(moved.map((r) => [r.decision, r.actor_id, JSON.parse(r.detail as string)])).toEqual([['change', manager.id, { from: retiring, to: mentoring }]]);

    await page.reload();
    await page.getByRole('button', { name: 'Add a note' }).waitFor();
    expect(await page.locator('.alert.warning', { hasText: 'this case is held for' }).count()).toBe(0);
    expect(problems).toEqual([]);
    expect(m.problems).toEqual([]);
  }, 120_000);
});
