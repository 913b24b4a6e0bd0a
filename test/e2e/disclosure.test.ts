import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, screenshot, signIn, startBrowser } from './browser';

const told = { why: 'So the trust can carry on mentoring you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot hand over your mentoring.' };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const day = (offset: number) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe.runIf(browserAvailable)('disclosure and sharing agreements in a real browser (4.3, practice 5.1)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser, manager: TestUser, manager2: TestUser, guardian: TestUser, guardian2: TestUser;
  let personId: string, orgId: string, purposeId: string;
  const db = () => world.services.db.kysely;
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    world = await createWorld('sqlite');
    // The browser records "today" from its own clock: the server's clock starts a minute before it.
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    manager2 = await makeUser(world, ['manager'], { username: 'mo.khan' });
    guardian = await makeUser(world, ['guardian'], { username: 'gus.ward' });
    guardian2 = await makeUser(world, ['guardian'], { username: 'gia.ward' });
    for (const [u, name] of [[staff, 'Sam Patel'], [manager, 'Morgan Reyes'], [manager2, 'Mo Khan'], [guardian, 'Gus Ward'], [guardian2, 'Gia Ward']] as const) {
      await db().updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    const org = await as(world, manager).post('/api/organisations', { kind: 'partner_agency', name: 'Riverside Youth Trust' });
    expect(org.statusCode, org.body).toBe(201);
    orgId = org.json().data.id;
    expect((await as(world, manager).post('/api/organisations', { kind: 'partner_agency', name: 'Hillside Housing' })).statusCode).toBe(201);
    // An active purpose: proposed by a manager, approved by a guardian (3.1).
    const purpose = await as(world, manager).post('/api/purposes', {
      name: 'Handing over mentoring to a partner', description: 'Share what a partner needs to carry on supporting the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special', 'session'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    purposeId = purpose.json().data.id;
    expect((await as(world, guardian2).post(`/api/purposes/${purposeId}/approve`, {}, { 'if-match': purpose.headers.etag as string })).statusCode).toBe(200);
    // Jo, on Sam's team, with a phone number and a session note — and no consent to share yet.
    personId = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs', email: 'jo@example.org' });
    await db().updateTable('people').set({ phone: '07700 900456' }).where('id', '=', personId).execute();
    const caseId = await makeCase(world, personId, { [staff.id]: 'lead' });
    await makeNote(world, caseId, staff.id);
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

  it('4.3 third-party-disclosure: a disclosure refused without consent (1.3) and released with it — request, refusal with its clause, the recipient\'s acknowledgement through the link, release, the pack downloaded, the register', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${personId}`);
    await page.getByRole('heading', { name: 'Jo Bloggs', level: 1 }).waitFor();
    const panel = page.getByRole('region', { name: 'Shared with other organisations' });
    await expect.poll(() => panel.textContent()).toContain('Nothing shared.');
    await panel.getByRole('link', { name: 'Share information' }).click();
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();

    // Step 1: continuing with nothing ties one message to each missing answer and moves focus to the first.
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByLabel('Name of the person receiving it').getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await page.getByLabel('Name of the person receiving it').getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).toMatch(/Enter the name of the person receiving it/);
    expect(await page.getByRole('radiogroup', { name: 'Purpose' }).getAttribute('aria-invalid')).toBe('true');
    await checkpoint(page, 'disclosure-01-recipient-errors');
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await page.getByLabel('Name of the person receiving it').fill('Sam Carter');
    await page.getByLabel('Their role').fill('Youth worker');
    await page.getByLabel('Their email').fill('sam.carter@riverside.example');
    await page.locator('label.radio', { hasText: /^Handing over mentoring/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 2: the items — nothing chosen for the worker (Caldicott 3); continuing with none is refused on the spot.
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
    await expect.poll(async () => (await focused(page)).tag).toBe('H2');
    expect(await page.locator('input[type="checkbox"]').count()).toBeGreaterThan(3);
    expect(await page.locator('input[type="checkbox"]:checked').count()).toBe(0);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(async () => (await focused(page)).name).toBe('items.personFields');
    expect(await page.locator('.field-error').first().textContent()).toMatch(/Choose at least one item/);
    for (const f of [/^Given name/, /^Family name/, /^Phone/]) await page.locator('label.checkbox', { hasText: f }).click();
    await expect.poll(() => page.locator('.field-error').count()).toBe(0); // answered: the message goes
    await checkpoint(page, 'disclosure-02-items');
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 3: the reason; the basis is their consent, checked by the server.
    await page.getByRole('heading', { name: /Step 3 of 4/ }).waitFor();
    await page.getByLabel('The clear reason for sharing').fill('The trust takes over Jo’s mentoring next term and needs to contact Jo.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 4 of 4/ }).waitFor();
    await checkpoint(page, 'disclosure-03-check');

    // Sent without consent: refused in the API's words with its clause; nothing written; the refusal audited.
    await page.getByRole('button', { name: 'Send the request' }).click();
    const refusal = page.locator('.refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Refused — nothing has been shared/);
    expect(await refusal.locator('.refusal-clause').textContent()).toBe('Policy clause 1.3, 4.1, 4.2');
    expect(await page.evaluate('document.activeElement?.classList.contains("refusal")')).toBe(true);
    expect(await disclosures()).toBe(0);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers', resource_id: personId, actor_id: staff.id });
    await checkpoint(page, 'disclosure-04-refused-no-consent');

    // Jo agrees: consent to this recipient for this purpose is recorded; the same request goes through.
    const consent = await as(world, staff).post(`/api/people/${personId}/consents`, {
      purposeId, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgId }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    // Sending the same request again would meet the same refusal, so it is not offered: the worker changes the request.
    expect(await refusal.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    await refusal.getByRole('button', { name: 'Change the request' }).click();
    await page.getByRole('heading', { name: /Step 1 of 4/ }).waitFor();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 4 of 4/ }).waitFor();
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Sharing with Riverside Youth Trust', level: 1 }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Your request is recorded.');
    expect(await disclosures()).toBe(1);
    const disclosureId = new URL(page.url()).pathname.split('/')[2];
    await page.getByRole('heading', { name: 'Send the recipient the link', level: 2 }).waitFor();
    await checkpoint(page, 'disclosure-05-requested');
    await page.getByRole('button', { name: 'Create the link' }).click();
    const linkInput = page.getByLabel('Acknowledgement link');
    await linkInput.waitFor();
    const token = new URL(await linkInput.inputValue()).pathname.split('/').at(-1)!;
    expect(new URL(await linkInput.inputValue()).pathname).toBe(`/acknowledge/${token}`);
    await checkpoint(page, 'disclosure-06-link');

    // The recipient, with no account: the terms and the reference, nothing about Jo; then a typed name and the date.
    const recipient = await newPage(browser);
    await recipient.page.goto(`${base}/acknowledge/${token}`);
    await recipient.page.getByRole('heading', { name: 'Accept the confidentiality terms', level: 1 }).waitFor();
    const shown = (await recipient.page.locator('body').textContent()) ?? '';
    expect(shown).toContain('Sam Carter');
    expect(shown).toContain('CONFIDENTIAL');
    for (const secret of ['Jo', 'Bloggs', '07700', 'mentoring next term']) expect(shown).not.toContain(secret);
    await recipient.page.getByRole('button', { name: 'I accept these terms' }).click();
    await expect.poll(() => recipient.page.getByLabel('Type your full name to accept').getAttribute('aria-invalid')).toBe('true');
    expect((await focused(recipient.page)).name).toBe('typedName');
    await checkpoint(recipient.page, 'disclosure-07-acknowledge');
    await recipient.page.getByLabel('Type your full name to accept').fill('Sam Carter');
    await recipient.page.getByRole('button', { name: 'I accept these terms' }).click();
    await recipient.page.getByText('You have accepted the confidentiality terms').waitFor();
    await checkpoint(recipient.page, 'disclosure-08-acknowledged');
    await recipient.page.reload();
    await recipient.page.getByRole('heading', { name: 'This link does not work', level: 1 }).waitFor(); // one-time
    expect(recipient.problems).toEqual([]);

    // Release: checked again on the server, then the pack — PDF and JSON — downloaded.
    await page.reload();
    await page.getByRole('heading', { name: 'Release the pack', level: 2 }).waitFor();
    expect(await page.locator('.facts').textContent()).toMatch(/Terms acceptedSam Carter, .* \(through the link\)/);
    await page.getByRole('button', { name: 'Release the pack' }).click();
    await page.getByRole('heading', { name: 'Released', level: 2 }).waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('next-title');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the pack (PDF)' }).click();
    expect((await download).suggestedFilename()).toMatch(/^disclosure-D-\d{8}-[0-9A-F]{6}\.pdf$/);
    const pdf = await page.context().request.get(`${base}/api/disclosures/${disclosureId}/pack.pdf`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const json = await page.context().request.get(`${base}/api/disclosures/${disclosureId}/pack.json`);
    expect(json.status()).toBe(200);
    expect(await json.text()).toContain('Bloggs');
    await page.getByRole('button', { name: 'Record that they were told' }).click();
    await expect.poll(() => page.locator('.facts').textContent()).toMatch(/Person told/);
    await checkpoint(page, 'disclosure-09-released');

    // The person's page lists it.
    await page.getByRole('link', { name: 'Jo Bloggs' }).click();
    await page.getByRole('heading', { name: 'Jo Bloggs', level: 1 }).waitFor();
    await expect.poll(() => panel.locator('li').count()).toBe(1);
    expect(await panel.locator('li').textContent()).toMatch(/To Riverside Youth Trust.*Released/);
    await checkpoint(page, 'disclosure-10-person-register');

    // Sam's audited journey, in order.
    const JOURNEY = ['disclosure.request', 'disclosure.acknowledgement-link', 'disclosure.acknowledge', 'disclosure.release', 'disclosure.pack', 'disclosure.told'];
    const entries = (await auditRows(world)).filter((r) => JOURNEY.includes(r.action) && (r.resource_id === disclosureId || r.resource_id === personId));
    expect(entries.map((r) => [r.action, r.decision]).filter((e, i, all) => i === 0 || e.join() !== all[i - 1].join())).toEqual([
      ['disclosure.request', 'deny'], ['disclosure.request', 'allow'], ['disclosure.acknowledgement-link', 'allow'], ['disclosure.acknowledge', 'allow'],
      ['disclosure.release', 'allow'], ['disclosure.pack', 'allow'], ['disclosure.told', 'allow'],
    ]);
    expect(problems).toEqual([]);

    // The organisation-wide register for a manager: filtered, and exported as CSV.
    const m = await newPage(browser);
    await signIn(m.page, base, 'morgan.reyes', '/disclosures');
    await m.page.getByRole('heading', { name: 'Disclosure register', level: 1 }).waitFor();
    expect(await m.page.getByRole('link', { name: 'Disclosures' }).getAttribute('aria-current')).toBe('page');
    const row = m.page.getByRole('row').nth(1);
    await expect.poll(() => row.textContent()).toMatch(/D-\d{8}-[0-9A-F]{6}.*Riverside Youth Trust.*Handing over mentoring.*Their consent.*Released/);
    await choose(m.page, /Basis/, 'Without consent (exception)');
    await m.page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => m.page.locator('.empty').textContent()).toContain('No disclosures match');
    await choose(m.page, /Basis/, 'Their consent');
    await m.page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => m.page.getByRole('row').count()).toBe(2);
    await checkpoint(m.page, 'disclosure-11-register');
    const href = await m.page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toContain('basis=consent');
    const csv = await m.page.context().request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await csv.text()).toContain(',consent,');
    expect(m.problems).toEqual([]);
  }, 300_000);

  it('1.3 disclosure-exception: the managers\' approvals — the manager who asked is not offered the decision, another manager approves it', async () => {
    await makeCase(world, personId, { [manager.id]: 'manager' });
    const asked = await as(world, manager).post('/api/disclosures', {
      personIds: [personId], recipient: { organisationId: orgId, name: 'Duty officer', role: 'Police' }, purposeId,
      reason: 'The police have asked for Jo’s contact details under a statutory request.', items: { personFields: ['givenName', 'familyName'] },
      exception: { ground: 'legal_duty', reference: 'Incident 4471/26', consentSought: true, consentAnswer: 'refused' },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const id = asked.json().data.id as string;

    const own = await newPage(browser);
    await signIn(own.page, base, 'morgan.reyes', `/disclosures/${id}`);
    await own.page.getByRole('heading', { name: 'Waiting for a manager', level: 2 }).waitFor();
    expect(await own.page.getByRole('button', { name: 'Record decision' }).count()).toBe(0);

    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, 'mo.khan', '/disclosures/approvals');
    await page.getByRole('heading', { name: 'Waiting for approval', level: 1 }).waitFor();
    const card = page.getByRole('list', { name: 'Waiting for approval' }).locator('li');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toMatch(/the law requires it.*Asked by Morgan Reyes.*Duty officer, Police/);
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'disclosure-12-approvals-narrow');
    await card.getByRole('link').click();
    await page.getByRole('heading', { name: 'Decide whether this goes without consent', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Record decision' }).click();
    await expect.poll(() => page.getByRole('radiogroup', { name: 'Your decision' }).getAttribute('aria-invalid')).toBe('true');
    await page.locator('label.radio', { hasText: /^Approve/ }).click();
    await expect.poll(() => page.getByRole('radiogroup', { name: 'Your decision' }).getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('Your justification').fill('A statutory request under the Crime and Disorder Act, reference checked.');
    await page.locator('label.radio', { hasText: /^No: telling them/ }).click();
    await page.getByLabel('Why they are not told').fill('Telling Jo would prejudice the investigation.');
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'disclosure-13-decide-narrow');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('heading', { name: 'Send the recipient the link', level: 2 }).waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('next-title');
    expect((await auditRows(world)).filter((r) => r.action === 'disclosure.approve')).toMatchObject([{ decision: 'allow', actor_id: manager2.id, resource_id: id }]);
    await screenshot(page, 'disclosure-14-approved-narrow');
    expect(problems).toEqual([]);
    expect(own.problems).toEqual([]);
  }, 180_000);

  it('practice 5.1 sharing-agreements: a manager drafts an agreement, records both signatories and the signed copy, and it is in force and on the review list; staff see it but cannot manage it; a variation is drafted and the agreement ended early with its reason', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', '/agreements');
    await page.getByRole('heading', { name: 'Sharing agreements', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New agreement' }).click();
    await page.getByRole('heading', { name: 'New sharing agreement', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await expect.poll(() => page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('title');
    await checkpoint(page, 'agreements-01-errors');
    await page.getByLabel('Title').fill('Joint working protocol with Riverside Youth Trust');
    await page.locator('label.checkbox', { hasText: /^Riverside Youth Trust/ }).click();
    await page.locator('label.checkbox', { hasText: /^Handing over mentoring/ }).click();
    for (const c of [/^General/, /^Personal/]) await page.locator('label.checkbox', { hasText: c }).click();
    await page.locator('label.radio', { hasText: /^Yes — the agreement and their consent/ }).click();
    await page.getByLabel('How the partner keeps it secure').fill('Encrypted email only; stored in their case system with access limited to the mentoring team.');
    await page.getByLabel('Whether and how they may pass it on').fill('Not without our written agreement.');
    await page.getByLabel('How long they keep it, and how it is destroyed').fill('12 months after support ends, then securely deleted.');
    await page.getByLabel('How each side tells the other of a breach').fill('Within 24 hours, to the other side’s data protection lead.');
    await page.getByLabel('In force from').fill(day(0));
    await page.getByLabel('Until (last day)').fill(day(45));
    await page.getByLabel('Review by').fill(day(30));
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.getByRole('heading', { name: 'Joint working protocol with Riverside Youth Trust', level: 1 }).waitFor();
    expect(await page.locator('.usable').textContent()).toMatch(/Not yet a basis for sharing/);
    await checkpoint(page, 'agreements-02-draft');

    // Our signatory, the partner's, then the signed copy: the agreement is signed and in force.
    await choose(page, /Who signed for us/, 'Morgan Reyes (you)');
    await page.getByLabel('Their role').fill('Chief executive');
    await page.getByRole('button', { name: 'Record signatory' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Signatures and signed copy' }).textContent()).toContain('Morgan Reyes, Chief executive');
    await page.getByLabel('Who signed for them').fill('Ade Bello');
    await page.getByLabel('Their role').fill('Director');
    await page.getByRole('button', { name: 'Record signatory' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Signatures and signed copy' }).textContent()).toContain('Ade Bello, Director');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach the signed copy…' }).click();
    await (await chooser).setFiles({ name: 'protocol-signed.pdf', mimeType: 'application/pdf', buffer: PDF });
    await expect.poll(() => page.locator('.usable').textContent()).toMatch(/In force/);
    expect(await page.getByRole('status').first().textContent()).toMatch(/the agreement is now signed/);
    expect(await page.getByRole('link', { name: /Download the signed copy/ }).count()).toBe(1);
    await checkpoint(page, 'agreements-03-in-force');
    const created = (await auditRows(world)).filter((r) => r.action.startsWith('agreement.')).map((r) => [r.action, r.decision]);
    expect(created).toEqual([['agreement.create', 'allow'], ['agreement.sign', 'allow'], ['agreement.sign', 'allow'], ['agreement.attach', 'allow'], ['agreement.signed', 'change']]);

    // It ends within 60 days: on the review list.
    await page.getByRole('link', { name: 'Sharing agreements' }).click();
    await page.getByRole('link', { name: 'Due for review' }).click();
    await page.getByRole('heading', { name: 'Agreements due for review', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Agreements due for review' }).textContent()).toMatch(/Joint working protocol.*Review and end/);
    await checkpoint(page, 'agreements-04-review');
    expect(problems).toEqual([]);

    // Staff see the agreement — not the signed copy, nor any way to change it.
    const s = await newPage(browser, { width: 375 });
    await signIn(s.page, base, 'sam.patel', '/agreements');
    await s.page.getByRole('heading', { name: 'Sharing agreements', level: 1 }).waitFor();
    await expect.poll(() => s.page.getByRole('list', { name: 'Sharing agreements' }).locator('li').count()).toBe(1);
    expect(await s.page.getByRole('link', { name: 'New agreement' }).count()).toBe(0);
    expect(await s.page.getByRole('link', { name: 'Disclosures' }).count()).toBe(0);
    await s.page.getByRole('link', { name: 'Joint working protocol with Riverside Youth Trust' }).click();
    await s.page.getByRole('heading', { name: 'Joint working protocol with Riverside Youth Trust', level: 1 }).waitFor();
    expect(await s.page.getByRole('link', { name: /Download the signed copy/ }).count()).toBe(0);
    expect(await s.page.getByRole('button', { name: 'Record signatory' }).count()).toBe(0);
    await s.page.getByRole('heading', { name: 'Reviews', level: 2 }).waitFor();
    expect(await s.page.getByRole('heading', { name: 'Record a review' }).count()).toBe(0); // managers review (3.1, practice 5.1)
    expect(await pageWidth(s.page)).toBeLessThanOrEqual(375);
    await checkpoint(s.page, 'agreements-05-staff-narrow');
    expect(s.problems).toEqual([]);

    // A manager records a review (3.1, practice 5.1): the API's objections at their fields, then the review in the
    // history, the next review date on the agreement, and the audit entry naming the rule and clause.
    await page.getByRole('link', { name: 'Sharing agreements' }).click();
    await page.getByRole('link', { name: 'Joint working protocol with Riverside Youth Trust' }).click();
    await page.getByRole('heading', { name: 'Record a review', level: 3 }).waitFor();
    expect(await page.getByRole('region', { name: 'Reviews' }).textContent()).toContain('No review recorded yet.');
    await page.getByRole('button', { name: 'Record the review' }).click();
    await expect.poll(() => page.getByRole('radiogroup', { name: 'What the review concluded' }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Note').getAttribute('aria-invalid')).toBe('true');
    await page.locator('label.radio', { hasText: /^Continue unchanged/ }).click();
    await page.getByLabel('Note').fill('Both sides keep to the conditions; the mentoring handovers work well.');
    await page.getByLabel('Next review by').fill(day(60)); // after it ends: refused at the field
    await page.getByRole('button', { name: 'Record the review' }).click();
    await expect.poll(() => page.getByLabel('Next review by').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('nextReviewOn');
    await checkpoint(page, 'agreements-05b-review-errors');
    await page.getByLabel('Next review by').fill(day(40));
    await page.getByRole('button', { name: 'Record the review' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Reviews of this agreement' }).textContent()).toContain('Both sides keep to the conditions');
    expect(await page.getByRole('status').first().textContent()).toMatch(/The review is recorded: continue unchanged/);
    expect((await auditRows(world)).filter((r) => r.action === 'agreement.review').map((r) => [r.decision, r.rule_id, r.clause, r.actor_id])).toEqual([['allow', 'agreements/review', 'practice 5.1', manager.id]]);
    await checkpoint(page, 'agreements-05c-reviewed');

    // A variation is drafted from the signed agreement; the signed one is then ended early, with the reason.
    await page.getByRole('button', { name: 'Start a variation' }).click();
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Draft — being signed');
    expect(await page.getByText('This varies').textContent()).toContain('stays in force until this one is signed');
    await page.getByRole('link', { name: 'an earlier version' }).click();
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('In force');
    await page.getByRole('button', { name: 'End early…' }).click();
    const dialog = page.getByRole('dialog', { name: 'End this agreement early' });
    await dialog.getByRole('button', { name: 'End the agreement' }).click();
    await expect.poll(() => dialog.getByLabel('Why it ends early').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Why it ends early').fill('Riverside closed its mentoring service.');
    await checkpoint(page, 'agreements-06-end-early');
    await dialog.getByRole('button', { name: 'End the agreement' }).click();
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Ended early');
    expect(await page.locator('.usable').textContent()).toMatch(/Not a basis for sharing now/);
    expect((await auditRows(world)).filter((r) => r.action === 'agreement.vary' || r.action === 'agreement.terminate').map((r) => r.action)).toEqual(['agreement.vary', 'agreement.terminate']);
    expect(await page.getByRole('heading', { name: 'Record a review' }).count()).toBe(0); // an agreement ended early is not reviewed
    // Its draft variation can no longer be signed (5.1): the page says so and offers no signing or upload.
    await page.goBack();
    await expect.poll(() => page.locator('.page-head').textContent()).toContain('Draft — being signed');
    await expect.poll(() => page.getByText('This varies').textContent()).toMatch(/which was ended early on .*: this variation can no longer be signed/);
    expect(await page.getByRole('heading', { name: 'Record a signatory' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Signed copy' }).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 180_000);

  it('4.3 third-party-disclosure, at 375 px wide: an oral disclosure recorded after a phone call, attested by staff and released; nothing needs sideways scrolling', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: 'Share information about Jo Bloggs', level: 1 }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'disclosure-15-narrow-request');
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await page.getByLabel('Name of the person receiving it').fill('Sam Carter');
    await page.getByLabel('Their role').fill('Youth worker');
    await page.locator('label.radio', { hasText: /^Handing over mentoring/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('label.checkbox', { hasText: /^Given name/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('The clear reason for sharing').fill('Sam called to confirm who to expect at the first session.');
    await page.locator('label.radio', { hasText: /^It was already said/ }).click();
    await page.locator('label.radio', { hasText: /^By phone/ }).click();
    // The call came after Jo's consent was recorded (a basis must hold when it was said, 1.3): the field takes whole
    // minutes, so the next one (within the few minutes of clock skew a time may be ahead).
    const call = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    const local = new Date(call.getTime() - call.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('When', { exact: true }).fill(local);
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'disclosure-16-narrow-oral');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Record that they accepted the terms', level: 2 }).waitFor();
    await page.getByLabel('What they were told and accepted').fill('Told Sam this is CONFIDENTIAL, for the hand-over only; Sam agreed not to pass it on.');
    await page.getByRole('button', { name: 'Record their acceptance' }).click();
    await page.getByRole('heading', { name: 'Release the pack', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Release the pack' }).click();
    await page.getByRole('heading', { name: 'Released', level: 2 }).waitFor();
    expect(await page.locator('.facts').textContent()).toMatch(/attested by staff/);
    const oral = await db().selectFrom('disclosures').select(['mode', 'oral_channel', 'ack_method', 'status']).where('mode', '=', 'oral').executeTakeFirstOrThrow();
    expect(oral).toEqual({ mode: 'oral', oral_channel: 'phone', ack_method: 'staff_attestation', status: 'released' });
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'disclosure-17-narrow-released');
    expect(problems).toEqual([]);
  }, 120_000);
});
