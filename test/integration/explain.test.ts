import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('explanations and the access log (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let volunteer: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  let personId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    personId = await makePerson(world);
    const caseId = await makeCase(world, personId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    noteId = await makeNote(world, caseId, staff.id);
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

  it('3.4 need-to-know: the user may be named by username, as the console command takes it; an unknown username is answered as an unknown id', async () => {
    const byName = await as(world, manager).get(`/api/access/explain?user=${encodeURIComponent(staff.username.toUpperCase())}&record=person:${personId}`);
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toEqual((await explain(manager, staff)).json());
    expect((await as(world, outsider).get(`/api/access/explain?user=${outsider.username}&record=person:${personId}`)).statusCode).toBe(200);
    // Someone else, by name or unknown: the same 403 for staff, so usernames cannot be probed; 404 for a manager.
    expect((await as(world, outsider).get(`/api/access/explain?user=${staff.username}&record=person:${personId}`)).statusCode).toBe(403);
    expect((await as(world, outsider).get(`/api/access/explain?user=nobody-by-this-name&record=person:${personId}`)).statusCode).toBe(403);
    expect((await as(world, manager).get(`/api/access/explain?user=nobody-by-this-name&record=person:${personId}`)).statusCode).toBe(404);
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

  it('3.4 need-to-know: an approved grant is named as the basis, with its classifications and expiry, field by field', async () => {
    const asked = await as(world, volunteer).post('/api/access/requests', { resourceType: 'person', resourceId: personId, classifications: ['personal'], reason: 'Arranging transport to the concert', hours: 4 });
    const approved = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, {});
    expect(approved.statusCode).toBe(200);
    const res = await explain(manager, volunteer, '&field=dateOfBirth');
    expect(res.json()).toMatchObject({ allowed: true, ruleId: 'need-to-know/access-grant', via: 'grant', clause: '3.3, 3.4, 4.2', basis: { team: { teamRole: 'volunteer' } } });
    expect(res.json().basis.grants).toEqual([{ id: asked.json().id, kind: 'request', expiresAt: approved.json().expiresAt, classifications: ['general', 'personal'] }]);
    const fields = res.json().fields as { field: string; classification: string; allowed: boolean }[];
    expect(fields.find((f) => f.field === 'dateOfBirth')).toMatchObject({ classification: 'personal', allowed: true });
    expect(fields.find((f) => f.field === 'healthNotes')).toMatchObject({ classification: 'special', allowed: false });
    // The volunteer may ask the same about themselves and gets the same answer.
    expect((await explain(volunteer, volunteer, '&field=dateOfBirth')).json()).toMatchObject({ allowed: true, ruleId: 'need-to-know/access-grant' });
  });

  it('practice 4.2 break-glass-review: a break-glass grant shows as the basis of access in an explanation', async () => {
    const responder = await makeUser(world, ['staff']);
    expect((await explain(manager, responder)).json().allowed).toBe(false);
    const opened = await as(world, responder).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'Client collapsed at the session, need contacts now' });
    expect(opened.statusCode).toBe(201);
    const res = await explain(manager, responder, '&field=safeguardingNotes');
    // Decided as the emergency access it is (practice 4.2, 4.3), not as a grant a manager approved beforehand.
    expect(res.json()).toMatchObject({ allowed: true, ruleId: 'break-glass/emergency-access', clause: 'practice 4.2, practice 4.3', via: 'grant', basis: { team: null } });
    expect(res.json().basis.grants).toMatchObject([{ id: opened.json().id, kind: 'break_glass' }]);
    expect(res.json().basis.grants[0].classifications).not.toContain('commercial');
  });

  it('practice 2 session-staff-team-only: explaining a session note names the rule that keeps it from a manager off the team', async () => {
    const onTeam = await as(world, manager).get(`/api/access/explain?user=${staff.id}&record=note:${noteId}&field=body`);
    expect(onTeam.json()).toMatchObject({ allowed: true, ruleId: 'need-to-know/case-team', basis: { team: { teamRole: 'lead' } } });
    const off = await as(world, manager).get(`/api/access/explain?user=${manager.id}&record=note:${noteId}&field=body`);
    expect(off.json()).toMatchObject({ allowed: false, ruleId: 'session/staff-team-only', clause: 'practice 1, practice 2' });
    expect(off.json().fields.find((f: { field: string }) => f.field === 'title')).toMatchObject({ allowed: true });
  });

  it('3.4 need-to-know: explanations cover other actions; an action of another record type is 400', async () => {
    const update = await explain(manager, staff, '&action=person.update&field=safeguardingNotes');
    expect(update.json()).toMatchObject({ action: 'person.update', allowed: false, ruleId: 'default/deny' });
    const personal = await explain(staff, staff, '&action=person.update&field=email');
    expect(personal.json()).toMatchObject({ allowed: true, ruleId: 'records/case-team-update' });
    const wrong = await explain(manager, staff, '&action=note.read');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('query.action');
    expect((await explain(manager, staff, '&action=nonsense')).statusCode).toBe(400);
  });

  it('3.1 justify-purpose: the guardian may explain anyone; every explanation is audited, and a 403 is audited as a denial', async () => {
    expect((await explain(guardian, volunteer)).statusCode).toBe(200);
    await explain(volunteer, staff);
    const rows = (await auditRows(world)).filter((r) => r.action === 'access.explain');
    expect(rows.some((r) => r.actor_id === guardian.id && r.decision === 'allow' && r.rule_id === 'explain/oversight')).toBe(true);
    expect(rows.some((r) => r.actor_id === volunteer.id && r.decision === 'deny')).toBe(true);
    expect((await as(world, manager).get(`/api/access/explain?user=01900000-0000-7000-8000-000000000000&record=person:${personId}`)).statusCode).toBe(404);
    expect((await as(world, manager).get(`/api/access/explain?user=${staff.id}&record=people:${personId}`)).statusCode).toBe(400);
  });

  it.runIf(dialect === 'sqlite')('3.4 need-to-know: `confide access explain` prints the same decision at the console, audited under the system actor', async () => {
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
    const fromConsole = (await auditRows(world)).filter((r) => r.request_id === 'cli-access-explain');
    expect(fromConsole.map((r) => [r.action, r.actor_id, r.decision, r.rule_id, r.resource_id])).toEqual([
      ['access.explain', 'system', 'allow', 'explain/oversight', personId],
      ['access.explain', 'system', 'allow', 'explain/oversight', personId],
    ]);
  }, 120_000); // two CLI processes start under tsx: slow on a busy machine
});
