import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

/** Chooses a radio button or checkbox by its label (React Aria keeps the input itself visually hidden, under its label). */
const choose = (scope: Locator | Page, name: string | RegExp) => scope.locator('label.radio, label.checkbox', { hasText: name }).first().click();
/** A time as a datetime-local value, in the browser's (and this process's) time zone. */
const localValue = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
/** A datetime-local value `hours` ago. */
const hoursAgo = (hours: number) => localValue(new Date(Date.now() - hours * 3_600_000));

/** The visible label of a form's text field, "(optional)" included when it says so. */
const labelOf = (form: Locator, name: string) => form.locator('.field', { has: form.page().locator(`[name="${name}"]`) }).locator('label').first().textContent();

const REPORT = 'I sent the Thursday group’s attendance list, with two phone numbers, to the wrong parent’s e-mail address.';

describe.runIf(browserAvailable)('the breach register in a real browser (clause 5)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let volunteer: TestUser;
  let manager: TestUser;
  let guardian: TestUser;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date());
    volunteer = await makeUser(world, ['volunteer'], { username: 'val.okafor' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes', email: 'morgan@example.org' });
    guardian = await makeUser(world, ['guardian'], { username: 'gia.mensah' });
    await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[volunteer, 'Val Okafor'], [manager, 'Morgan Reyes']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    // A review flag raised from the audit chain: repeated refusals of the volunteer in one window.
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await db.insertInto('breach_flags').values({
      id: newId(), kind: 'repeated-denials', dedupe_key: `repeated-denials:${volunteer.id}:${at}`, user_id: volunteer.id, window_start: at,
      window_end: new Date(Date.now() - 3_600_000).toISOString(), count: 14, grant_id: null, raised_at: at, status: 'open',
      decided_by: null, decided_at: null, dismiss_reason: null, breach_id: null, version: 1,
    }).execute();
    // …and an unusual number of reads by the manager's colleague, the day before.
    const earlier = new Date(Date.now() - 26 * 3_600_000).toISOString();
    await db.insertInto('breach_flags').values({
      id: newId(), kind: 'read-volume', dedupe_key: `read-volume:${volunteer.id}:${earlier}`, user_id: volunteer.id, window_start: earlier,
      window_end: new Date(Date.now() - 25 * 3_600_000).toISOString(), count: 412, grant_id: null, raised_at: earlier, status: 'open',
      decided_by: null, decided_at: null, dismiss_reason: null, breach_id: null, version: 1,
    }).execute();
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('clause 5 breach-handling: a volunteer reports a suspected breach; a manager records the assessment and sees the 72-hour ICO countdown turn urgent', async () => {
    // The volunteer: "Report a breach" is in their navigation.
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'val.okafor');
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Report a breach' }).click();
    await page.getByRole('heading', { name: 'Report a suspected breach', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Breaches', exact: true }).count()).toBe(0);

    // Sent empty: the error is tied to its field, and focus goes there.
    await page.getByRole('button', { name: 'Report to management' }).click();
    await expect.poll(() => page.getByLabel('What happened?').getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'TEXTAREA', name: 'report' });
    const described = (await page.getByLabel('What happened?').getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${described.split(' ').join('"], [id="')}"]`).allTextContents()).toContain('Say what happened, as far as you know.');
    await checkpoint(page, 'breaches-01-report-errors');

    // A date still to come is refused on its field: a report says what has happened.
    await page.getByLabel('What happened?').fill(REPORT);
    const when = page.getByLabel(/When did it happen/);
    await when.fill('2031-05-05T10:00');
    await page.getByRole('button', { name: 'Report to management' }).click();
    await expect.poll(() => when.getAttribute('aria-invalid')).toBe('true');
    const whenError = (await when.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${whenError.split(' ').join('"], [id="')}"]`).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/must not be in the future/)]));
    expect(await focused(page)).toMatchObject({ name: 'occurredAt' });
    expect((await auditRows(world)).filter((r) => r.action === 'breach.report')).toEqual([]);

    await when.fill(hoursAgo(1));
    await page.getByRole('button', { name: 'Report to management' }).click();
    await page.getByRole('heading', { name: 'Breach reported', level: 1 }).waitFor();
    expect(await focused(page).then((f) => f.tag)).toBe('DIV');
    await checkpoint(page, 'breaches-02-reported');

    const reported = (await auditRows(world)).filter((r) => r.action === 'breach.report' && r.actor_id === volunteer.id);
    expect(reported.map((r) => [r.decision, r.rule_id])).toEqual([['change', 'breaches/report']]);
    const breachId = reported[0].resource_id as string;
    expect(reported[0].detail).not.toContain('attendance');

    // Their own report: what they wrote and its status; nothing of the handling or the clock.
    await page.getByRole('link', { name: 'See your report' }).click();
    await page.getByRole('heading', { name: /Breach reported/, level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toContain(REPORT);
    expect(await page.getByRole('heading', { name: /72-hour clock/ }).count()).toBe(0);
    await checkpoint(page, 'breaches-03-own-report');
    expect(problems).toEqual([]);

    // The manager: the register, the new breach waiting, its clock running.
    const mp = await newPage(browser);
    const m = mp.page;
    await signIn(m, base, 'morgan.reyes');
    await m.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Breaches', exact: true }).click();
    await m.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    const card = m.locator('.breach-card').first();
    await expect.poll(() => card.textContent()).toMatch(/Reported by Val Okafor[\s\S]*7[12] h \d+ min left[\s\S]*waiting for a manager/);
    await checkpoint(m, 'breaches-04-register');
    await card.getByRole('link').click();
    await m.getByRole('heading', { name: /Breach reported/, level: 1 }).waitFor();
    const clock = m.locator('.ico-clock');
    expect(await clock.getAttribute('class')).toMatch(/clock-calm/);
    expect(await m.getByRole('timer').textContent()).toMatch(/7[12] h \d+ min left/);
    await checkpoint(m, 'breaches-05-breach-new');

    // The people affected, linked from the records the manager may find.
    await m.getByRole('combobox', { name: 'Link a person’s record' }).fill('Lovelace');
    await m.getByRole('option', { name: 'Ada Lovelace' }).click();
    await expect.poll(() => m.locator('.affected-list').textContent()).toMatch(/Ada Lovelace/);
    // Chosen: the search box is emptied and its list closed — no "Nobody you may see has that name." left open to
    // swallow the next click, which lands where it is aimed.
    expect(await m.getByRole('combobox', { name: 'Link a person’s record' }).inputValue()).toBe('');
    await expect.poll(() => m.locator('.popover').count()).toBe(0);
    expect(await m.getByText('Nobody you may see has that name.').count()).toBe(0);
    await m.locator('form.breach-form').getByLabel('What management established').click();
    expect(await focused(m)).toMatchObject({ tag: 'TEXTAREA', name: 'whatHappened' });

    // Aware after it was reported would restart the 72 hours: refused on that field, and the clock stays (Art 33(1)).
    const form = m.locator('form.breach-form');
    const aware = form.getByLabel('When we became aware');
    const reportedAt = world.clock.now();
    world.clock.advance(10 * 60_000);
    await aware.fill(localValue(new Date(reportedAt.getTime() + 5 * 60_000)));
    await form.getByRole('button', { name: 'Save the assessment' }).click();
    await expect.poll(() => aware.getAttribute('aria-invalid')).toBe('true');
    const awareError = (await aware.getAttribute('aria-describedby')) ?? '';
    expect(await m.locator(`[id="${awareError.split(' ').join('"], [id="')}"]`).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/later than when the breach was reported/)]));
    expect((await focused(m)).name).toBe('awareAt');
    expect(await m.getByRole('timer').textContent()).toMatch(/7[12] h \d+ min left/);

    // The assessment: aware 62 hours ago (the clock counts from awareness), health data of one person, a high risk —
    // then "no ICO report", which the API refuses on that field.
    await form.getByLabel('What management established').fill('The list went to one parent, who deleted it on request.');
    await form.getByLabel('When we became aware').fill(hoursAgo(62));
    await choose(form, 'Health');
    await form.getByLabel('About how many people are affected').fill('2');
    await choose(form.getByRole('radiogroup', { name: 'How likely is harm?' }), 'Likely');
    await choose(form.getByRole('radiogroup', { name: 'How severe would it be?' }), 'Significant');
    await expect.poll(() => form.locator('.risk-level').textContent()).toMatch(/A high risk to people/);
    await form.getByLabel('Containment and recovery').fill('Asked the parent to delete it; they confirmed by e-mail.');
    await choose(form.getByRole('radiogroup', { name: 'Must the ICO be told?' }), /^No/);
    // "Say why below": the reason the API will ask for is required, never "(optional)".
    expect(await labelOf(form, 'icoReason')).toBe('Why the ICO need not be told');
    expect(await form.locator('textarea[name="icoReason"]').getAttribute('aria-required')).toBe('true');
    await choose(form.getByRole('radiogroup', { name: 'Status' }), 'Being assessed');
    await form.getByLabel('Disciplinary referral reference').fill('HR-2026-007');
    // A reference typed under "Yes" and then hidden by switching to "No" is not sent.
    await choose(form.getByRole('radiogroup', { name: 'Must the ICO be told?' }), /^Yes/);
    await form.getByLabel('The ICO’s reference').fill('ICO-TYPED-FIRST');
    await choose(form.getByRole('radiogroup', { name: 'Must the ICO be told?' }), /^No/);
    const patch = m.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/api/breaches/'));
    await form.getByRole('button', { name: 'Save the assessment' }).click();
    expect(JSON.parse((await patch).postData() ?? '{}')).toMatchObject({ icoDecision: 'not_required', icoReference: null, icoReportedAt: null });
    await expect.poll(() => form.getByRole('radiogroup', { name: 'Must the ICO be told?' }).getAttribute('aria-invalid')).toBe('true');
    const icoError = await form.getByRole('radiogroup', { name: 'Must the ICO be told?' }).getAttribute('aria-describedby');
    expect(await m.locator(`[id="${(icoError ?? '').split(' ').join('"], [id="')}"]`).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/must be reported to the ICO \(Art 33\)/)]));
    expect((await focused(m)).name).toBe('icoDecision');
    await checkpoint(m, 'breaches-06-assessment-refused');

    await choose(form.getByRole('radiogroup', { name: 'Must the ICO be told?' }), /^Yes/);
    await form.getByLabel('The ICO’s reference').fill(''); // not told yet: the reference comes with the report below
    expect(await labelOf(form, 'icoReason')).toBe('Why the report was late (optional)'); // required only once reported after 72 hours
    // Not telling the people affected needs the ground and the reason: both required while "No" is chosen.
    await choose(form.getByRole('radiogroup', { name: 'Must the people affected be told?' }), /^No/);
    expect(await labelOf(form, 'peopleToldReason')).toBe('Why they are not told: the details');
    expect(await form.locator('textarea[name="peopleToldReason"]').getAttribute('aria-required')).toBe('true');
    expect(await form.getByRole('radiogroup', { name: 'Why they are not told' }).getAttribute('aria-required')).toBe('true');
    await choose(form.getByRole('radiogroup', { name: 'Must the people affected be told?' }), /^Yes/);
    expect(await labelOf(form, 'peopleToldReason')).toBe('Notes on telling them (optional)');
    await form.getByRole('button', { name: 'Save the assessment' }).click();
    await m.getByText('The assessment was saved.').waitFor();
    // Ten hours left of the 72: the countdown is urgent, in words as well as colour.
    await expect.poll(() => clock.getAttribute('class')).toMatch(/clock-urgent/);
    expect(await m.getByRole('timer').textContent()).toMatch(/(9|10) h \d+ min left/);
    expect(await clock.textContent()).toMatch(/Less than 12 hours left: report to the ICO/);
    expect(await m.locator('.badge.breach-assessing').count()).toBe(1);
    await checkpoint(m, 'breaches-07-assessed-urgent');

    // A later save that fails: the confirmation of the last one goes at once, and the form says what needs attention
    // above its fields, as every form does, with the error on its field.
    await aware.fill(localValue(new Date(Date.now() + 3 * 3_600_000)));
    await form.getByRole('button', { name: 'Save the assessment' }).click();
    await expect.poll(() => aware.getAttribute('aria-invalid')).toBe('true');
    expect(await m.getByText('The assessment was saved.').count()).toBe(0);
    expect(await form.getByRole('alert').textContent()).toMatch(/One answer needs attention/);
    expect((await focused(m)).name).toBe('awareAt');
    await aware.fill(hoursAgo(62));

    // The ICO told within the hour and the people affected too; contained — then closed with what was learnt.
    await form.getByLabel('When the ICO was told').fill(hoursAgo(0.5));
    await form.getByLabel('The ICO’s reference').fill('ICO-00123');
    await form.getByLabel('When they were told').fill(hoursAgo(0.5));
    await choose(form.getByRole('radiogroup', { name: 'Status' }), 'Contained');
    await form.getByRole('button', { name: 'Save the assessment' }).click();
    await expect.poll(() => m.getByRole('timer').textContent()).toMatch(/ICO told in time/);
    const closing = m.locator('.panel', { has: m.getByRole('heading', { name: 'Close the breach' }) });
    await closing.getByLabel(/What was concluded/).fill('Group lists now go by BCC from the shared mailbox only.');
    await closing.getByRole('button', { name: 'Close the breach' }).click();
    await m.getByText('The breach was closed.').waitFor();
    expect(await focused(m)).toMatchObject({ tag: 'DIV', role: 'status' }); // the closing form has gone: focus is on what happened
    await expect.poll(() => m.locator('.badge.breach-closed').count()).toBe(1);
    expect(await m.getByRole('button', { name: 'Save the assessment' }).count()).toBe(0);
    await checkpoint(m, 'breaches-08-closed');
    expect(mp.problems).toEqual([]);

    const handled = (await auditRows(world)).filter((r) => r.resource_id === breachId && r.actor_id === manager.id);
    expect(handled.map((r) => [r.action, r.decision, r.rule_id])).toEqual(expect.arrayContaining([
      ['breach.read', 'allow', 'breaches/management'],
      ['breach.review', 'allow', 'breaches/management'],
      ['breach.handle', 'change', 'breaches/management'],
      ['breach.people', 'change', 'breaches/management'],
      ['breach.close', 'change', 'breaches/management'],
    ]));
    for (const r of handled) expect(r.detail).not.toMatch(/parent|HR-2026|ICO-00123|BCC/);

    // On a phone, through the link the ICO-clock e-mail carries (breachPath: "/#/breaches/<id>"): the breach, its
    // clock first, fitting 375 px.
    const phone = await newPage(browser, { width: 375 });
    await signIn(phone.page, base, 'morgan.reyes', `/#/breaches/${breachId}`);
    await expect.poll(() => new URL(phone.page.url()).pathname).toBe(`/breaches/${breachId}`);
    await phone.page.getByRole('timer').waitFor();
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(375);
    await checkpoint(phone.page, 'breaches-09-breach-375px');
    expect(phone.problems).toEqual([]);
  }, 300_000);

  it('clause 5 breach-handling: a manager reviews the flags raised from the audit chain and dismisses one with the reason', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'morgan.reyes', '/breaches');
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Review flags' }).click();
    await page.getByRole('heading', { name: 'Review flags', level: 1 }).waitFor();
    const card = page.locator('.flag-card').first();
    await expect.poll(() => card.textContent()).toMatch(/Repeated refusals[\s\S]*Val Okafor was refused 14 times/);
    await checkpoint(page, 'breaches-10-flags');
    await expect.poll(() => page.locator('.flag-card').count()).toBe(2);
    await card.getByRole('button', { name: 'Not a breach…' }).click();
    await card.getByLabel('Why this is not a breach').fill('Val was trying the search while being shown round; no record was opened.');
    await card.getByRole('button', { name: 'Dismiss the flag' }).click();
    await expect.poll(() => page.locator('.flag-card').count()).toBe(1);

    // The other is opened as a breach: the clock starts, and the manager lands on it.
    const reads = page.locator('.flag-card').first();
    expect(await reads.textContent()).toMatch(/Unusual number of record reads[\s\S]*Val Okafor opened 412 records/);
    await reads.getByRole('button', { name: 'Open as a breach' }).click();
    await page.getByRole('heading', { name: /Breach reported/, level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).toMatch(/Unusual volume of record reads by one user: 412 between \d+ \w{3} \d{4}, \d\d:\d\d UTC and [\s\S]*From a review flag/);
    await page.getByRole('timer').waitFor();
    await checkpoint(page, 'breaches-12-flag-opened');
    const dismissed = (await auditRows(world)).filter((r) => r.action === 'breach.flag.dismiss');
    expect(dismissed.map((r) => [r.decision, r.rule_id, r.actor_id])).toEqual([['change', 'breaches/management', manager.id]]);
    expect(dismissed[0].detail).not.toContain('shown round');
    expect(problems).toEqual([]);
  }, 120_000);
  it('clause 5 breach-handling: the guardian reviews the register and a breach\'s handling and clock, read only', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'gia.mensah');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Breaches', exact: true }).click();
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Review flags' }).count()).toBe(0);
    await page.locator('.breach-card').first().getByRole('link').click();
    await page.getByRole('heading', { name: 'How it was handled' }).waitFor();
    expect(await page.getByRole('timer').count()).toBe(1);
    expect(await page.locator('main').textContent()).toMatch(/Disciplinary reference\s*HR-2026-007/);
    expect(await page.getByRole('button', { name: 'Save the assessment' }).count()).toBe(0);
    await checkpoint(page, 'breaches-11-guardian-review');
    const reviewed = (await auditRows(world)).filter((r) => r.action === 'breach.review' && r.actor_id === guardian.id);
    expect(reviewed.map((r) => [r.decision, r.rule_id])).toEqual([['allow', 'breaches/guardian-oversight']]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('clause 5 breach-handling: a flag about the only active manager waits for the guardian, who reaches the queue from the register and dismisses it with the reason', async () => {
    // Unusual reads by Morgan Reyes, the only manager: no manager is free to decide the flag, so the guardian does.
    const at = new Date(Date.now() - 3_600_000).toISOString();
    await world.services.db.kysely.insertInto('breach_flags').values({
      id: newId(), kind: 'read-volume', dedupe_key: `read-volume:${manager.id}:${at}`, user_id: manager.id, window_start: at,
      window_end: new Date(Date.now() - 1_800_000).toISOString(), count: 230, grant_id: null, raised_at: at, status: 'open',
      decided_by: null, decided_at: null, dismiss_reason: null, breach_id: null, version: 1,
    }).execute();
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'gia.mensah');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Breaches', exact: true }).click();
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Review flags' }).click();
    await page.getByRole('heading', { name: 'Review flags', level: 1 }).waitFor();
    const card = page.locator('.flag-card');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toMatch(/Unusual number of record reads[\s\S]*Morgan Reyes opened 230 records/);
    await checkpoint(page, 'breaches-13-guardian-flags');
    await card.getByRole('button', { name: 'Not a breach…' }).click();
    await card.getByLabel('Why this is not a breach').fill('Morgan was preparing the annual return with the funder; agreed in advance.');
    await card.getByRole('button', { name: 'Dismiss the flag' }).click();
    await expect.poll(() => page.locator('.flag-card').count()).toBe(0);
    await page.getByText('No open flags wait for you').waitFor();
    const dismissed = (await auditRows(world)).filter((r) => r.action === 'breach.flag.dismiss' && r.actor_id === guardian.id);
    expect(dismissed.map((r) => [r.decision, r.rule_id, r.clause])).toEqual([['change', 'breaches/guardian-when-no-manager-free', '5']]);
    expect(dismissed[0].detail).not.toContain('annual return');
    expect(problems).toEqual([]);
  }, 120_000);
});
