import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

/** Chooses a radio button by its label (React Aria keeps the input itself visually hidden, under its label). */
const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio', { hasText: name }).click();

const WHAT = 'Ada had a bruise on her forearm and said her dad grabbed her when she was late home.';

describe.runIf(browserAvailable)('safeguarding concerns in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let volunteer: TestUser;
  let lead: TestUser;
  let staff: TestUser;
  let manager: TestUser;
  let adaId: string;
  let otherConcern: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Date.now() - 3 * 3600_000)); // "raised 3 hours ago" reads true in the browser
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    lead = await makeUser(world, ['safeguarding_lead'], { username: 'priya.shah', email: 'priya@example.org' });
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes', email: 'morgan@example.org' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[volunteer, 'Val Okafor'], [lead, 'Priya Shah'], [staff, 'Sam Patel'], [manager, 'Morgan Reyes']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    adaId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await db.updateTable('people').set({ preferred_name: 'Addie' }).where('id', '=', adaId).execute();
    await makeCase(world, adaId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    // An older concern without immediate risk, already waiting three hours.
    const older = await as(world, staff).post('/api/concerns', {
      concernFor: 'vulnerable_adult', personDescription: 'Older man at the Thursday session, grey cap', whatHappened: 'Said he has not eaten for two days',
      occurredAt: world.clock.now().toISOString(), immediateRisk: false,
    });
    expect(older.statusCode, older.body).toBe(201);
    otherConcern = older.json().data.id;
    world.clock.set(new Date());
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('practice 4.1–4.3 safeguarding-management: a volunteer raises a concern from the header and the lead acknowledges, records and refers it', async () => {
    // The volunteer: "Raise a concern" is in the header of every page.
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'val.okafor');
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.getByRole('banner').getByRole('link', { name: 'Raise a concern' }).click();
    await page.getByRole('heading', { name: 'Raise a concern', level: 1 }).waitFor();
    await checkpoint(page, 'safeguarding-01-raise-form');

    // Sent with nothing filled in: each error is tied to its field and focus goes to the first.
    await page.getByLabel('What did you see or hear?').fill('');
    await page.getByRole('button', { name: 'Send to the safeguarding leads and management' }).click();
    await expect.poll(() => page.getByLabel('What did you see or hear?').getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'INPUT', name: 'concernFor' });
    const described = await page.getByLabel('What did you see or hear?').getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described!.split(' ').join('"], [id="')}"]`).allTextContents()).toContain('⚠ Say what you saw or heard, in your own words.'.replace('⚠ ', ''));
    await checkpoint(page, 'safeguarding-02-raise-errors');

    await choose(page, 'A child (under 18)');
    await expect.poll(() => page.getByRole('radiogroup', { name: 'Who is this about?' }).getAttribute('aria-invalid')).toBeNull(); // answered: its error goes
    await page.getByRole('combobox', { name: /Their record/ }).fill('Addie');
    await page.getByRole('option', { name: /Addie Lovelace/ }).click();
    await page.getByLabel('What did you see or hear?').fill(WHAT);
    await page.getByLabel('Who else was involved or there?').fill('Her dad at pick-up');
    await choose(page, /^Yes/);
    await page.getByLabel('What has been done already?').fill('Stayed with her until her aunt arrived');
    await checkpoint(page, 'safeguarding-03-raise-filled');
    await page.getByRole('button', { name: 'Send to the safeguarding leads and management' }).click();
    await page.getByRole('heading', { name: 'Concern sent' }).waitFor();
    // Practice 4.1: the leads and management at once, and no more than is true.
    expect(await page.locator('.confirmation').textContent()).toMatch(/sent to the safeguarding leads and management\.[\s\S]*2 people, the safeguarding leads and managers, were alerted just now in Confide; 2 e-mails wait in the outbox, as no e-mail server is set up\. If nobody acknowledges it soon, Confide reminds them\./);
    expect(await page.locator('.confirmation').textContent()).not.toMatch(/goes to every manager/);
    expect(await focused(page).then((f) => f.tag)).toBe('DIV');
    // What happens next names who was alerted: a lead or a manager here.
    expect(await page.locator('.steps').textContent()).toContain('A safeguarding lead or manager reads what you wrote');
    await checkpoint(page, 'safeguarding-04-raised');

    const raised = (await auditRows(world)).filter((r) => r.action === 'concern.raise' && r.actor_id === volunteer.id);
    expect(raised.map((r) => [r.decision, r.rule_id, r.subject_person_id])).toEqual([['allow', 'safeguarding/raise-concern', adaId]]);
    const concernId = raised[0].resource_id as string;
    expect(raised[0].detail).not.toContain('bruise');
    const alerted = (await auditRows(world)).filter((r) => r.action === 'concern.alert' && r.resource_id === concernId);
    expect(alerted.map((r) => JSON.parse(r.detail).recipients)).toEqual([[lead.id, manager.id].sort()]);

    // Their own report: what they wrote and its status, nothing of the handling.
    await page.getByRole('link', { name: 'See your report' }).click();
    await page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain(WHAT);
    expect(await page.locator('main').textContent()).toContain('Waiting for a lead');
    expect(await page.locator('.lede').first().textContent()).toBe('Sent for immediate action; waiting for the safeguarding leads or management to acknowledge it.');
    expect(await page.getByRole('heading', { name: 'Chronology', exact: true }).count()).toBe(0);
    await checkpoint(page, 'safeguarding-05-own-report');
    expect((await auditRows(world)).some((r) => r.action === 'concern.chronology' && r.actor_id === volunteer.id)).toBe(false); // the app never asked

    // The lead, on a phone-sized screen first: the alert count in the header, then the inbox.
    const phone = await newPage(browser, { width: 375 });
    await signIn(phone.page, base, 'priya.shah');
    await phone.page.getByRole('heading', { name: 'Concerns', level: 1 }).waitFor();
    await expect.poll(() => phone.page.getByRole('link', { name: /Alerts\W+2 unread/ }).count()).toBe(1);
    await expect.poll(() => phone.page.locator('.concern-list > li').count()).toBe(2);
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'safeguarding-06-inbox-375px');
    expect(phone.problems).toEqual([]);

    const lp = await newPage(browser);
    await signIn(lp.page, base, 'priya.shah');
    const leadPage = lp.page;
    await leadPage.getByRole('heading', { name: 'Concerns', level: 1 }).waitFor();
    await expect.poll(() => leadPage.getByRole('link', { name: /Alerts\W+2 unread/ }).count()).toBe(1);
    const cards = leadPage.locator('.concern-list > li');
    await expect.poll(() => cards.count()).toBe(2);
    // Immediate risk first, though it is the newer; both unacknowledged.
    expect(await cards.nth(0).textContent()).toMatch(/Concern about a child[\s\S]*Val Okafor[\s\S]*Immediate risk[\s\S]*Not acknowledged/);
    expect(await cards.nth(1).textContent()).toMatch(/an adult at risk[\s\S]*Sam Patel[\s\S]*3 hours ago/);
    await checkpoint(leadPage, 'safeguarding-07-inbox');

    await leadPage.getByRole('link', { name: /Alerts\W+2 unread/ }).click();
    await leadPage.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await expect.poll(() => leadPage.locator('.alert-card.unread').count()).toBe(2);
    await checkpoint(leadPage, 'safeguarding-08-alerts');
    await leadPage.locator('.alert-card').first().getByRole('link', { name: 'A concern needs your attention' }).click();
    await leadPage.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    await expect.poll(() => leadPage.getByRole('link', { name: /Alerts\W+1 unread/ }).count()).toBe(1);
    await leadPage.getByRole('heading', { name: 'Chronology', exact: true }).waitFor();
    // Names arrive with their own request after the concern: wait for them, as for the subject's name below.
    await expect.poll(() => leadPage.locator('main').textContent()).toMatch(/Raised[\s\S]*by Val Okafor/);
    await expect.poll(() => leadPage.locator('.chronology').textContent()).toMatch(/Val Okafor raised the concern, saying someone is at immediate risk[\s\S]*Confide alerted (Priya Shah, Morgan Reyes|Morgan Reyes, Priya Shah)\./);
    // Not on Ada's case team, the lead still sees whom it is about by name (practice 4.1), not her record.
    await expect.poll(() => leadPage.locator('.fields').textContent()).toMatch(/Addie Lovelace[\s\S]*you may not open their record/);
    expect((await auditRows(world)).filter((r) => r.action === 'concern.subject' && r.actor_id === lead.id).map((r) => r.rule_id)).toContain('safeguarding/subject-name-for-leads');
    await checkpoint(leadPage, 'safeguarding-09-concern');

    await leadPage.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => leadPage.getByRole('status').first().textContent()).toMatch(/Acknowledged/);
    await expect.poll(() => leadPage.locator('.chronology').textContent()).toMatch(/Priya Shah acknowledged it/);

    await choose(leadPage, /A decision/);
    await leadPage.getByRole('textbox', { name: 'What was decided' }).fill('Refer to children’s social care today');
    await leadPage.getByRole('button', { name: 'Add to the chronology' }).click();
    await expect.poll(() => leadPage.getByRole('textbox', { name: 'Why', exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await focused(leadPage)).toMatchObject({ name: 'reason' });
    await leadPage.getByRole('textbox', { name: 'Why', exact: true }).fill('A disclosure of physical harm by a parent');
    // Practice 4.2: agreed with a manager chosen from the accounts (checked by the server), anyone else in words.
    await choose(leadPage.getByRole('radiogroup', { name: 'The manager who agreed it' }), 'Morgan Reyes');
    await leadPage.getByRole('textbox', { name: /Anyone else consulted/ }).fill('duty social worker');
    await leadPage.getByRole('button', { name: 'Add to the chronology' }).click();
    await expect.poll(() => leadPage.locator('.chronology').textContent()).toMatch(/Refer to children’s social care today[\s\S]*Why: A disclosure of physical harm[\s\S]*Agreed with: Morgan Reyes \(manager\); also consulted: duty social worker/);
    await checkpoint(leadPage, 'safeguarding-10-decision');

    // The referral through the decision aid. This lead is not on Ada's case team: nothing can be shared from her
    // records (need to know, 3.4), so the referral records what was shared another way.
    await leadPage.getByRole('button', { name: 'Make a referral…' }).click();
    const aid = leadPage.locator('.referral-aid');
    const next = () => aid.getByRole('button', { name: 'Continue' }).click();
    await choose(aid, 'The local authority’s safeguarding team');
    await choose(aid.getByRole('radiogroup', { name: 'Must it go now?' }), /^No/);
    await choose(aid.getByRole('radiogroup', { name: /risk of harm/ }), 'Yes');
    await aid.getByLabel('What is the risk?').fill('Physical harm at home');
    await next();
    await choose(aid.getByRole('radiogroup', { name: /consent/ }), 'No');
    await aid.getByLabel('Why they were not asked').fill('Asking her father could put her at greater risk');
    await next();
    await expect.poll(() => aid.textContent()).toContain('You cannot see this person’s record');
    await aid.getByLabel('What you share').fill('What Ada said and the bruise seen; our contact details');
    await next();
    await aid.getByLabel('Who receives it (team or officer)').fill('Children’s Services front door');
    await choose(aid, 'The agency’s secure referral portal');
    await next();
    await choose(aid.getByRole('radiogroup', { name: /be told/ }), 'No');
    await aid.getByLabel('Why they will not be told').fill('Social care will decide when to tell the family');
    await aid.getByLabel('The agency’s reference').fill('CS-2026-0412');
    await next();
    await aid.getByRole('heading', { name: 'Step 6 of 6: Check and send' }).waitFor();
    await checkpoint(leadPage, 'safeguarding-11-referral-form');
    await aid.getByRole('button', { name: 'Record the referral' }).click();
    await expect.poll(() => leadPage.locator('.chronology').textContent()).toMatch(/Priya Shah made a referral to the local authority’s safeguarding team[\s\S]*CS-2026-0412/);
    await checkpoint(leadPage, 'safeguarding-12-referred');
    expect(lp.problems).toEqual([]);

    // The journey's audit trail: who did what, under which rule, naming the concern and never its contents.
    const trail = (await auditRows(world)).filter((r) => r.resource_id === concernId && r.actor_id === lead.id);
    const actions = trail.map((r) => [r.action, r.decision, r.rule_id]);
    expect(actions).toEqual(expect.arrayContaining([
      ['concern.read', 'allow', 'safeguarding/leads-and-management'],
      ['concern.chronology', 'allow', 'safeguarding/work-concern'],
      ['concern.acknowledge', 'allow', 'safeguarding/work-concern'],
      ['concern.record', 'allow', 'safeguarding/work-concern'],
      ['concern.refer', 'allow', 'safeguarding/referral'],
    ]));
    expect(trail.filter((r) => r.action === 'concern.record').map((r) => JSON.parse(r.detail).kind)).toEqual(['decision']);
    for (const r of trail) expect(r.detail).not.toMatch(/bruise|social care|CS-2026/);
    expect(trail.filter((r) => r.action.startsWith('concern.')).every((r) => r.subject_person_id === adaId)).toBe(true);

    // Back to the volunteer: the status changed; still nothing of the handling.
    await page.reload();
    await page.getByRole('heading', { name: 'Concern about a child', level: 1 }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toContain('Being handled');
    expect(await page.locator('main').textContent()).not.toMatch(/CS-2026|referral|children’s social care/i);
    await page.getByRole('link', { name: /Alerts/ }).first().click();
    await expect.poll(() => page.locator('.alert-card').first().textContent()).toMatch(/Your concern was acknowledged/);
    await checkpoint(page, 'safeguarding-13-volunteer-alert');
    expect(problems).toEqual([]);
    expect(otherConcern).toBeTruthy();
  }, 300_000);

  it('practice 4.1 safeguarding-management: raised from a person’s page, the form has them chosen, and works at 375 px wide', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, 'val.okafor', `/people/${adaId}`);
    await page.getByRole('heading', { name: /Addie Lovelace/, level: 1 }).waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Raise a concern' }).click(); // from the person's page: they are chosen already
    await page.getByRole('heading', { name: 'Raise a concern', level: 1 }).waitFor();
    expect(await page.getByRole('combobox', { name: /Their record/ }).inputValue()).toBe('Addie Lovelace (Ada)');
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'safeguarding-14-raise-375px');
    expect(problems).toEqual([]);
  }, 120_000);
  it('practice 4.1 safeguarding-management, 3.5: a new starter who has not accepted the policy yet raises a concern from the policy page, describing the person — the leads and management are alerted — and goes back to the policy; nothing else opens first', async () => {
    const newStarter = await makeUser(world, ['staff'], { username: 'noor.haddad', accepted: false });
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'noor.haddad');
    await page.getByRole('heading', { name: /Before you start/, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'raise a safeguarding concern' }).click();
    await page.getByRole('heading', { name: 'Raise a concern', level: 1 }).waitFor();
    expect(await page.getByRole('combobox', { name: /Their record/ }).count()).toBe(0); // records stay closed until acceptance
    await checkpoint(page, 'safeguarding-15-raise-before-accepting');
    await choose(page, 'A child');
    await page.getByLabel('Describe them').fill('Boy of about 9 waiting outside after the Saturday session');
    await page.getByLabel('What did you see or hear?').fill('He said nobody comes to collect him and he sleeps in the car.');
    await choose(page, 'No, or I am not sure');
    await page.getByRole('button', { name: 'Send to the safeguarding leads and management' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    const raised = await world.services.db.kysely.selectFrom('concerns').select('id').where('raised_by', '=', newStarter.id).execute();
    expect(raised).toHaveLength(1);
    const alerted = await world.services.db.kysely.selectFrom('notifications').select('user_id').where('resource_id', '=', raised[0].id).execute();
    expect(alerted.map((n) => n.user_id).sort()).toEqual([lead.id, manager.id].sort());
    expect((await auditRows(world)).filter((r) => r.actor_id === newStarter.id && r.action === 'concern.raise').map((r) => [r.decision, r.rule_id])).toEqual([['allow', 'safeguarding/raise-concern']]);
    await page.getByRole('link', { name: 'Back to the policy' }).click();
    await page.getByRole('heading', { name: /Before you start/, level: 1 }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);
});
