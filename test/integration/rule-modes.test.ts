import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('switching rules between enforce and warn-only (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let staff: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    admin = await makeUser(world, ['administrator']);
    staff = await makeUser(world, ['staff'], { accepted: false });
    personId = await makePerson(world);
    await makeCase(world, personId, { [staff.id]: 'lead' });
  });
  afterAll(async () => {
    await as(world, admin).put('/api/policy/rules/agreement%2Fnot-accepted/mode', { mode: 'enforce' });
    await world.close();
  });

  const mode = (user: TestUser, ruleId: string, m: string) => as(world, user).put(`/api/policy/rules/${encodeURIComponent(ruleId)}/mode`, { mode: m });

  it('every rule is listed with its clause, whether it may be relaxed, and its mode', async () => {
    const res = await as(world, staff).get('/api/policy/rules');
    expect(res.statusCode).toBe(200);
    const byId = new Map(res.json().items.map((r: { id: string }) => [r.id, r]));
    expect(byId.get('agreement/not-accepted')).toMatchObject({ configurable: true, mode: 'enforce', clause: '3.5, practice 3' });
    expect(byId.get('session/staff-team-only')).toMatchObject({ configurable: false });
    expect(byId.get('need-to-know/case-team')).toMatchObject({ configurable: false, effect: 'allow' });
  });

  it('practice 2 session-staff-team-only: a safety rule cannot be relaxed (409, audited); nor break-glass review', async () => {
    const res = await mode(admin, 'session/staff-team-only', 'warn');
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].path).toBe('params.ruleId');
    expect((await mode(admin, 'grant/no-self-approval', 'warn')).statusCode).toBe(409);
    const denied = (await auditRows(world)).filter((r) => r.action === 'policy.load' && r.decision === 'deny');
    expect(denied.map((r) => r.resource_id)).toEqual(expect.arrayContaining(['session/staff-team-only', 'grant/no-self-approval']));
  });

  it('unknown rules are 404, bad modes 400, and only administrators switch modes', async () => {
    expect((await mode(admin, 'no/such-rule', 'warn')).statusCode).toBe(404);
    const bad = await mode(admin, 'agreement/not-accepted', 'off');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.mode');
    expect((await mode(staff, 'agreement/not-accepted', 'warn')).statusCode).toBe(403);
  });

  it('3.5 staff-awareness: warn-only lets a user who has not accepted the policy work, recording every such use; enforce blocks again', async () => {
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(403);
    const warn = await mode(admin, 'agreement/not-accepted', 'warn');
    expect(warn.statusCode).toBe(200);
    expect((await as(world, staff).get('/api/policy/rules')).json().items.find((r: { id: string }) => r.id === 'agreement/not-accepted').mode).toBe('warn');

    const read = await as(world, staff).get(`/api/people/${personId}`);
    expect(read.statusCode).toBe(200);
    expect((await as(world, staff).get('/api/people')).json().items.map((p: { id: string }) => p.id)).toContain(personId);
    const warned = (await auditRows(world)).filter((r) => r.rule_id === 'agreement/not-accepted' && r.actor_id === staff.id && r.decision === 'allow');
    expect(warned.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(warned[0].detail)).toMatchObject({ warnOnly: true });

    expect((await mode(admin, 'agreement/not-accepted', 'enforce')).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(403);
  });

  it('3.6 monitoring and review: while a rule is switched to warn only, the traceability matrix says its clauses are not enforced — warn-only, among the gaps, in JSON and Markdown — and enforced again once it is', async () => {
    const matrix = async (format = 'json') => (await as(world, admin).get(`/api/policy/matrix?format=${format}`));
    const row = (m: { rows: { clause: string; status: string; rules: { id: string; mode?: string }[] }[] }, clause: string) => m.rows.find((r) => r.clause === clause)!;
    expect(row((await matrix()).json(), '3.5').status).toBe('enforced');
    expect((await mode(admin, 'agreement/not-accepted', 'warn')).statusCode).toBe(200);
    const m = (await matrix()).json();
    expect(row(m, '3.5')).toMatchObject({ status: 'warn-only', rules: expect.arrayContaining([expect.objectContaining({ id: 'agreement/not-accepted', mode: 'warn' })]) });
    expect(m.summary.warnOnly).toEqual(expect.arrayContaining(['3.5']));
    expect(m.summary.gaps).toEqual(expect.arrayContaining(['3.5']));
    expect(m.summary.attention.join(' ')).toMatch(/switched to warn only — what it would refuse is allowed and recorded, not refused: .*3\.5 \(agreement\/not-accepted\)/);
    const md = (await matrix('md')).body;
    expect(md).not.toContain('No gaps');
    expect(md).toContain('`agreement/not-accepted` (forbid, switched to warn only)');
    expect((await mode(admin, 'agreement/not-accepted', 'enforce')).statusCode).toBe(200);
    expect(row((await matrix()).json(), '3.5').status).toBe('enforced');
  });
});
