import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/errors';
import { auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';

describe('`confide breaches` at the console (sqlite)', () => {
  let world: World;
  let manager: TestUser, staff: TestUser, volunteer: TestUser;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'breaches', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', DATA_DIR: world.config.dataDir }, encoding: 'utf8',
    });

  beforeAll(async () => {
    world = await createWorld('sqlite');
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
  });
  afterAll(() => world.close());

  it('5 breach-handling: a volunteer reports, staff may not handle (it is hidden from them: the not-found exit code), bad input names the field, a manager lists with the ICO clock, handles with a version and checks the clock; each runs as that user and is audited', async () => {
    const reported = run('report', '--as', volunteer.username, '--text', 'Sent the rota with phone numbers to the wrong group chat');
    expect(reported.status, reported.stderr).toBe(0);
    const id = /reported breach ([0-9a-f-]{36})/.exec(reported.stdout)![1];

    const refused = run('handle', id, '--as', staff.username, '--version', '1', '--data', '{"containment":"deleted"}');
    expect(refused.status).toBe(EXIT_CODES['not-found']); // staff may not know it exists
    const bad = run('handle', id, '--as', manager.username, '--version', '1', '--data', '{"icoDecision":"not_required"}');
    expect(bad.status).toBe(EXIT_CODES['invalid-input']);
    expect(bad.stderr).toContain('body.icoDecision');

    const listed = run('list', '--as', manager.username);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\treported\\t.*ICO running — deadline .*\\(7[01]h \\d+m left\\)`));
    const handled = run('handle', id, '--as', manager.username, '--version', '1', '--data', '{"containment":"Messages deleted by the group admin","dataCategories":["contact"]}');
    expect(handled.status, handled.stderr).toBe(0);
    expect(JSON.parse(handled.stdout).handling.containment).toBe('Messages deleted by the group admin');
    const stale = run('handle', id, '--as', manager.username, '--version', '1', '--data', '{"riskNotes":"x"}');
    expect(stale.status).toBe(EXIT_CODES['stale-version']);
    const checked = run('check');
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('no breach deadline needs a warning');

    const audit = (await auditRows(world)).filter((r) => r.resource_id === id);
    expect(audit.filter((r) => r.decision !== 'allow' || r.action !== 'breach.read').map((r) => [r.actor_id, r.action, r.decision, r.rule_id, r.request_id])).toEqual([
      [volunteer.id, 'breach.report', 'change', 'breaches/report', 'cli-breach-report'],
      [volunteer.id, 'notification.send', 'change', 'breaches/report', 'cli-breach-report'],
      [staff.id, 'breach.handle', 'deny', 'default/deny', 'cli-breach-handle'],
      [manager.id, 'breach.handle', 'change', 'breaches/management', 'cli-breach-handle'],
      [manager.id, 'breach.review', 'allow', 'breaches/management', 'cli-breach-handle'],
    ]);
  }, 180_000);
});
