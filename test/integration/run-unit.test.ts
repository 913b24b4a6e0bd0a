import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/accounts/actor';
import { ensureAdministrator } from '../../src/accounts/bootstrap';
import { SYSTEM_ACTOR } from '../../src/accounts/system-actor';
import { verifyAudit } from '../../src/audit/verify';
import type { Ctx } from '../../src/context';
import type { Database } from '../../src/db/schema';
import { PolicyState } from '../../src/policy/state';
import { actAs, runUnit } from '../../src/unit';
import { auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/** Writes a marker row in the unit's transaction (a table with no foreign keys, so any key will do). */
const writeMarker = (db: Kysely<Database>, key: string) =>
  sql`insert into sign_in_throttle (key, failures, window_started_at, locked_until) values (${key}, 0, '2026-03-02T09:00:00.000Z', null)`.execute(db);

describe.each(dialects())('runUnit: one unit of work (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  const markers = async (prefix: string) =>
    (await world.services.db.kysely.selectFrom('sign_in_throttle').select('key').where('key', 'like', `${prefix}%`).execute()).map((r) => r.key).sort();
  const entriesOf = async (requestId: string) => (await auditRows(world)).filter((r) => r.request_id === requestId);

  it('1.1 records management: the work and its audit entries commit together, stamped with the actor, request id and time', async () => {
    const actor = (await loadActor(world.services.db.kysely, staff.id, world.clock.now().toISOString()))!;
    const out = await runUnit(world.services, {
      actor, requestId: 'unit-commit',
      work: async (ctx) => {
        // The actor as given, with the organisation's policy as this unit's transaction reads it (clause numbers, modes).
        expect(ctx.actor).toEqual({ ...actor, policy: expect.any(PolicyState) });
        expect(ctx.requestId).toBe('unit-commit');
        await writeMarker(ctx.db, 'commit-1');
        ctx.audit.add({ action: 'test.write', decision: 'change', resourceType: 'marker', resourceId: 'commit-1', detail: { fields: ['key'] } });
        ctx.audit.add({ action: 'test.read', decision: 'allow', resourceType: 'marker', resourceId: 'commit-1', ruleId: 'test/rule', clause: '1.1' });
        return 'done';
      },
    });
    expect(out).toBe('done');
    expect(await markers('commit-')).toEqual(['commit-1']);
    const rows = await entriesOf('unit-commit');
    expect(rows.map((r) => [r.action, r.decision, r.actor_id, r.resource_id, r.rule_id, r.clause, r.at])).toEqual([
      ['test.write', 'change', staff.id, 'commit-1', null, null, world.clock.now().toISOString()],
      ['test.read', 'allow', staff.id, 'commit-1', 'test/rule', '1.1', world.clock.now().toISOString()],
    ]);
    expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
  });

  it('1.1 records management: a failed unit leaves nothing of its work, and its denials are still recorded under its actor', async () => {
    const actor = (await loadActor(world.services.db.kysely, staff.id, world.clock.now().toISOString()))!;
    const failure = new Error('the work failed');
    await expect(runUnit(world.services, {
      actor, requestId: 'unit-rollback',
      work: async (ctx) => {
        await writeMarker(ctx.db, 'rollback-1');
        ctx.audit.add({ action: 'test.write', decision: 'change', resourceType: 'marker', resourceId: 'rollback-1' });
        ctx.audit.add({ action: 'test.read', decision: 'deny', resourceType: 'marker', resourceId: 'rollback-2', ruleId: 'default/deny', clause: '3.4' });
        throw failure;
      },
    })).rejects.toBe(failure);
    expect(await markers('rollback-')).toEqual([]);
    const rows = await entriesOf('unit-rollback');
    expect(rows.map((r) => [r.action, r.decision, r.actor_id, r.resource_id, r.rule_id, r.clause])).toEqual([['test.read', 'deny', staff.id, 'rollback-2', 'default/deny', '3.4']]);
    expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
  });

  it('1.1 records management: the system acts as the system actor, and the audit names it "system"', async () => {
    await runUnit(world.services, {
      actor: 'system', requestId: 'unit-system',
      work: async (ctx) => {
        expect(ctx.actor).toEqual({ ...SYSTEM_ACTOR, policy: expect.any(PolicyState) });
        expect(ctx.actor.policy.clauseFor('secure-conditions')).toBe('3.7');
        ctx.audit.add({ action: 'test.install', decision: 'change', resourceType: 'marker', resourceId: 'system-1' });
      },
    });
    expect((await entriesOf('unit-system')).map((r) => [r.action, r.actor_id])).toEqual([['test.install', 'system']]);
    // The work Confide does on its own behalf is recorded the same way: the bundled policy installed at start-up …
    const installed = (await auditRows(world)).find((r) => r.action === 'policy.load')!;
    expect(installed).toMatchObject({ actor_id: 'system', request_id: 'startup', decision: 'change' });
    // … and no first administrator when accounts exist (this world has one), so nothing written.
    const before = (await auditRows(world)).length;
    expect(await ensureAdministrator(world.services)).toBeNull();
    expect((await auditRows(world)).length).toBe(before);
  });

  it('3.7 secure conditions: on first start the system creates the administrator, and the audit names the system', async () => {
    const empty = await createWorld(dialect);
    try {
      const admin = await ensureAdministrator(empty.services);
      expect(admin?.username).toBe('admin');
      const user = await empty.services.db.kysely.selectFrom('users').select(['id', 'must_change_password']).where('username', '=', 'admin').executeTakeFirstOrThrow();
      expect(Number(user.must_change_password)).toBe(1);
      const created = (await auditRows(empty)).filter((r) => r.action === 'user.manage');
      expect(created.map((r) => [r.actor_id, r.request_id, r.resource_id, r.decision])).toEqual([['system', 'startup', user.id, 'change']]);
      expect(JSON.stringify(created)).not.toContain(admin!.password);
    } finally {
      await empty.close();
    }
  });

  it('1.1 records management: an actor identified inside the unit uses its transaction; when identifying fails, nothing is recorded', async () => {
    let seen: Kysely<Database> | undefined;
    await runUnit(world.services, {
      actor: async (db) => {
        seen = db;
        await writeMarker(db, 'resolve-1');
        return (await loadActor(db, staff.id, world.clock.now().toISOString()))!;
      },
      requestId: 'unit-resolve',
      work: async (ctx) => {
        expect(ctx.db).toBe(seen);
        expect(ctx.actor.id).toBe(staff.id);
        ctx.audit.add({ action: 'test.read', decision: 'allow', resourceType: 'marker', resourceId: 'resolve-1' });
      },
    });
    expect(await markers('resolve-')).toEqual(['resolve-1']);
    expect((await entriesOf('unit-resolve')).map((r) => r.actor_id)).toEqual([staff.id]);

    const unknown = new Error('no such caller');
    await expect(runUnit(world.services, {
      actor: async (db) => {
        await writeMarker(db, 'resolve-2');
        throw unknown;
      },
      requestId: 'unit-unresolved',
      work: async () => {
        throw new Error('never reached');
      },
    })).rejects.toBe(unknown);
    expect(await markers('resolve-')).toEqual(['resolve-1']);
    expect(await entriesOf('unit-unresolved')).toEqual([]);
  });

  it('1.1 records management: actAs records each actor\'s entries under that actor, in the order things happened, in one transaction', async () => {
    const actor = (await loadActor(world.services.db.kysely, staff.id, world.clock.now().toISOString()))!;
    await runUnit(world.services, {
      actor: 'system', requestId: 'unit-act-as',
      work: async (ctx: Ctx) => {
        await actAs(ctx, SYSTEM_ACTOR, async (inner) => inner.audit.add({ action: 'test.create-account', decision: 'change', resourceType: 'marker', resourceId: 'act-1' }));
        await actAs(ctx, actor, async (inner) => {
          expect(inner.db).toBe(ctx.db);
          expect(inner.actor).toEqual({ ...actor, policy: ctx.actor.policy });
          await writeMarker(inner.db, 'act-1');
          inner.audit.add({ action: 'test.write', decision: 'change', resourceType: 'marker', resourceId: 'act-1' });
        });
      },
    });
    expect((await entriesOf('unit-act-as')).map((r) => [r.action, r.actor_id])).toEqual([['test.create-account', 'system'], ['test.write', staff.id]]);

    await expect(runUnit(world.services, {
      actor: 'system', requestId: 'unit-act-as-fails',
      work: async (ctx) => {
        await actAs(ctx, actor, async (inner) => {
          await writeMarker(inner.db, 'act-2');
          inner.audit.add({ action: 'test.write', decision: 'change', resourceType: 'marker', resourceId: 'act-2' });
        });
        throw new Error('a later step failed');
      },
    })).rejects.toThrow('a later step failed');
    expect(await markers('act-')).toEqual(['act-1']);
    expect(await entriesOf('unit-act-as-fails')).toEqual([]);
  });
});
