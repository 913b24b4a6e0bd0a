import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execSync } from 'node:child_process';

const FILE = 'bench/reliability.json';

/** Whether this is `npm run test:long` (the long runs write their figures; a short run does not). */
export const LONG_RUN = process.env.CONFIDE_PROPERTY_RUNS === 'long';

/**
 * Records one long run's figures under `section` in bench/reliability.json (kept beside the other sections; each
 * with when and on which commit it was measured). Only `npm run test:long` writes; a shortened run during
 * development (CONFIDE_LONG_SECONDS) does not overwrite the figures the README quotes.
 */
export function recordReliability(section: string, figures: Record<string, unknown>) {
  if (!LONG_RUN || process.env.CONFIDE_LONG_SECONDS) return;
  const current = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) as { sections?: Record<string, unknown> } : {};
  let commit = 'unknown';
  try { commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { /* not a checkout */ }
  const next = {
    note: 'Written by `npm run test:long` (test/long, test/integration/fuzz.test.ts). Each section says when, on which commit and under what load it ran.',
    sections: {
      ...current.sections,
      [section]: { measuredAt: new Date().toISOString(), commit, cpus: cpus().length, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100), ...figures },
    },
  };
  writeFileSync(`${FILE}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(`${FILE}.tmp`, FILE);
}

/** The p-th percentile (0–100) of some numbers, rounded to 0.1. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}
