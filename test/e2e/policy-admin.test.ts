import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCheckSettled } from '../../src/audit/status';
import { auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, pageWidth, signIn, startBrowser } from './browser';

// Administration in the browser: 3.5 a new policy version everyone accepts again, 3.6 the traceability matrix with
// its planned clauses shown first as gaps, rule modes with the API's refusal, and 1.1 the audit trail's status
// (rule audit/verify), each step audited.

const text = `${readFileSync('test/fixtures/second-policy.md', 'utf8').trimEnd()}\n4.2 Trustees review how records are kept every year, with a report from the software.\n`;
const map = JSON.parse(readFileSync('test/fixtures/second-policy-map.json', 'utf8'));
const clauseMap = { ...map, planned: { '4.2': 'Planned: the yearly report is not built yet; trustees review the register by hand.' } };

describe.runIf(browserAvailable)('administration of the policy and the audit trail in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let admin: TestUser;
  let manager: TestUser;
  let staff: TestUser;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    admin = await makeUser(world, ['administrator'], { username: 'alex.admin' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.manager' });
    staff = await makeUser(world, ['staff'], { username: 'sam.staff' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await auditCheckSettled(world.services);
    await world?.close();
  });

  it('3.6 3.7 3.5 1.1: an administrator sees 3.6 and 3.7 enforced in part, loads a version, sees its planned clause as a gap, is refused a safety rule\'s mode, checks the audit trail', async () => {
    const { page, problems } = await newPage(browser);
    page.setDefaultTimeout(15_000);
    await signIn(page, base, admin.username);
    await page.getByRole('link', { name: 'Administration' }).click();

    // The matrix of the sample policy: no clause of it is planned any more (2.1 was the last), and the page says so
    // first; a version whose map plans a clause shows it first as a gap (below).
    await page.getByRole('heading', { name: 'Traceability matrix', level: 1 }).waitFor();
    const gaps = page.getByRole('region', { name: /not carried out by the software yet/ });
    await expect.poll(() => page.locator('.alert.success').first().textContent()).toContain('No gaps');
    expect(await gaps.count()).toBe(0);
    expect(await page.locator('tr#clause-2\\.1').textContent()).not.toContain('Planned');
    // 3.6 and 3.7 are enforced in part: never shown or counted as enforced, nor as gaps; the rest is the organisation's.
    const success = await page.locator('.alert.success').first().textContent();
    expect(success).toContain('Every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading');
    expect(success).toContain('4 clauses are enforced in part');
    expect(await page.getByRole('list', { name: 'Summary' }).textContent()).toContain('4 enforced in part');
    const clause37 = page.locator('tr#clause-3\\.7');
    expect(await clause37.locator('.badge').textContent()).toBe('Enforced in part');
    expect(await clause37.getAttribute('class')).toBeNull(); // not marked as a gap (matrix-gap)
    expect(await clause37.textContent()).toContain('Procedural — the rest, outside the software:');
    expect(await clause37.textContent()).toContain('3 rules carry out part of it');
    expect(await page.locator('tr#clause-3\\.6 .badge').textContent()).toBe('Enforced in part');
    await checkpoint(page, 'policy-admin-01-matrix-sample');
    await page.locator('label.radio', { hasText: /^Enforced in part/ }).click();
    await expect.poll(() => page.locator('.matrix-table tbody tr').count()).toBe(4);
    expect(await page.locator('.matrix-table tbody tr th').allTextContents()).toEqual(['3.6', '3.7', '5', 'equality and diversity']);
    await page.locator('label.radio', { hasText: /^Enforced$/ }).click();
    await expect.poll(() => page.locator('.matrix-table tbody tr').count()).toBe(23);
    expect(await page.locator('.matrix-table tbody tr#clause-3\\.7').count()).toBe(0);
    await checkpoint(page, 'policy-admin-01b-matrix-in-part');
    await page.locator('label.radio', { hasText: /^Every clause/ }).click();

    // Load a new version: a mistake in the clause map is named at its field first.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Policy versions' }).click();
    await page.getByRole('heading', { name: 'Policy versions', level: 1 }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Harbour Youth Trust policy 2027');
    await page.getByLabel('Policy text').fill(text);
    await page.getByLabel('Clause map (JSON)').fill('{ "keys": { "need-to-know": ["9.9"] } }');
    await page.getByRole('button', { name: 'Load this version' }).click();
    const mapField = page.getByLabel('Clause map (JSON)');
    await expect.poll(() => mapField.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('clauseMap');
    expect(await page.locator('.field-error').first().textContent()).toContain('no clause "9.9" in this policy');
    await checkpoint(page, 'policy-admin-02-load-error');

    await mapField.fill(JSON.stringify(clauseMap, null, 2));
    await page.getByRole('button', { name: 'Load this version' }).click();
    await page.getByRole('heading', { name: /Version 2 is loaded/ }).waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('loaded-title'); // focus moves after the heading renders
    expect(await page.locator('.alert.success').textContent()).toContain('Planned, not yet enforced: 4.2.');
    await checkpoint(page, 'policy-admin-03-loaded');
    expect((await auditRows(world)).filter((r) => r.action === 'policy.load' && r.actor_id === admin.id).at(-1)).toMatchObject({ decision: 'change', resource_type: 'policy' });

    // Everyone accepts the new version again (3.5), the administrator included; then the matrix of version 2.
    await page.getByRole('button', { name: /Read and accept it/ }).click();
    await page.getByRole('button', { name: /accept this policy/ }).click();
    await page.getByRole('heading', { name: 'Traceability matrix', level: 1 }).waitFor();
    await expect.poll(() => page.locator('.lede').first().textContent()).toContain('version 2');
    await expect.poll(() => gaps.textContent()).toContain('4.2');
    const row = page.locator('tr#clause-4\\.2');
    expect(await row.textContent()).toContain('Planned — not yet enforced');
    expect(await row.getAttribute('class')).toContain('matrix-gap');
    await page.locator('label.radio', { hasText: /^Gaps only/ }).click();
    await expect.poll(() => page.locator('.matrix-table tbody tr').count()).toBe(1);
    await checkpoint(page, 'policy-admin-04-matrix-gap');

    // Rule modes: a safety rule may not be relaxed — the API's refusal, at the field; the agreement gate may.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Rule modes' }).click();
    await page.getByRole('heading', { name: 'Rule modes', level: 1 }).waitFor();
    const choose = async (rule: RegExp) => {
      await page.getByRole('button', { name: /Rule/ }).first().click();
      await page.getByRole('option', { name: rule }).click();
    };
    await choose(/^session\/staff-team-only/);
    await page.locator('label.radio', { hasText: /^Warn only/ }).click();
    await page.getByRole('button', { name: 'Change mode' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('Rule session/staff-team-only cannot be relaxed: it is always enforced.');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("data-name")')).toBe('params.ruleId');
    expect(await page.locator('.alert.error').first().textContent()).toContain('One answer needs attention');
    await checkpoint(page, 'policy-admin-05-rule-refused');
    const refusal = (await auditRows(world)).filter((r) => r.action === 'policy.load' && r.resource_type === 'rule').at(-1);
    expect(refusal).toMatchObject({ decision: 'deny', resource_id: 'session/staff-team-only', rule_id: 'session/staff-team-only' });

    await choose(/^agreement\/not-accepted/);
    await page.getByRole('button', { name: 'Change mode' }).click();
    await page.locator('#mode-done').waitFor();
    expect(await page.locator('#mode-done').textContent()).toContain('agreement/not-accepted is now warn only');
    await expect.poll(async () => (await focused(page)).id).toBe('mode-done');
    await checkpoint(page, 'policy-admin-06-rule-changed');

    // The audit trail (1.1): not checked yet; checked on request; the request and its outcome audited.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByText('Not checked since the server last started').waitFor();
    await page.getByRole('button', { name: 'Check the audit trail now' }).click();
    await page.getByText('The audit trail is intact').waitFor();
    await checkpoint(page, 'policy-admin-07-audit-intact');
    await auditCheckSettled(world.services);
    const checks = (await auditRows(world)).filter((r) => r.action === 'audit.verify' && r.actor_id === admin.id);
    expect(checks.map((r) => JSON.parse(r.detail ?? '{}'))).toEqual(expect.arrayContaining([expect.objectContaining({ started: true }), expect.objectContaining({ outcome: 'intact' })]));
    expect(checks.every((r) => r.rule_id === 'audit/verify' && r.clause === '1.1')).toBe(true);
    expect(problems).toEqual([]);
  }, 120_000);

  it('monitoring and review: a manager reviews the matrix at 375 px without the audit trail; staff see no administration', async () => {
    const { page, problems } = await newPage(browser, { width: 375 });
    await signIn(page, base, manager.username);
    await page.getByRole('button', { name: /accept this policy/ }).click();
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Traceability matrix', level: 1 }).waitFor();
    const sub = page.getByRole('navigation', { name: 'Administration' });
    expect(await sub.getByRole('link').allTextContents()).toEqual(['Traceability matrix', 'Policy versions', 'Rule modes']);
    expect(await pageWidth(page)).toBeLessThanOrEqual(375);
    await checkpoint(page, 'policy-admin-08-manager-375px');
    // The API refuses managers the audit status (audit/verify is the administrators' and the guardian's).
    await page.goto(`${base}/admin/audit`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('Only administrators and the guardian may do this.');
    expect(problems.filter((p) => !p.includes('403'))).toEqual([]);

    const other = await newPage(browser, { width: 375 });
    await signIn(other.page, base, staff.username);
    await other.page.getByRole('button', { name: /accept this policy/ }).click();
    await other.page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    expect(await other.page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
  }, 60_000);
});
