/**
 * The person page in a real browser over the 1M-person dataset (issue 13): Debian's Chromium opens
 * /people/:id as a staff member who works with ~20,000 of the people, and the time is measured from navigation to
 * the person's name and their cases on screen (every API call the page makes, rendering included). Each round opens
 * a different person in a new tab of one browser session, so the app's scripts are cached as they are for a
 * worker during the day; the first load (nothing cached) is reported apart. Goal: p95 < 1 s on loopback.
 * BENCH_PAGE_TRACE=1 logs every request the page makes with its time, to see where a slow load goes.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { createSession } from '../src/accounts/sessions';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { DialectName } from '../src/db/connect';
import { SESSION_COOKIE } from '../src/http/auth/cookies';
import { startupSteps } from '../src/server';
import { createServices, prepareDatabase } from '../src/services';
import { ensureWebBuild } from '../scripts/web-build';
import { INITIAL_JS_BUDGET_BYTES, initialScripts } from '../scripts/bundle-size';
import { acceptPolicies, ACTORS, ids, OUT_DIR, PEOPLE, PG_SCHEMA, pgDataset, SQLITE_FILE, sqliteDataset, SWEEP } from './dataset';
import { type BenchOptions, log, round, summarise, type Row } from './lib';

const CHROMIUM = '/usr/bin/chromium';
const ACTOR = SWEEP.find((a) => a.key === 'middle')!;

async function pageOnce(dialect: DialectName, opts: BenchOptions) {
  // The dataset is built (or reused) and migrated first; then a server opens it like `npm start` would.
  const dataset = dialect === 'sqlite' ? await sqliteDataset() : await pgDataset(opts.pgUrl!);
  await dataset.close();
  const dataDir = join(OUT_DIR, 'page-data-dir'); // one signing key for every run on this dataset
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: dialect === 'postgres' ? opts.pgUrl! : '', LOG_LEVEL: 'silent' });
  const services = createServices(config, {
    logger: pino({ level: 'silent' }),
    connect: dialect === 'postgres' ? { pgSchema: PG_SCHEMA } : { sqliteFile: SQLITE_FILE },
  });
  await prepareDatabase(services);
  for (const step of startupSteps) await step(services);
  await acceptPolicies(services.db);
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const session = await createSession(services.db.kysely, ACTORS.middle, new Date(), config);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: session.cookieValue, url: base }]);
    const rounds = opts.quick ? 15 : 40;
    const samples: number[] = [];
    let first = 0;
    for (let r = 0; r <= rounds; r++) {
      // The actor's people: every 50th from offset 7, spread over the whole dataset.
      const index = ACTOR.offset + ACTOR.every * Math.floor(((r * 7919) % Math.floor(PEOPLE / ACTOR.every)));
      const page = await context.newPage();
      if (process.env.BENCH_PAGE_TRACE) {
        page.on('requestfinished', (rq) => {
          const t = rq.timing();
          log(`  ${rq.method()} ${new URL(rq.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id')} ${round(t.responseEnd, 0)} ms (start +${round(t.startTime - performance.timeOrigin, 0)})`);
        });
      }
      const t0 = performance.now();
      await page.goto(`${base}/people/${ids.person(index)}`);
      await page.getByRole('heading', { level: 1 }).filter({ hasNotText: /loading/i }).first().waitFor({ timeout: 10_000 });
      await page.getByRole('heading', { name: /cases/i }).first().waitFor({ timeout: 10_000 });
      const ms = performance.now() - t0;
      if (r === 0) first = ms;
      else samples.push(ms);
      await page.close();
    }
    return { dialect, first: round(first, 0), ...summarise(samples) };
  } finally {
    await browser.close();
    await app.close();
    await services.db.close();
  }
}

/** `npm run bench -- --only=page`: the person page with data in a real browser, both engines; the initial JS size. */
export async function benchPage(opts: BenchOptions) {
  await ensureWebBuild({ quiet: true });
  const initialJs = initialScripts().reduce((n, x) => n + x.gzipBytes, 0);
  const results = [await pageOnce('sqlite', opts)];
  if (opts.pgUrl) results.push(await pageOnce('postgres', opts));
  const rows: Row[] = results.map((r) => ({
    section: `page ${r.dialect}`, name: `person page with data, ${PEOPLE.toLocaleString('en-GB')} people, staff seeing ~${Math.round(PEOPLE / ACTOR.every).toLocaleString('en-GB')} (first load ${r.first} ms)`,
    value: `p95 ${round(r.p95, 0)} ms (p50 ${round(r.p50, 0)})`, goal: '< 1000 ms', ok: r.p95 < 1000,
  }));
  rows.push({ section: 'page', name: 'initial JavaScript, gzipped', value: `${round(initialJs / 1024, 1)} KB`, goal: `< ${INITIAL_JS_BUDGET_BYTES / 1024} KB`, ok: initialJs < INITIAL_JS_BUDGET_BYTES });
  log(`page: ${rows.map((r) => `${r.section} ${r.value}`).join('; ')}`);
  return { result: results, rows };
}
