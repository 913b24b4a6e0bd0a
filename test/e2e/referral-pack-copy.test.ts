import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, newPage, signIn, startBrowser } from './browser';

// A referral's pack as a safeguarding lead on the person's case team reads it, in a real browser (3.4 need to know,
// 4.2): the disclosure's page says what their copy withholds and why, in the words the PDF and the JSON use, and
// shows none of its value; a manager's page offers the pack as it went out.

const SAFEGUARDING_NOTES = 'Child protection plan 2023, named social worker';
const HEALTH_NOTES = 'Epilepsy, takes levetiracetam';
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe.runIf(browserAvailable)('a referral\'s pack, the reader\'s copy on the disclosure\'s page', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let lead: TestUser, leadManager: TestUser;
  let disclosureId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    const volunteer = await makeUser(world, ['volunteer']);
    lead = await makeUser(world, ['safeguarding_lead', 'staff'], { username: 'lee.ward' });
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager'], { username: 'priya.shah' });
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    const person = await makePerson(world, { givenName: 'Ava', familyName: 'Quinn', healthNotes: HEALTH_NOTES, safeguardingNotes: SAFEGUARDING_NOTES });
    await makeCase(world, person, { [lead.id]: 'worker', [volunteer.id]: 'volunteer' });
    const council = await makeOrganisation(world, { name: 'County Children\'s Services', kind: 'local_authority' });
    const purpose = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team needs to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['local authority safeguarding team'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-03-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    expect((await as(world, guardian2).post(`/api/purposes/${purpose.json().data.id}/approve`, {}, { 'if-match': purpose.headers.etag as string })).statusCode).toBe(200);
    const concern = await as(world, volunteer).post('/api/concerns', { concernFor: 'child', personId: person, whatHappened: 'Said her uncle hurts her', occurredAt: world.clock.now().toISOString(), immediateRisk: true });
    expect(concern.statusCode, concern.body).toBe(201);
    const made = await as(world, leadManager).post(`/api/concerns/${concern.json().data.id}/referrals`, {
      to: 'local_authority', urgent: true, riskOfHarm: true, riskOfHarmReason: 'Disclosed harm by a relative', consentPossibleAndSafe: null, consentNote: null,
      informationShared: 'Her details and what she said', sharedWith: 'Children\'s services duty team', sharedHow: 'Secure portal', personTold: null,
      share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Duty team' }, purposeId: purpose.json().data.id, items: { personFields: ['givenName', 'healthNotes', 'safeguardingNotes'], concern: true } },
    });
    expect(made.statusCode, made.body).toBe(201);
    disclosureId = made.json().disclosure.id as string;
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.4 need-to-know safeguarding/referral-pack-need-to-know: a lead on the person\'s case team sees on the disclosure\'s page that their copy withholds the safeguarding notes, with the reason the PDF and the JSON give, and never the value; the manager who made it is offered the pack as it went out', async () => {
    const json = (await as(world, lead).get(`/api/disclosures/${disclosureId}/pack.json`)).json();
    expect(json.withheld.map((w: { item: string }) => w.item)).toEqual(['personFields.safeguardingNotes']);
    const reason = json.withheld[0].reason as string;
    const pdf = flat(pdfPagesText((await as(world, lead).get(`/api/disclosures/${disclosureId}/pack.pdf`)).rawPayload).join('\n'));
    expect(pdf).toContain(flat(`Withheld from your copy: ${reason}`));

    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'lee.ward', `/disclosures/${disclosureId}`);
    const alert = page.locator('.alert', { hasText: 'Your copy withholds what you may not read where it is kept' });
    await alert.waitFor();
    expect(await alert.locator('li').allTextContents()).toEqual([`Safeguarding notes — ${reason}`]);
    await page.getByRole('link', { name: 'Download your copy (PDF)' }).waitFor();
    expect(await page.getByRole('link', { name: 'Your copy\'s data (JSON)' }).getAttribute('href')).toBe(`/api/disclosures/${disclosureId}/pack.json`);
    expect(await page.locator('body').textContent()).not.toContain(SAFEGUARDING_NOTES);
    await checkpoint(page, 'referral-pack-copy-01-lead');

    const manager = await newPage(browser);
    await signIn(manager.page, base, 'priya.shah', `/disclosures/${disclosureId}`);
    await manager.page.getByRole('link', { name: 'Download the pack (PDF)' }).waitFor();
    // A referral rests on the legal duty whether or not the person was asked: its basis never reads "without consent".
    await expect.poll(() => manager.page.locator('main').textContent()).toMatch(/Safeguarding referral: the law requires it/);
    expect(await manager.page.locator('main').textContent()).not.toMatch(/Without consent \(exception\)/);
    expect(await manager.page.getByText('Your copy withholds').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(manager.problems).toEqual([]);
  }, 300_000);
});
