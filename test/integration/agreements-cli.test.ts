import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

describe('`confide agreements`', () => {
  it('practice 5.1 sharing-agreements: list, review-due and show from the console as a named user; bad input names the console option (exit 2), an unknown agreement is exit 5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_INITIAL_PASSWORD: 'correct horse battery staple' };
      expect(run(env, 'migrate').status).toBe(0);
      expect(run(env, 'user', 'add', 'sam', '--name', 'Sam', '--role', 'staff').status).toBe(0);
      const list = run(env, 'agreements', 'list', '--as', 'sam');
      expect(list.status, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual({ items: [], nextCursor: null, can: { manage: false, document: false } }); // staff: read only
      const due = run(env, 'agreements', 'review-due', '--as', 'sam');
      expect(due.status, due.stderr).toBe(0);
      expect(JSON.parse(due.stdout)).toMatchObject({ withinDays: 60, items: [] });
      // An error names the console option the user typed, not the API's query field.
      for (const days of ['0', 'abc']) {
        const bad = run(env, 'agreements', 'review-due', '--as', 'sam', '--days', days);
        expect(bad.status, days).toBe(2);
        expect(bad.stderr, days).toMatch(/\(--days: /);
        expect(bad.stderr, days).not.toContain('withinDays');
      }
      const badStatus = run(env, 'agreements', 'list', '--as', 'sam', '--status', 'lapsed');
      expect(badStatus.status).toBe(2);
      expect(badStatus.stderr).toMatch(/\(--status: /);
      const missing = run(env, 'agreements', 'show', '01966f5e-0000-7000-8000-000000000000', '--as', 'sam');
      expect(missing.status).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
