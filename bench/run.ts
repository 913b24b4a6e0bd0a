/**
 * `npm run bench` — Confide's benchmarks (issues 3 and 4). Prints a table and writes bench/results.json.
 *
 *   npm run bench                     everything (~6–10 min the first time: the 1M-row datasets are built and
 *                                     cached under bench/out/; later runs reuse them)
 *   npm run bench -- --quick          fewer iterations and rounds (~3 min once the datasets exist)
 *   npm run bench -- --only=list,http sections: decide, log (the access line), list, told (the not-yet-told worklist), consent (a person's
 *                                     consent history), start, http, audit, review (the management review view),
 *                                     page (the person page in Chromium over 1M people),
 *                                     disclosure (a 200-item release pack through the API; the register for one
 *                                     recipient over 1M disclosures)
 *   npm run bench -- --no-pg          SQLite only (PostgreSQL is used when PG_TEST_URL, default
 *                                     postgres://postgres@127.0.0.1:5432/test, answers)
 *
 * Sections run one after another in this process (the HTTP server and cold starts in child processes). With
 * --only, the other sections of an existing results.json are kept, each with the date it was measured.
 * BENCH_HTTP_CONNECTIONS=n sets the HTTP benchmark's concurrent clients (default 10; with 1, every request is
 * alone in its transaction, so group commit has nothing to share).
 * Profiling the server: BENCH_CPU_PROF=dir BENCH_HTTP_ONLY=audited npm run bench -- --only=http --quick, then
 * `npx tsx bench/profile-summary.ts dir/<file>.cpuprofile` (the profile covers the measured rounds only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchAudit } from './audit';
import { benchColdStart } from './cold-start';
import { benchConsent } from './consent';
import { benchDecide } from './decide';
import { benchDisclosure } from './disclosure';
import { benchHttp } from './http';
import { type BenchOptions, type Row, log, machineInfo, printTable, round } from './lib';
import { benchList } from './list';
import { benchLog } from './log';
import { benchNotYetTold } from './first-contact';
import { benchReview } from './review';
import { benchPage } from './page';

// Order matters on a shared machine: the read-only list benchmark runs before the sections that write a lot (and
// make PostgreSQL checkpoint and autovacuum under the list's feet).
const SECTIONS = {
  decide: benchDecide,
  log: benchLog,
  list: benchList,
  told: benchNotYetTold,
  start: benchColdStart,
  http: benchHttp,
  audit: benchAudit,
  consent: benchConsent,
  review: benchReview,
  page: benchPage,
  disclosure: benchDisclosure,
} as const;
type Section = keyof typeof SECTIONS;

const RESULTS = join(import.meta.dirname, 'results.json');

async function reachablePg(): Promise<string | null> {
  const url = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

function gitCommit(): string | null {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (+ uncommitted changes)` : sha;
  } catch {
    return null;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !/^--(quick|no-pg|only=[a-z,]+)$/.test(a));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(' ')} (use --quick, --no-pg, --only=${Object.keys(SECTIONS).join(',')})`);
  const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',') as Section[] | undefined;
  for (const s of only ?? []) if (!(s in SECTIONS)) throw new Error(`unknown section ${s}`);
  const pgUrl = args.includes('--no-pg') ? null : await reachablePg();
  const opts: BenchOptions = { quick: args.includes('--quick'), pgUrl };
  log(`PostgreSQL: ${pgUrl ? `on (${new URL(pgUrl).host})` : 'off'}; ${opts.quick ? 'quick' : 'full'} run`);

  const started = Date.now();
  const machine = machineInfo();
  const previous = only && existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : null;
  const sections: Record<string, unknown> = { ...(previous?.sections ?? {}) };
  const rows: Row[] = [];
  for (const name of Object.keys(SECTIONS) as Section[]) {
    if (only && !only.includes(name)) continue;
    log(`— ${name} —`);
    const t0 = Date.now();
    const { result, rows: r } = await SECTIONS[name](opts);
    sections[name] = {
      // Each section says what it ran on: a run with --only keeps older sections, and the shared machine's host
      // (and so its processor) can differ from one run to the next.
      measuredAt: new Date().toISOString(), commit: gitCommit(), cpuModel: machine.cpuModel, quick: opts.quick, seconds: round((Date.now() - t0) / 1000, 1),
      loadAverageAfter: loadavg().map((x) => round(x, 2)), result,
    };
    rows.push(...r);
  }
  const output = {
    note:
      'Written by `npm run bench` (bench/run.ts). The machine is shared: read ratios measured in the same run ' +
      '(audited read vs bare Fastify, Confide audit append vs raw better-sqlite3) before absolute figures.',
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine,
    options: { quick: opts.quick, postgres: pgUrl ? new URL(pgUrl).host : null, only: only ?? null },
    totalSeconds: round((Date.now() - started) / 1000, 1),
    table: [...(previous && only ? (previous.table as Row[]).filter((r) => !rows.some((n) => n.section.split(' ')[0] === r.section.split(' ')[0])) : []), ...rows],
    sections,
  };
  // A profiling run measures one HTTP target alone: no figures to keep.
  if (process.env.BENCH_HTTP_ONLY) return;
  writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
  printTable(rows);
  process.stdout.write(`results: ${RESULTS} (${output.totalSeconds} s)\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
