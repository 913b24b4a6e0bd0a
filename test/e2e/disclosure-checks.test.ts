import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { as, makeCase, makeNote, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

const told = { why: 'So the trust can carry on mentoring you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot hand over your mentoring.' };

describe.runIf(browserAvailable)('disclosure checks in a real browser: consent withdrawn, refusals, the recipient\'s name (1.3, 4.3)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser, manager: TestUser, guardian: TestUser, guardian2: TestUser;
  let orgId: string, purposeId: string;

  /** A person on Sam's team, their consent to Riverside for the purpose (general and personal), and its id. */
  async function personWithConsent(givenName: string, dateOfBirth?: string) {
    const personId = await makePerson(world, { givenName, familyName: 'Bloggs', ...(dateOfBirth ? { dateOfBirth } : {}) });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    const consent = await as(world, staff).post(`/api/people/${personId}/consents`, {
      purposeId, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgId }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and they agreed.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    return { personId, consentId: consent.json().data.id as string };
  }
  /** A consent-based disclosure to Pat Recipient, its link accepted under `typedName`: its id. */
  async function acceptedAs(personId: string, typedName: string) {
    const d = await as(world, staff).post('/api/disclosures', {
      personIds: [personId], recipient: { organisationId: orgId, name: 'Pat Recipient', role: 'Youth worker' }, purposeId,
      reason: 'The trust takes over mentoring next term.', items: { personFields: ['givenName', 'familyName'] },
    });
    expect(d.statusCode, d.body).toBe(201);
    const id = d.json().data.id as string;
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName, date: world.clock.now().toISOString().slice(0, 10) });
    expect(ack.statusCode, ack.body).toBe(200);
    return id;
  }

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    const org = await as(world, manager).post('/api/organisations', { kind: 'partner_agency', name: 'Riverside Youth Trust' });
    expect(org.statusCode, org.body).toBe(201);
    orgId = org.json().data.id;
    const purpose = await as(world, manager).post('/api/purposes', {
      name: 'Handing over mentoring to a partner', description: 'Share what a partner needs to carry on supporting the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'session'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    purposeId = purpose.json().data.id;
    expect((await as(world, guardian2).post(`/api/purposes/${purposeId}/approve`, {}, { 'if-match': purpose.headers.etag as string })).statusCode).toBe(200);
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('1.3 informed-consent: consent withdrawn after the recipient accepted — the disclosure page says consent withdrawn with its date and offers no release; the register says so too', async () => {
    const { personId, consentId } = await personWithConsent('Kim');
    const id = await acceptedAs(personId, 'Pat Recipient');
    expect((await as(world, staff).post(`/api/consents/${consentId}/withdraw`, { method: 'orally' })).statusCode).toBe(201);
    const on = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(world.clock.now());

    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/disclosures/${id}`);
    await page.getByRole('heading', { name: 'Consent withdrawn', level: 2 }).waitFor();
    expect(await page.locator('.next-step').textContent()).toContain(`withdrew their consent for this purpose on ${on}`);
    expect(await page.locator('.page-head .badge').textContent()).toBe(`Consent withdrawn ${on}`);
    expect(await page.getByRole('button', { name: 'Release the pack' }).count()).toBe(0);
    expect(await page.getByText('Ready to release').count()).toBe(0);
    await checkpoint(page, 'disclosure-checks-01-consent-withdrawn');
    expect(problems).toEqual([]);

    const m = await newPage(browser);
    await signIn(m.page, base, 'morgan.reyes', '/disclosures');
    await m.page.getByRole('heading', { name: 'Disclosure register', level: 1 }).waitFor();
    await expect.poll(() => m.page.getByRole('row').nth(1).textContent()).toContain(`Consent withdrawn ${on}`);
    expect(await m.page.getByRole('row').nth(1).textContent()).not.toContain('Ready to release');
    expect(m.problems).toEqual([]);
  }, 120_000);

  it('3.1 purpose-register: the purpose retired after the recipient accepted — the page says so, links the purpose and offers no release', async () => {
    const made = await as(world, manager).post('/api/purposes', {
      name: 'A one-term hand-over', description: 'Share what a partner needs for one term.', lawfulBasis: 'consent', art9Condition: 'explicit_consent',
      dataCategories: ['general', 'personal'], recipientCategories: ['named partner organisation'], needsIdentity: true, retentionPeriod: 'P1Y',
      guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-06-01`,
    });
    expect(made.statusCode, made.body).toBe(201);
    const shortLived = made.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${shortLived}/approve`, {}, { 'if-match': made.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    const personId = await makePerson(world, { givenName: 'Rowan', familyName: 'Ellis' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    const consent = await as(world, staff).post(`/api/people/${personId}/consents`, {
      purposeId: shortLived, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgId }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'They agreed to the hand-over.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const { id, token } = await requestDisclosureWithLink(world, staff, manager, {
      personIds: [personId], recipient: { organisationId: orgId, name: 'Pat Recipient', role: 'Youth worker' }, purposeId: shortLived,
      reason: 'The trust takes over for one term.', items: { personFields: ['givenName', 'familyName'] },
    });
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Pat Recipient', date: world.clock.now().toISOString().slice(0, 10) })).statusCode).toBe(200);
    const retired = await as(world, guardian).post(`/api/purposes/${shortLived}/retire`, { reason: 'The hand-over scheme ended' }, { 'if-match': approved.headers.etag as string });
    expect(retired.statusCode, retired.body).toBe(200);

    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/disclosures/${id}`);
    await page.getByRole('heading', { name: 'Purpose retired', level: 2 }).waitFor();
    expect(await page.locator('.next-step').textContent()).toContain('The purpose “A one-term hand-over” was retired, so it covers nothing now');
    expect(await page.locator('.next-step').getByRole('link', { name: 'A one-term hand-over' }).getAttribute('href')).toBe(`/purposes/${shortLived}`);
    expect(await page.locator('.page-head .badge').textContent()).toBe('Purpose retired');
    expect(await page.getByRole('button', { name: 'Release the pack' }).count()).toBe(0);
    expect(await page.getByText('Ready to release').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);

  /** A sharing agreement with `partner` for the purpose, signed by both sides with its signed copy, in force today (practice 5.1). */
  async function signedAgreement(partner: string, title: string) {
    const db = world.services.db.kysely;
    const id = newId();
    const now = world.clock.now().toISOString();
    const year = world.clock.now().getUTCFullYear();
    await db.insertInto('agreements').values({
      id, title, status: 'signed', data_categories: JSON.stringify(['general', 'personal']), categories_mask: 3,
      security: 'Encrypted email only.', onward_sharing: 'None.', retention: '12 months.', breach_notification: 'Within 24 hours.',
      requires_consent: 0, starts_on: `${year - 1}-01-01`, ends_on: `${year + 1}-12-31`, review_on: `${year + 1}-11-01`,
      document_sha256: 'a'.repeat(64), document_filename: 'signed.pdf', document_content_type: 'application/pdf', document_size: 10,
      document_uploaded_by: manager.id, document_uploaded_at: now, signed_at: now, terminated_at: null, terminated_by: null,
      termination_reason: null, supersedes: null, superseded_by: null, created_by: manager.id, created_at: now, updated_at: now, version: 3,
    }).execute();
    await db.insertInto('agreement_parties').values({ agreement_id: id, organisation_id: partner }).execute();
    await db.insertInto('agreement_purposes').values({ agreement_id: id, purpose_id: purposeId }).execute();
    await db.insertInto('agreement_signatories').values([
      { id: newId(), agreement_id: id, party: 'ours', user_id: guardian.id, name: 'G', role: 'Guardian', signed_on: now.slice(0, 10), recorded_by: manager.id, recorded_at: now },
      { id: newId(), agreement_id: id, party: partner, user_id: null, name: 'P', role: 'Director', signed_on: now.slice(0, 10), recorded_by: manager.id, recorded_at: now },
    ]).execute();
    return id;
  }

  it('practice 5.1 sharing-agreements: a disclosure under an agreement says "Under agreement" with a link to it; once the agreement is ended early, the page says the agreement ended with its date and offers no release; the register says so too', async () => {
    const org = await as(world, manager).post('/api/organisations', { kind: 'partner_agency', name: 'Northside Health Partnership' });
    expect(org.statusCode, org.body).toBe(201);
    const partner = org.json().data.id as string;
    const agreementId = await signedAgreement(partner, 'Northside health protocol');
    const personId = await makePerson(world, { givenName: 'Lee', familyName: 'Bloggs' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
    const d = await as(world, staff).post('/api/disclosures', {
      personIds: [personId], recipient: { organisationId: partner, name: 'Dr Kaur', role: 'GP' }, purposeId,
      reason: 'The practice takes over the health side of the support plan.', items: { personFields: ['givenName', 'familyName'] },
    });
    expect(d.statusCode, d.body).toBe(201);
    const id = d.json().data.id as string;
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${new URL(link.json().url).pathname.split('/').at(-1)}`, { typedName: 'Dr Kaur', date: world.clock.now().toISOString().slice(0, 10) });
    expect(ack.statusCode, ack.body).toBe(200);

    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/disclosures/${id}`);
    await page.getByRole('heading', { name: 'Release the pack', level: 2 }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain('Under agreement: Northside health protocol');

    // Ended early after the recipient accepted: the page says so on the next visit, and release is not offered.
    await world.services.db.kysely.updateTable('agreements').set({ status: 'terminated', terminated_at: world.clock.now().toISOString(), terminated_by: manager.id, termination_reason: 'The partnership closed.' })
      .where('id', '=', agreementId).execute();
    const on = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(world.clock.now());
    await page.reload();
    await page.getByRole('heading', { name: 'Agreement ended', level: 2 }).waitFor();
    expect(await page.locator('.next-step').textContent()).toContain(`The sharing agreement “Northside health protocol” ended on ${on}`);
    expect(await page.locator('.page-head .badge').textContent()).toBe(`Agreement ended ${on}`);
    expect(await page.getByRole('button', { name: 'Release the pack' }).count()).toBe(0);
    expect(await page.getByText('Ready to release').count()).toBe(0);
    expect(await page.locator('.facts').textContent()).toContain('Ended early');
    await checkpoint(page, 'disclosure-checks-02-agreement-ended');
    await page.locator('.facts').getByRole('link', { name: 'Northside health protocol' }).click();
    await page.getByRole('heading', { name: 'Northside health protocol', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/agreements/${agreementId}`);
    expect(problems).toEqual([]);

    const m = await newPage(browser);
    await signIn(m.page, base, 'morgan.reyes', '/disclosures');
    await m.page.getByRole('heading', { name: 'Disclosure register', level: 1 }).waitFor();
    const row = m.page.getByRole('row', { name: new RegExp(d.json().data.reference as string) });
    await expect.poll(() => row.textContent()).toContain(`Agreement ended ${on}`);
    expect(await row.textContent()).toContain('Under agreement: Northside health protocol');
    expect(await row.textContent()).not.toContain('Ready to release');
    expect(m.problems).toEqual([]);
  }, 120_000);

  /** Chooses an option of a React Aria select by its label. */
  async function choose(page: Page, label: RegExp, option: string) {
    await page.getByRole('button', { name: label }).click();
    await page.getByRole('option', { name: option }).click();
  }
  /** Sam opens the request form for `personId` and fills step 1 for Riverside and the purpose. */
  async function startRequest(page: Page, personId: string) {
    await signIn(page, base, 'sam.patel', `/people/${personId}/disclosures/new`);
    await page.getByRole('heading', { name: /Step 1 of 4/ }).waitFor();
    await choose(page, /Organisation it goes to/, 'Riverside Youth Trust');
    await page.getByLabel('Name of the person receiving it').fill('Pat Recipient');
    await page.getByLabel('Their role').fill('Youth worker');
    await page.locator('label.radio', { hasText: /^Handing over mentoring/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
  }

  it('practice 2, 3.1: a request refused for several reasons says each of them and offers to change the request — not to send it again — with the items at fault marked', async () => {
    const { personId } = await personWithConsent('Lee');
    const caseId = (await as(world, staff).get(`/api/people/${personId}/cases`)).json().items[0].id as string;
    await makeNote(world, caseId, staff.id, 'Lee talked about drumming');
    const { page, problems } = await newPage(browser);
    await startRequest(page, personId);
    await page.locator('label.checkbox', { hasText: /^Given name/ }).click();
    await page.locator('label.checkbox', { hasText: /^Health notes/ }).click();
    await page.locator('label.checkbox', { hasText: /Session note/ }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('The clear reason for sharing').fill('The trust takes over mentoring next term.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Send the request' }).click();
    const refusal = page.locator('.refusal');
    await refusal.waitFor();
    const text = (await refusal.textContent()) ?? '';
    expect(text).toContain('session details: they go to no third party unless the client asked for it');
    expect(text).toContain('special information, which this purpose does not use');
    expect(await refusal.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    await checkpoint(page, 'disclosure-checks-02-several-reasons');
    await refusal.getByRole('button', { name: 'Change the request' }).click();
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
    await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.3 disclosure: step 2 of a request shows the date of birth as the person page does (14 May 2010), not as 2010-05-14', async () => {
    const { personId } = await personWithConsent('Max', '2010-05-14');
    const { page, problems } = await newPage(browser);
    await startRequest(page, personId);
    const dob = page.locator('label.checkbox', { hasText: /^Date of birth/ });
    expect(await dob.textContent()).toContain('14 May 2010');
    expect(await page.locator('form').textContent()).not.toContain('2010-05-14');
    expect(problems).toEqual([]);
  }, 120_000);

  it('4.3 disclosure: terms accepted as "Mickey Mouse" for Pat Recipient — the page warns before release, and release waits until the worker confirms they checked who accepted', async () => {
    const { personId } = await personWithConsent('Ray');
    const id = await acceptedAs(personId, 'Mickey Mouse');
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/disclosures/${id}`);
    await page.getByRole('heading', { name: 'Release the pack', level: 2 }).waitFor();
    const warning = page.locator('.next-step .alert.warning');
    expect(await warning.textContent()).toMatch(/Accepted under a different name.*“Mickey Mouse”.*Pat Recipient/);
    const release = page.getByRole('button', { name: 'Release the pack' });
    expect(await release.isDisabled()).toBe(true);
    await checkpoint(page, 'disclosure-checks-03-other-name');
    await page.locator('label.checkbox', { hasText: 'I have checked who accepted the terms' }).click();
    await expect.poll(() => release.isDisabled()).toBe(false);
    await release.click();
    await page.getByRole('heading', { name: 'Released', level: 2 }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);
});
