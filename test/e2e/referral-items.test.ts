import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, signIn, startBrowser } from './browser';

// What a referral shares from the records, in a real browser (practice 2, 3.4, 3.1, practice 4.3): a note — its
// account is session details — is offered marked as needing the person's request, with the field for it where items
// are chosen; a refusal at the end names the item at fault, and a need-to-know refusal's "request access" is a link;
// the purposes say who they may go to.

const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio', { hasText: name }).click();
const tick = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.checkbox', { hasText: name }).click();
const REQUEST_LABEL = 'How and when they asked for their session details to be shared';

describe.runIf(browserAvailable)('a referral\'s items and its refusals in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let volunteer: TestUser, lead: TestUser, leadManager: TestUser;
  let personId: string, noteId: string;

  async function raise() {
    const res = await as(world, volunteer).post('/api/concerns', { concernFor: 'child', personId, whatHappened: 'Jay said he is scared to go home', occurredAt: world.clock.now().toISOString(), immediateRisk: false });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  /** Steps 1 and 2 of the decision aid for a referral to the police that is not urgent. */
  async function firstSteps(page: Page, username: string, concernId: string) {
    await signIn(page, base, username, `/concerns/${concernId}`);
    await page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Make a referral…' }).click();
    const aid = page.locator('.referral-aid');
    await choose(aid, 'The police');
    await choose(aid.getByRole('radiogroup', { name: 'Must it go now?' }), /^No/);
    await choose(aid.getByRole('radiogroup', { name: /risk of harm/ }), 'Yes');
    await aid.getByLabel('What is the risk?').fill('Fear of going home after a disclosure of harm');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await choose(aid.getByRole('radiogroup', { name: /consent/ }), 'Yes');
    await aid.getByLabel('What they said when asked').fill('He agreed, and asked that what he said in his session goes too');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await aid.getByRole('heading', { name: 'Step 3 of 6: What to share' }).waitFor();
    return aid;
  }
  /** Steps 4 and 5, then the check: the police unit, the purpose, told. */
  async function lastSteps(page: Page, aid: Locator) {
    await aid.getByRole('heading', { name: 'Step 4 of 6: With whom and how' }).waitFor();
    await aid.getByRole('button', { name: /The agency/ }).click();
    await page.getByRole('option', { name: 'City Police Public Protection Unit' }).click();
    await aid.getByLabel('Who receives it').fill('DC Amy Price');
    await aid.getByLabel('Their role or team').fill('Child protection officer');
    const purpose = aid.locator('label.radio', { hasText: /^Safeguarding referrals/ });
    expect(await purpose.textContent()).toContain('May go to: police; local authority');
    await purpose.click();
    await choose(aid, 'Secure e-mail');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await choose(aid.getByRole('radiogroup', { name: /be told/ }), 'Yes');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await aid.getByRole('heading', { name: 'Step 6 of 6: Check and send' }).waitFor();
  }

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    lead = await makeUser(world, ['safeguarding_lead', 'staff'], { username: 'lee.ward' });
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager'], { username: 'priya.shah' });
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    expect((await as(world, leadManager).post('/api/organisations', { kind: 'police', name: 'City Police Public Protection Unit' })).statusCode).toBe(201);
    const purpose = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the police need to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding', 'session'], recipientCategories: ['police', 'local authority'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: `${new Date().getFullYear() + 1}-03-01`,
    });
    expect(purpose.statusCode, purpose.body).toBe(201);
    expect((await as(world, guardian2).post(`/api/purposes/${purpose.json().data.id}/approve`, {}, { 'if-match': purpose.headers.etag as string })).statusCode).toBe(200);
    personId = await makePerson(world, { givenName: 'Jay', familyName: 'Carter' });
    // Lee works on Jay's case; Priya, a manager off the team, does not see session details (practice 2).
    const caseId = await makeCase(world, personId, { [volunteer.id]: 'volunteer', [lead.id]: 'worker' });
    noteId = await makeNote(world, caseId, lead.id, 'Jay talked about home and asked for this to go to the police');
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('practice 2 session-staff-team-only: the session note is offered marked as needing the person\'s request, with the field for it there; sent without it, the refusal at the end names the note and sends the lead back to it; with the request recorded it goes for a manager\'s approval', async () => {
    const concernId = await raise();
    const { page, problems } = await newPage(browser);
    const aid = await firstSteps(page, 'lee.ward', concernId);

    // Step 3: the session note is listed, marked; choosing it asks for the person's request (required).
    const note = aid.locator('label.checkbox', { hasText: 'Note: Drum session' });
    await note.waitFor();
    expect(await note.textContent()).toMatch(/Session note .* session details: goes only if they asked for it/);
    expect(await aid.getByLabel(REQUEST_LABEL).count()).toBe(0);
    await tick(aid, 'What was raised in this concern');
    await note.click();
    const request = aid.getByLabel(REQUEST_LABEL);
    await request.waitFor();
    expect(await request.getAttribute('aria-required')).toBe('true');
    await checkpoint(page, 'referral-items-01-session-note');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await lastSteps(page, aid);
    expect(await aid.locator('.review-facts').textContent()).toContain('Their requestNot recorded: the session details cannot go without it');

    // Sent without the request: refused at this step, the note named, nothing sent again from here.
    await aid.getByRole('button', { name: 'Send for a manager’s approval' }).click();
    const refusal = aid.locator('.refusal');
    await refusal.waitFor();
    await expect.poll(() => focused(page).then((f) => f.tag)).toBe('DIV');
    const items = refusal.locator('.refusal-items li');
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toBe('Note: Drum session: session details: they go to no third party unless the client asked for it (practice 2)');
    expect(await refusal.textContent()).toContain('record how and when the client asked for their session details to go');
    expect(await refusal.locator('.refusal-clause').textContent()).toBe('Policy clause practice 1, practice 2');
    expect(await aid.getByRole('button', { name: 'Send for a manager’s approval' }).count()).toBe(0);
    expect(await world.services.db.kysely.selectFrom('referrals').select('id').where('concern_id', '=', concernId).execute()).toEqual([]);
    await checkpoint(page, 'referral-items-02-refused');

    // Back to the items: the note is marked with the refusal, the request field with what to write.
    await refusal.getByRole('button', { name: 'Change what is shared' }).click();
    await aid.getByRole('heading', { name: 'Step 3 of 6: What to share' }).waitFor();
    expect(await note.textContent()).toContain('refused: session details');
    await expect.poll(() => request.getAttribute('aria-invalid')).toBe('true');
    await request.fill('Jay asked in his session on Monday for what he said to go to the police.');
    for (let i = 0; i < 3; i++) await aid.getByRole('button', { name: 'Continue' }).click();
    await aid.getByRole('heading', { name: 'Step 6 of 6: Check and send' }).waitFor();
    expect(await aid.locator('.review-facts').textContent()).toContain('Their requestJay asked in his session on Monday');
    await aid.getByRole('button', { name: 'Send for a manager’s approval' }).click();
    await expect.poll(() => page.locator('.referral-sent').textContent()).toMatch(/waiting for a manager’s approval/);
    const requested = (await auditRows(world)).filter((r) => r.action === 'disclosure.request' && r.decision === 'allow' && r.subject_person_id === personId);
    expect(JSON.parse(requested.at(-1)!.detail)).toMatchObject({ clientRequested: true, items: { notes: 1, concern: true } });
    expect(problems).toEqual([]);
  }, 300_000);

  it('3.4 need-to-know: a lead off the case team who shares the session note is refused at the end naming the note, its "request access" a link to the note, where access is asked for', async () => {
    const concernId = await raise();
    const { page, problems } = await newPage(browser);
    const aid = await firstSteps(page, 'priya.shah', concernId);
    await tick(aid, 'What was raised in this concern');
    await tick(aid, 'Note: Drum session');
    await aid.getByLabel(REQUEST_LABEL).fill('Jay asked in his session on Monday for what he said to go to the police.');
    await aid.getByRole('button', { name: 'Continue' }).click();
    await lastSteps(page, aid);
    await aid.getByRole('button', { name: 'Send for a manager’s approval' }).click();
    const refusal = aid.locator('.refusal');
    await refusal.waitFor();
    const item = refusal.locator('.refusal-items li');
    expect(await item.count()).toBe(1);
    expect(await item.first().textContent()).toMatch(/^Note: Drum session: Session details are confidential to the staff team working with this client — request access/);
    const link = item.first().getByRole('link', { name: /request access/ });
    expect(await link.getAttribute('href')).toBe(`/notes/${noteId}`);
    await checkpoint(page, 'referral-items-03-request-access');
    await link.click();
    await page.getByRole('button', { name: 'Request access to this case’s session details' }).waitFor();
    expect(problems).toEqual([]);
  }, 300_000);
});
