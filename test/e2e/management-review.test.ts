import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertConsent, insertPurpose, insertReleasedDisclosure, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

// The management review in the browser ("Monitoring and Review": the Senior Management Team regularly review the
// operation of the policy; 3.6 the policy is reviewed regularly) and equality monitoring (Equality and Diversity,
// Equality Act 2010): a manager sees each area as counts, charts and tables with links to the records, finds the
// policy's review overdue, records one (an error at its field first) and sees the history; staff are refused.

const DAY = 86_400_000;
// The server's clock and the page's agree: the policy was loaded on 2026-03-02 (due for review a year on), today
// is 2027-03-10, so its review is 8 days overdue, and 2026-Q4 is a closed quarter.
const TODAY = new Date('2027-03-10T09:00:00.000Z');

describe.runIf(browserAvailable)('management review and equality monitoring in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let manager: TestUser;
  let staff: TestUser;
  let guardian: TestUser;
  const now = () => world.clock.now().toISOString();
  const ids: Record<string, string> = {};


  const purpose = (name: string, nextReviewOn: string) => insertPurpose(world, { name, nextReviewOn, guardianId: guardian.id, createdBy: manager.id });
  const disclosure = (personId: string, basis: string, releasedAt: string, purposeId: string, orgId: string) =>
    insertReleasedDisclosure(world, { personId, basis, releasedAt, purposeId, orgId, requestedBy: staff.id, releasedBy: manager.id });

  beforeAll(async () => {
    world = await createWorld('sqlite', { sessionIdleMinutes: 800 * 24 * 60, sessionMaxHours: 800 * 24 });
    manager = await makeUser(world, ['manager'], { username: 'morgan.manager' });
    staff = await makeUser(world, ['staff'], { username: 'sam.staff' });
    guardian = await makeUser(world, ['guardian'], { username: 'gabi.guardian' });
    await makeUser(world, ['volunteer'], { username: 'val.volunteer', accepted: false });

    // Equality answers recorded in the fourth quarter of 2026 by the case team: 7 aged 25 to 34, 2 aged 18 to 24.
    world.clock.set(new Date('2026-11-16T10:00:00.000Z'));
    const person = await makePerson(world, { givenName: 'Secretname', familyName: 'Hiddenfamily' });
    await makeCase(world, person, { [staff.id]: 'key_worker' });
    for (let i = 0; i < 9; i++) {
      const p = await makePerson(world);
      await makeCase(world, p, { [staff.id]: 'key_worker' });
      const r = await as(world, staff).put(`/api/people/${p}/equality`, { ageBand: i < 7 ? '25_34' : '18_24', gender: 'prefer_not_to_say' });
      expect(r.statusCode, r.body).toBe(204);
    }
    const org = await makeOrganisation(world, { name: 'Riverside' });

    // An old concern (opened 40 days before today), then today's records.
    world.clock.set(new Date(TODAY.getTime() - 40 * DAY));
    const concern = async () => {
      const r = await as(world, staff).post('/api/concerns', { concernFor: 'child', personId: person, whatHappened: 'Bruises seen at the session', occurredAt: now(), immediateRisk: false });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().data.id as string;
    };
    ids.oldConcern = await concern();
    world.clock.set(TODAY);
    ids.concern = await concern();
    await concern();
    ids.purpose = await purpose('Referral to a GP', '2027-03-01');
    await purpose('Music therapy outcomes', '2027-03-25');
    // 4.1: a parent consented when this person was a child; they are 18 now and should be asked themselves.
    ids.grownUp = await makePerson(world, { dateOfBirth: '2009-01-01' });
    await insertConsent(world, { personId: ids.grownUp, purposeId: ids.purpose, givenBy: 'parental_responsibility', recordedBy: staff.id, recordedAt: '2024-02-01T10:00:00.000Z' });
    for (const [basis, at] of [['consent', '2026-10-05'], ['consent', '2026-12-10'], ['agreement', '2026-12-12'], ['exception', '2027-01-20'], ['consent', '2027-02-14'], ['consent', '2027-03-03']]) {
      await disclosure(person, basis, `${at}T10:00:00.000Z`, ids.purpose, org);
    }
    const bg = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: person, reason: 'Client collapsed, need emergency contacts' });
    expect(bg.statusCode, bg.body).toBe(201);
    const breach = await as(world, staff).post('/api/breaches', { report: 'Laptop with notes stolen from a car' });
    expect(breach.statusCode, breach.body).toBe(201);
    ids.breach = breach.json().data.id;
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('3.6 monitoring-and-review: a manager sees every section, charts with their figures and links; records an overdue policy review after an error at its field; sees the history', async () => {
    const { page, problems } = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await page.clock.setFixedTime(TODAY);
    await signIn(page, base, manager.username);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Management review' }).click();
    await page.getByRole('heading', { name: 'Management review', level: 1 }).waitFor();
    await expect.poll(async () => (await focused(page)).tag).toBe('H1');

    // The overdue policy review comes first, loudly.
    const overdue = page.getByRole('region', { name: /review is overdue by 8 days/ });
    await overdue.waitFor();
    for (const title of ['Open safeguarding concerns, by age', 'Disclosures by basis, month by month', 'Purposes due for review', 'Open breaches and their 72-hour deadlines',
      'Break-glass uses awaiting review', 'Consents expiring', 'Consents to ask for again', 'Users who have not accepted the current policy', 'Sharing agreements ending or due for review',
      'Open cases not held for a purpose in force']) {
      await page.getByRole('heading', { name: new RegExp(`^${title}`), level: 2 }).waitFor();
    }
    expect(await page.locator('canvas').count()).toBe(3);
    // Each chart's text alternative: the same figures as a table.
    const ages = page.getByRole('table', { name: 'Open concerns by how long they have been open' });
    expect(await ages.getByRole('row').allTextContents()).toEqual(['Open forUnder 1 day1 to 7 days7 to 30 daysOver 30 days', 'Count2001']);
    await page.getByText('The figures, month by month').click();
    const months = page.getByRole('table', { name: 'Disclosures released per month, by basis' });
    expect(await months.getByRole('row', { name: /Dec 2026/ }).textContent()).toBe('Dec 2026110');
    // Links to the records' own pages; nothing confidential on the page.
    expect(await page.locator(`a[href="/concerns/${ids.oldConcern}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/breaches/${ids.breach}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/purposes/${ids.purpose}"]`).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'val.volunteer' }).getAttribute('href')).toMatch(/^\/admin\/accounts\//);
    const askAgain = page.locator('#ask-again');
    expect(await askAgain.textContent()).toContain('a parent answered, and the person is now 16 or over: ask them');
    expect(await askAgain.locator(`a[href="/people/${ids.grownUp}"]`).count()).toBe(1);
    const body = await page.locator('main').textContent();
    for (const secret of ['Secretname', 'Hiddenfamily', 'Bruises', 'Laptop', 'collapsed', 'confidential reason text']) expect(body).not.toContain(secret);
    await checkpoint(page, 'management-review-01-overview');

    // Record the review: a date that is not after today is refused at its field, and focus goes there.
    await overdue.getByRole('link', { name: 'Record the policy review' }).click();
    await page.getByRole('heading', { name: 'Policy reviews', level: 1 }).waitFor();
    await page.getByText('No review recorded yet.').waitFor();
    await page.locator('label.radio', { hasText: /^Changes needed/ }).click();
    await page.getByRole('textbox', { name: 'Notes' }).fill('Break-glass reviews are slow; remind managers at the team meeting.');
    await page.getByLabel('Next review by').fill('2027-03-01');
    await page.getByRole('button', { name: 'Record the review' }).click();
    const next = page.getByLabel('Next review by');
    await expect.poll(() => next.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('nextReviewOn');
    const describedBy = (await next.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate(`${JSON.stringify(describedBy)}.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ')`);
    expect(described).toContain('must be after today');
    await checkpoint(page, 'management-review-02-date-error');

    await next.fill('2028-03-01');
    await page.getByRole('button', { name: 'Record the review' }).click();
    await page.locator('#review-done').waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('review-done');
    expect(await page.locator('#review-done').textContent()).toContain('The next review is due on 1 Mar 2028');
    const history = page.getByRole('region', { name: 'History' });
    await expect.poll(() => history.textContent()).toContain('Break-glass reviews are slow');
    expect(await history.textContent()).toContain('morgan.manager');
    await page.getByRole('region', { name: /next due for review on 1 Mar 2028/ }).waitFor();
    await checkpoint(page, 'management-review-03-recorded');
    const recorded = (await auditRows(world)).filter((r) => r.action === 'review.record');
    expect(recorded.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.resource_type])).toEqual([[manager.id, 'change', 'review/senior-management', 'monitoring-and-review, 3.6', 'policy_review']]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('equality-and-diversity equality-monitoring: a manager chooses a closed quarter and sees "<5" and hidden totals exactly as the API publishes them, at 375 px', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    page.setDefaultTimeout(15_000);
    await page.clock.setFixedTime(TODAY);
    await signIn(page, base, manager.username, '/review/equality');
    await page.getByRole('heading', { name: 'Equality monitoring', level: 1 }).waitFor();
    // 2026-Q4 is the newest closed quarter and chosen first; age band first.
    await page.getByRole('button', { name: 'Show the report' }).click();
    const heading = page.getByRole('heading', { name: /^Age band, quarter 4 of 2026/ });
    await heading.waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('report-title');
    const table = page.getByRole('table', { name: /Age band for quarter 4 of 2026/ });
    expect(await table.getByRole('row', { name: /^25 to 34/ }).textContent()).toBe('25 to 345');
    expect(await table.getByRole('row', { name: /^18 to 24/ }).textContent()).toBe('18 to 24<5 (fewer than 5 people)');
    expect(await table.getByRole('row', { name: /^Total/ }).textContent()).toBe('Totalsuppressed (hidden so that a small number cannot be worked out)');
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'management-review-04-equality-375px');
    const asked = (await auditRows(world)).filter((r) => r.action === 'equality.report').at(-1)!;
    expect([asked.actor_id, asked.decision, asked.rule_id]).toEqual([manager.id, 'allow', 'equality/management-reports']);

    // The review itself at 375 px: charts shrink to the width, tables scroll inside their own box.
    await page.getByRole('navigation', { name: 'Management review' }).getByRole('link', { name: 'What needs attention' }).click();
    await page.getByRole('heading', { name: /^Open safeguarding concerns/, level: 2 }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'management-review-06-review-375px');
    expect(problems).toEqual([]);

    // A computer whose clock runs ahead offers a quarter the server still holds open: the API refuses it at the field.
    const ahead = await newPage(browser);
    ahead.page.setDefaultTimeout(15_000);
    await ahead.page.clock.setFixedTime(new Date('2027-07-02T09:00:00.000Z'));
    await signIn(ahead.page, base, manager.username, '/review/equality');
    await ahead.page.getByRole('heading', { name: 'Equality monitoring', level: 1 }).waitFor();
    await ahead.page.getByRole('button', { name: 'Show the report' }).click();
    await expect.poll(() => ahead.page.locator('.field-error').first().textContent()).toContain('closes at 2027-07-01');
    expect(await ahead.page.evaluate('document.activeElement && document.activeElement.getAttribute("data-name")')).toBe('period');
    await checkpoint(ahead.page, 'management-review-07-equality-open-period');
  }, 60_000);

  it('monitoring-and-review review/senior-management-only: staff have no "Management review" and are refused the page with the API\'s reason (403)', async () => {
    const { page, problems } = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await page.clock.setFixedTime(TODAY);
    await signIn(page, base, staff.username);
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Management review' }).count()).toBe(0);
    await page.goto(`${base}/review`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Policy clause monitoring-and-review, 3.6');
    await checkpoint(page, 'management-review-05-staff-refused');
    const refused = (await auditRows(world)).filter((r) => r.action === 'review.read' && r.actor_id === staff.id);
    expect(refused.map((r) => [r.decision, r.rule_id])).toEqual([['deny', 'review/senior-management-only']]);
    expect(problems.filter((p) => !p.includes('403'))).toEqual([]);
  }, 60_000);
});
