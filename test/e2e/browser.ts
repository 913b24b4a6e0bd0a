import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD } from '../factories';
import type { World } from '../support/world';

/** Debian's Chromium (no browser download); the browser tests skip without it unless CONFIDE_REQUIRE_BROWSER=1. */
export const CHROMIUM = '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CONFIDE_REQUIRE_BROWSER === '1') throw new Error(`CONFIDE_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`);
if (!browserAvailable) console.log(`[confide] browser tests: SKIPPED — ${CHROMIUM} not installed (apt-get install chromium)`);

/** Where the journeys save their screenshots (gitignored). */
export const SCREENSHOTS = 'test-results';

/** Starts the world's app on a free port and launches Chromium headless. */
export async function startBrowser(world: World): Promise<{ browser: Browser; base: string }> {
  await world.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(world.app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { browser, base };
}

/**
 * A new page that records script errors and Content-Security-Policy violations, so a journey fails when the app
 * breaks its own CSP. Refusals a journey provokes on purpose (4xx answers) are not counted.
 */
export async function newPage(browser: Browser, options: { width?: number } = {}) {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (400|401|403|404|409|412)/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now and fails on any serious or critical
 * violation. axe is evaluated through the DevTools protocol, which the page's CSP does not apply to, so the app's
 * own CSP stays exactly as served.
 */
export async function expectAccessible(page: Page, label: string) {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })`)) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  };
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Saves a full-page screenshot as test-results/<name>.png. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Checks the page as a journey step ends: accessible, then photographed. */
export async function checkpoint(page: Page, name: string) {
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/** What has keyboard focus now: its tag, name, role and id (to check focus moves sensibly after each step). */
export async function focused(page: Page): Promise<{ tag: string; name: string | null; role: string | null; id: string }> {
  return page.evaluate(`(() => { const e = document.activeElement; return { tag: e ? e.tagName : '', name: e && e.getAttribute('name'), role: e && e.getAttribute('role'), id: e ? e.id : '' }; })()`);
}

/** The page's full width in CSS pixels: no wider than the viewport means no sideways scrolling. */
export const pageWidth = (page: Page): Promise<number> => page.evaluate('document.documentElement.scrollWidth');

/** Opens `path` on the app at `base` and signs in there as `username` (a factory user with the shared password). */
export async function signIn(page: Page, base: string, username: string, path = '/', password = PASSWORD): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
