import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCheckSettled } from '../../src/audit/status';
import { as, auditRows, makeUser, type TestUser } from '../factories';
import { liftAuditGuard } from '../support/audit-guard';
import { createWorld, dialects, type World } from '../support/world';

// 1.1 records-management / monitoring and review: whether the audit trail verifies, in the browser's terms — the last
// check kept with when it ran, a fresh check started in the background (one at a time, at most once a minute), for
// the administrators and the guardian the policy allows (rule audit/verify), every request and outcome audited.

describe.each(dialects())('1.1 records-management audit/verify: the audit status route (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let guardian: TestUser;
  let manager: TestUser;

  beforeAll(async () => {
    world = await createWorld(dialect);
    admin = await makeUser(world, ['administrator']);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
  });
  afterAll(async () => {
    await auditCheckSettled(world.services);
    await world.close();
  });

  it('has nothing to show before the first check, and records the reading', async () => {
    const res = await as(world, guardian).get('/api/audit/status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ last: null, running: false, runningSince: null, nextCheckFrom: null });
    const entry = (await auditRows(world)).at(-1)!;
    expect(entry).toMatchObject({ action: 'audit.verify', decision: 'allow', actor_id: guardian.id, rule_id: 'audit/verify', clause: '1.1' });
  });

  it('starts a check in the background, keeps its result with when it ran, and audits the request and the outcome', async () => {
    const res = await as(world, admin).post('/api/audit/status');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ started: true, running: true });
    await auditCheckSettled(world.services);
    const status = (await as(world, admin).get('/api/audit/status')).json();
    expect(status).toMatchObject({ running: false, last: { ok: true, problem: null, startedAt: '2026-03-02T09:00:00.000Z' } });
    expect(status.last.checked).toBeGreaterThan(0);
    expect(status.nextCheckFrom).toBe('2026-03-02T09:01:00.000Z');
    const rows = (await auditRows(world)).filter((r) => r.action === 'audit.verify' && r.actor_id === admin.id);
    expect(rows.map((r) => JSON.parse(r.detail ?? '{}'))).toEqual(expect.arrayContaining([
      expect.objectContaining({ started: true }),
      expect.objectContaining({ outcome: 'intact' }),
    ]));
    expect(rows.every((r) => r.rule_id === 'audit/verify' && r.clause === '1.1')).toBe(true);
  });

  it('does not start another within a minute (the walk reads every entry: no way to keep the server busy), then does', async () => {
    const again = await as(world, guardian).post('/api/audit/status');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ started: false, running: false });
    expect(JSON.parse((await auditRows(world)).at(-1)!.detail ?? '{}')).toMatchObject({ started: false, reason: 'checked less than a minute ago' });
    world.clock.advance(61_000);
    expect((await as(world, guardian).post('/api/audit/status')).json()).toMatchObject({ started: true });
    await auditCheckSettled(world.services);
  });

  it('names the first bad entry when the chain was altered', async () => {
    // Tampering as an attacker with database access would: the append-only guard is lifted only for this test.
    const seq = Number((await auditRows(world))[2].seq);
    await liftAuditGuard(world.services.db);
    await world.services.db.kysely.updateTable('audit_events').set({ action: 'person.read' }).where('seq', '=', seq).execute();
    world.clock.advance(61_000);
    await as(world, admin).post('/api/audit/status');
    await auditCheckSettled(world.services);
    const status = (await as(world, admin).get('/api/audit/status')).json();
    expect(status.last).toMatchObject({ ok: false, problem: { seq } });
    const outcome = (await auditRows(world)).filter((r) => r.action === 'audit.verify').map((r) => JSON.parse(r.detail ?? '{}')).at(-2);
    expect(outcome).toMatchObject({ outcome: 'broken', problemSeq: seq });
  });

  it('refuses managers and anyone signed out, recording the refusal with its rule', async () => {
    const res = await as(world, manager).get('/api/audit/status');
    expect(res.statusCode).toBe(403);
    expect((await as(world, manager).post('/api/audit/status')).statusCode).toBe(403);
    const refusal = (await auditRows(world)).at(-1)!;
    expect(refusal).toMatchObject({ action: 'audit.verify', decision: 'deny', actor_id: manager.id });
    expect((await as(world).get('/api/audit/status')).statusCode).toBe(401);
  });
});
