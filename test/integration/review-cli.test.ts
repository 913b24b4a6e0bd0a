import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

describe('`confide review`', () => {
  it('3.6 management-review: show, record and history from the console as a named manager; staff are refused citing the rule (exit 4); bad input names the field (exit 2); check flags nothing before the due date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_INITIAL_PASSWORD: 'correct horse battery staple' };
      expect(run(env, 'migrate').status).toBe(0);
      expect(run(env, 'user', 'add', 'morgan', '--name', 'Morgan', '--role', 'manager').status).toBe(0);
      expect(run(env, 'user', 'add', 'sam', '--name', 'Sam', '--role', 'staff').status).toBe(0);
      const show = run(env, 'review', 'show', '--as', 'morgan', '--days', '60');
      expect(show.status, show.stderr).toBe(0);
      const view = JSON.parse(show.stdout);
      expect(view.withinDays).toBe(60);
      expect(Object.keys(view.sections)).toEqual(['purposesDue', 'casesWithoutPurpose', 'consentsExpiring', 'consentsToAskAgain', 'breakGlassAwaitingReview', 'openConcerns', 'openBreaches', 'policyNotAccepted', 'disclosuresByBasis', 'agreementsToReview']);
      const refused = run(env, 'review', 'show', '--as', 'sam');
      expect(refused.status).toBe(4);
      expect(refused.stderr).toContain('review/senior-management-only');
      const bad = run(env, 'review', 'record', '--as', 'morgan', '--outcome', 'fine', '--notes', 'ok', '--next-review', '2099-01-01');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('(--outcome: '); // the option typed, not the API's body.outcome
      const badDays = run(env, 'review', 'show', '--as', 'morgan', '--days', 'abc');
      expect(badDays.status).toBe(2);
      expect(badDays.stderr).toContain('(--days: ');
      expect(badDays.stderr).not.toContain('withinDays');
      const next = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
      const recorded = run(env, 'review', 'record', '--as', 'morgan', '--outcome', 'no_change', '--notes', 'Annual review by the SMT', '--next-review', next);
      expect(recorded.status, recorded.stderr).toBe(0);
      expect(JSON.parse(recorded.stdout)).toMatchObject({ outcome: 'no_change', nextReviewOn: next });
      const history = JSON.parse(run(env, 'review', 'history', '--as', 'morgan').stdout);
      expect(history.items).toHaveLength(1);
      expect(history.status).toMatchObject({ state: 'scheduled', nextReviewOn: next });
      const check = run(env, 'review', 'check');
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toBe('no overdue policy review to flag\n');
      const equality = run(env, 'review', 'equality', '--as', 'morgan', '--characteristic', 'ethnicity', '--period', '2020');
      expect(equality.status, equality.stderr).toBe(0);
      expect(JSON.parse(equality.stdout).total).toMatchObject({ value: null, display: 'suppressed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
