import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/errors';

const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', DATA_DIR: dir }, encoding: 'utf8',
  });

describe('`confide` exits with the code of the kind of error a command met', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-exit-codes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('3.7 secure conditions: invalid input, an unknown user and the last administrator each have their own exit code', () => {
    const added = run(dir, 'user', 'add', 'admin.one', '--name', 'Admin One', '--role', 'administrator');
    expect(added.status, added.stderr).toBe(0);

    const invalid = run(dir, 'user', 'add', 'Bad Name', '--name', 'x', '--role', 'staff');
    expect(invalid.status).toBe(EXIT_CODES['invalid-input']);
    expect(invalid.stderr).toContain('confide: username:');

    const missing = run(dir, 'user', 'deactivate', 'nobody.at.all');
    expect(missing.status).toBe(EXIT_CODES['not-found']);
    expect(missing.stderr).toContain('No user with that username.');

    const last = run(dir, 'user', 'deactivate', 'admin.one');
    expect(last.status).toBe(EXIT_CODES.conflict);
    expect(last.stderr).toContain('last active administrator');
  }, 180_000);

  it('3.5 agreement: an export by a user who has not accepted the policy exits as forbidden, naming rule and clause', () => {
    expect(run(dir, 'user', 'add', 'staff.one', '--name', 'Staff One', '--role', 'staff').status).toBe(0);
    expect(run(dir, 'policy', 'matrix', '-f', 'json').status).toBe(0); // installs the bundled policy, as a start would
    const refused = run(dir, 'export', 'people', '--as', 'staff.one', '--purpose', 'any');
    expect(refused.status).toBe(EXIT_CODES.forbidden);
    expect(refused.stderr).toMatch(/\[rule agreement\/not-accepted, clause 3\.5/);
    expect(refused.stdout).toBe('');
    expect(run(dir, 'audit', 'verify').status).toBe(0);
  }, 180_000);
});
