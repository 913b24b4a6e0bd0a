import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditGroup } from '../../src/audit/append';
import { recordAuditGroups } from '../../src/audit/record';
import { verifyAudit } from '../../src/audit/verify';
import type { Database } from '../../src/db/schema';
import { GroupCommit, unitRunnerFor, type Unit } from '../../src/db/units';
import { as, makeCase, makePerson, makeUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const stamp = (i: number) => ({ actorId: null, requestId: `r${i}`, at: '2026-03-02T09:00:00.000Z' });

/** A unit that writes a marker row, then fails when asked to: recorded as allowed, or as its denial. */
function markerUnit(i: number, fail: boolean): Unit<number> {
  return {
    work: async (trx: Kysely<Database>) => {
      await sql`insert into sign_in_throttle (key, failures, window_started_at, locked_until) values (${`unit-${i}`}, ${i}, '2026-03-02T09:00:00.000Z', null)`.execute(trx);
      if (fail) throw new Error(`unit ${i} failed`);
      return i;
    },
    record: (succeeded) => ({ entries: [{ action: 'test.unit', decision: succeeded ? 'allow' : 'deny', resourceId: `unit-${i}` }], stamp: stamp(i) }),
  };
}

const appendTo = (world: World) => (trx: Kysely<Database>, groups: readonly AuditGroup[]) => recordAuditGroups(trx, world.services, groups);

describe.each(dialects())('units of work (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  it('1.1 records management: each unit commits or rolls back on its own; a failed unit leaves only its denial, in the chain', async () => {
    const runner = unitRunnerFor(world.services.db, appendTo(world));
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => runner.run(markerUnit(i, i % 4 === 3))));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? 'rejected' : 'fulfilled')));
    const kept = await world.services.db.kysely.selectFrom('sign_in_throttle').select('key').where('key', 'like', 'unit-%').execute();
    expect(kept.map((r) => r.key).sort()).toEqual(['unit-0', 'unit-1', 'unit-10', 'unit-2', 'unit-4', 'unit-5', 'unit-6', 'unit-8', 'unit-9']);
    const entries = await world.services.db.kysely.selectFrom('audit_events').select(['resource_id', 'decision']).where('action', '=', 'test.unit').execute();
    expect(entries.filter((e) => e.decision === 'allow')).toHaveLength(9);
    expect(entries.filter((e) => e.decision === 'deny').map((e) => e.resource_id).sort()).toEqual(['unit-11', 'unit-3', 'unit-7']);
    expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
  });

  it('3.4 need to know: concurrent reads, refusals and a stale write through HTTP each get their own answer and audit', async () => {
    const staff = await makeUser(world, ['staff']);
    const outsider = await makeUser(world, ['staff']);
    const personId = await makePerson(world);
    await makeCase(world, personId, { [staff.id]: 'lead' });
    const calls = await Promise.all([
      ...Array.from({ length: 6 }, () => as(world, staff).get(`/api/people/${personId}`)),
      ...Array.from({ length: 3 }, () => as(world, outsider).get(`/api/people/${personId}`)),
      as(world, staff).patch(`/api/people/${personId}`, { pronouns: 'she/her' }, { 'if-match': '"999"' }),
    ]);
    expect(calls.map((c) => c.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 404, 404, 404, 412]);
    const audit = await world.services.db.kysely.selectFrom('audit_events').select(['actor_id', 'decision']).where('resource_id', '=', personId).execute();
    expect(audit.filter((a) => a.actor_id === staff.id && a.decision === 'allow')).toHaveLength(6);
    expect(audit.filter((a) => a.actor_id === outsider.id && a.decision === 'deny')).toHaveLength(3);
    expect((await world.services.db.kysely.selectFrom('people').select('version').where('id', '=', personId).executeTakeFirstOrThrow()).version).toBe(1);
  });
});

describe('group commit (sqlite)', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite');
  });
  afterAll(() => world.close());

  it('units queued together run in order, each seeing the ones before it, and none is answered before the shared commit', async () => {
    const runner = new GroupCommit(world.services.db.kysely, world.services.db.sqlite!, appendTo(world));
    const commits: number[] = [];
    const seen: number[] = [];
    const units = Array.from({ length: 8 }, (_, i) => runner.run({
      work: async (trx) => {
        // Every unit of the batch sees the rows of the units before it (same transaction) …
        seen.push(Number((await sql<{ n: number }>`select count(*) as n from sign_in_throttle where key like 'shared-%'`.execute(trx)).rows[0].n));
        await sql`insert into sign_in_throttle (key, failures, window_started_at) values (${`shared-${i}`}, 0, 'x')`.execute(trx);
        if (i === 7) expect(commits).toEqual([]); // … and no unit before it has been answered yet
        return i;
      },
      record: () => null,
    }).then((v) => commits.push(v as number)));
    await Promise.all(units);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(commits).toHaveLength(8);
  });

  it('units share one transaction: a failed commit fails every unit of the batch, none is answered as if saved', async () => {
    const runner = new GroupCommit(world.services.db.kysely, world.services.db.sqlite!, appendTo(world));
    // A deferred foreign key fails at COMMIT, after every unit's own work succeeded.
    const units = Array.from({ length: 3 }, (_, i) => runner.run({
      work: async (trx) => {
        if (i === 1) {
          await sql`pragma defer_foreign_keys = on`.execute(trx);
          await sql`insert into user_roles (user_id, role) values ('no-such-user', 'staff')`.execute(trx);
        }
        return i;
      },
      record: () => null,
    }));
    const settled = await Promise.allSettled(units);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await world.services.db.kysely.selectFrom('user_roles').select('role').where('user_id', '=', 'no-such-user').execute()).toEqual([]);
  });
});
