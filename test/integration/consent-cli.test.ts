import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

describe('`confide purposes` and `confide consent`', () => {
  it('3.1 purpose-register: the register from the console as a named user; bad input names the field (exit 2), an unknown consent is exit 5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_INITIAL_PASSWORD: 'correct horse battery staple' };
      expect(run(env, 'migrate').status).toBe(0);
      const added = run(env, 'user', 'add', 'gwen', '--name', 'Gwen', '--role', 'guardian');
      expect(added.status, added.stderr).toBe(0);
      const list = run(env, 'purposes', 'list', '--as', 'gwen');
      expect(list.status, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual({ items: [], nextCursor: null });
      const file = join(dir, 'purpose.json');
      writeFileSync(file, JSON.stringify({ name: 'x' }));
      const bad = run(env, 'purposes', 'create', '--as', 'gwen', '--file', file);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('body.description');
      writeFileSync(file, JSON.stringify({
        name: 'GP referral', description: 'd', lawfulBasis: 'consent', dataCategories: ['general'], recipientCategories: ['GP practice'],
        needsIdentity: true, retentionPeriod: 'P6Y', guardianId: '01966f5e-0000-7000-8000-000000000000',
        nextReviewOn: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10), // a year ahead of the real clock (at most three, 3.1)
      }));
      const notGuardian = run(env, 'purposes', 'create', '--as', 'gwen', '--file', file);
      expect(notGuardian.status).toBe(2);
      expect(notGuardian.stderr).toContain('body.guardianId');
      const missing = run(env, 'consent', 'receipt', '01966f5e-0000-7000-8000-000000000000', '--as', 'gwen', '-o', join(dir, 'r.pdf'));
      expect(missing.status).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
