import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('explanations and the access log (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let volunteer: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    personId = await makePerson(world);
    await makeCase(world, personId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
  });
  afterAll(() => world.close());

  const explain = (asker: TestUser, user: TestUser, extra = '') => as(world, asker).get(`/api/access/explain?user=${user.id}&record=person:${personId}${extra}`);

  it('3.4 need-to-know: a manager sees why a team member can read a record, with the team role and every field', async () => {
    const res = await explain(manager, staff);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ allowed: true, ruleId: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2', via: 'team', basis: { team: { teamRole: 'lead' }, grants: [] } });
    expect(body.fields.find((f: { field: string }) => f.field === 'healthNotes').allowed).toBe(true);
    expect(body.fields.find((f: { field: string }) => f.field === 'safeguardingNotes').allowed).toBe(false);
  });

  it('3.4 need-to-know: field-level explanation for a volunteer names what is missing', async () => {
    const res = await explain(manager, volunteer, '&field=healthNotes');
    expect(res.json()).toMatchObject({ allowed: false, field: 'healthNotes', ruleId: 'default/deny' });
    expect(res.json().reason).toMatch(/special information/);
  });

  it('3.4 need-to-know: a denial is worded helpfully for someone off the team', async () => {
    const res = await explain(manager, outsider);
    expect(res.json()).toMatchObject({ allowed: false, basis: { team: null } });
    expect(res.json().reason).toBe("You are not on this client's case team — request access.");
  });

  it('3.1 justify-purpose: users may explain themselves, and an invisible record answers exactly like a missing one', async () => {
    const self = await explain(outsider, outsider);
    const missing = await as(world, outsider).get(`/api/access/explain?user=${outsider.id}&record=person:01900000-0000-7000-8000-000000000000`);
    expect(self.statusCode).toBe(200);
    const strip = (b: Record<string, unknown>) => ({ ...b, record: undefined });
    expect(strip(self.json())).toEqual(strip(missing.json()));
  });

  it('3.1 justify-purpose: staff may not ask about someone else (403); oversight on a missing record is 404; bad field is 400', async () => {
    expect((await explain(outsider, staff)).statusCode).toBe(403);
    expect((await as(world, manager).get(`/api/access/explain?user=${staff.id}&record=person:01900000-0000-7000-8000-000000000000`)).statusCode).toBe(404);
    const bad = await explain(manager, staff, '&field=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.field');
  });

  it('3.1 justify-purpose: managers and the guardian see who has seen a person\'s records; staff may not', async () => {
    await as(world, staff).get(`/api/people/${personId}`);
    const log = await as(world, guardian).get(`/api/people/${personId}/access-log`);
    expect(log.statusCode).toBe(200);
    const read = log.json().items.find((i: { action: string; actor: { id: string } | null }) => i.action === 'person.read' && i.actor?.id === staff.id);
    expect(read.fields).toContain('healthNotes');
    expect(JSON.stringify(log.json())).not.toContain('asthma');
    expect((await as(world, staff).get(`/api/people/${personId}/access-log`)).statusCode).toBe(403);
    expect((await as(world, manager).get('/api/people/01900000-0000-7000-8000-000000000000/access-log')).statusCode).toBe(404);
    expect((await auditRows(world)).some((r) => r.action === 'audit.read' && r.actor_id === guardian.id)).toBe(true);
  });

  it.runIf(dialect === 'sqlite')('3.4 need-to-know: `confide access explain` prints the same decision at the console', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'access', 'explain', '--user', staff.username, '--record', `person:${personId}`, '--json'], {
      env: { ...process.env, DATA_DIR: world.config.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'utf8',
    });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ allowed: true, ruleId: 'need-to-know/case-team', basis: { team: { teamRole: 'lead' } } });
    const text = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'access', 'explain', '--user', outsider.username, '--record', `person:${personId}`, '--field', 'healthNotes'], {
      env: { ...process.env, DATA_DIR: world.config.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, encoding: 'utf8',
    });
    expect(text.stdout).toContain('DENIED');
    expect(text.stdout).toContain("not on this client's case team");
  });
});
