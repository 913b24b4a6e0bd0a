import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

describe('`confide migrate` and `confide doctor`', () => {
  it('doctor fails while migrations are pending, passes after migrate, and fails when the database is unreachable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const before = run({ DATA_DIR: dir }, 'doctor');
      expect(before.status).toBe(1);
      expect(before.stdout).toMatch(/✗ \d+ migration\(s\) pending/);
      const migrated = run({ DATA_DIR: dir }, 'migrate');
      expect(migrated.status).toBe(0);
      expect(migrated.stdout).toContain('0001_accounts_and_records');
      expect(run({ DATA_DIR: dir }, 'migrate').stdout).toContain('up to date');
      const after = run({ DATA_DIR: dir }, 'doctor');
      expect(after.status, after.stdout + after.stderr).toBe(0);
      const unreachable = run({ DATA_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, 'doctor');
      expect(unreachable.status).toBe(1);
      expect(unreachable.stdout).toContain('✗ database not reachable');
      expect(unreachable.stdout).not.toContain('nobody');
      const badSetting = run({ DATA_DIR: dir, PORT: 'ninety' }, 'doctor');
      expect(badSetting.status).toBe(1);
      expect(badSetting.stdout).toContain('PORT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('`confide safeguarding escalate` and `confide outbox send`', () => {
  it('practice 4.1 safeguarding-management: the escalation job and the e-mail sender run once from the console; without SMTP_URL e-mail waits in the outbox', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const escalate = run({ DATA_DIR: dir }, 'safeguarding', 'escalate');
      expect(escalate.status, escalate.stderr).toBe(0);
      expect(escalate.stdout).toContain('no concern is due for escalation');
      const send = run({ DATA_DIR: dir }, 'outbox', 'send');
      expect(send.status).toBe(1);
      expect(send.stderr).toContain('SMTP_URL is not set: 0 e-mail(s) wait in the outbox');
      const badUrl = run({ DATA_DIR: dir, SMTP_URL: 'http://user:secret@mail.example.org' }, 'outbox', 'send');
      expect(badUrl.status).toBe(1);
      expect(badUrl.stderr).toContain('SMTP_URL');
      expect(badUrl.stderr).not.toContain('secret');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
