import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

describe('`confide safeguarding` referrals', () => {
  it('practice 4.3 safeguarding-duty-to-share: the overdue check runs once from the console; staff are refused the list with the rule; a referral\'s answers are validated like the API, naming the field (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_INITIAL_PASSWORD: 'correct horse battery staple' };
      expect(run(env, 'migrate').status).toBe(0);
      expect(run(env, 'user', 'add', 'sam', '--name', 'Sam', '--role', 'staff').status).toBe(0);
      const check = run(env, 'safeguarding', 'referrals-check');
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toBe('no referral is overdue\n');
      const staff = run(env, 'safeguarding', 'referrals', '--as', 'sam');
      expect(staff.status).toBe(4);
      expect(staff.stderr).toContain('default/deny');
      const view = run(env, 'safeguarding', 'referrals', '--as', 'sam', '--view', 'soon');
      expect(view.status).toBe(2);
      expect(view.stderr).toContain('--view');
      const file = join(dir, 'referral.json');
      writeFileSync(file, JSON.stringify({ to: 'police', urgent: true }));
      const bad = run(env, 'safeguarding', 'refer', '01966f5e-0000-7000-8000-000000000000', '--as', 'sam', '--answers', file);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('answers.riskOfHarm');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
