import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccessEpoch } from '../../src/accounts/caller-cache';
import type { AuditGroup, AuditHead, ChainExpectation } from '../../src/audit/append';
import { recordAuditGroups, recordAuditGroupsIfCurrent } from '../../src/audit/record';
import { verifyAudit } from '../../src/audit/verify';
import { loadConfig } from '../../src/config';
import { connect, type Db } from '../../src/db/connect';
import { PgUnits } from '../../src/db/pg-units';
import type { Database } from '../../src/db/schema';
import type { AppendIfCurrent, GroupCommitPath, Unit } from '../../src/db/units';
import { createWorld, dialects, type World } from '../support/world';

const stamp = (id: string) => ({ actorId: null, requestId: id, at: '2026-03-02T09:00:00.000Z' });
const entry = (id: string, decision: 'allow' | 'deny' = 'allow') => ({ action: 'test.pg-unit', decision, resourceId: id });

/**
 * PostgreSQL's unit runner (src/db/pg-units.ts): units side by side, the records of those that only read committed
 * in groups, and the access epoch checked after the work. 1.1 records management: no answer before its record.
 */
describe.skipIf(!dialects().includes('postgres'))('units of work on PostgreSQL', () => {
  let world: World;
  let other: Db; // another connection, as another process would be
  const batches: number[] = [];
  const seen: number[] = [];
  let runner: PgUnits;

  beforeAll(async () => {
    world = await createWorld('postgres');
    other = connect({ databaseUrl: world.config.databaseUrl, dataDir: world.config.dataDir, pgSchema: world.pgSchema });
    const append = (trx: Kysely<Database>, groups: readonly AuditGroup[], head?: { seq: number; hash: string }) => recordAuditGroups(trx, world.services, groups, head);
    runner = new PgUnits(world.services.db.pgPool!, append, { observer: { batch: (n) => batches.push(n) }, onEpoch: (e) => seen.push(e) });
  });
  afterAll(async () => {
    await other.close();
    await world.close();
  });

  const recorded = async (id: string) => (await other.kysely.selectFrom('audit_events').select(['decision']).where('resource_id', '=', id).execute()).map((r) => r.decision);
  const currentEpoch = () => readAccessEpoch(other.kysely);

  it('1.1: a unit that only read answers only once its record is committed, and concurrent readers share a commit', async () => {
    batches.length = 0;
    const ids = Array.from({ length: 24 }, (_, i) => `read-${i}`);
    const checks = ids.map((id) => runner.run({
      work: async (trx) => (await sql<{ n: number }>`select count(*)::int as n from people`.execute(trx)).rows[0].n,
      record: () => ({ entries: [entry(id)], stamp: stamp(id) }),
    }).then(async () => recorded(id))); // read from another connection the moment the answer is given
    expect(await Promise.all(checks)).toEqual(ids.map(() => ['allow']));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(24);
    expect(batches.length).toBeLessThan(24); // grouped: fewer commits than units
    expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
  });

  it('1.1: a unit that writes commits its writes with its record; one that fails leaves only its denial', async () => {
    const writer = (id: string, fail: boolean): Unit<string> => ({
      work: async (trx) => {
        await sql`insert into sign_in_throttle (key, failures, window_started_at) values (${id}, 0, 'x')`.execute(trx);
        if (fail) throw new Error('refused after writing');
        return id;
      },
      record: (ok) => ({ entries: [entry(id, ok ? 'allow' : 'deny')], stamp: stamp(id) }),
    });
    await expect(runner.run(writer('pg-write-ok', false))).resolves.toBe('pg-write-ok');
    await expect(runner.run(writer('pg-write-fails', true))).rejects.toThrow('refused after writing');
    const kept = await other.kysely.selectFrom('sign_in_throttle').select('key').where('key', 'like', 'pg-write-%').execute();
    expect(kept.map((k) => k.key)).toEqual(['pg-write-ok']);
    expect(await recorded('pg-write-ok')).toEqual(['allow']);
    expect(await recorded('pg-write-fails')).toEqual(['deny']);
  });

  it('3.4 need to know: a unit whose facts about its actor predate an access change runs again, and is recorded once', async () => {
    const epoch = await currentEpoch();
    let readerRuns = 0;
    await runner.run({
      work: async () => ++readerRuns,
      record: () => ({ entries: [entry('stale-reader')], stamp: stamp('stale-reader') }),
      epoch: () => (readerRuns === 1 ? epoch - 1 : epoch), // first run: facts older than the database's epoch
    });
    expect(readerRuns).toBe(2);
    expect(await recorded('stale-reader')).toEqual(['allow']);
    expect(seen).toContain(epoch); // the runner passes on what it read (the caller cache drops older entries)

    let writerRuns = 0;
    await runner.run({
      work: async (trx) => {
        writerRuns += 1;
        await sql`insert into sign_in_throttle (key, failures, window_started_at) values (${`stale-writer-${writerRuns}`}, 0, 'x')`.execute(trx);
      },
      record: () => ({ entries: [entry('stale-writer')], stamp: stamp('stale-writer') }),
      epoch: () => (writerRuns === 1 ? epoch - 1 : epoch),
    });
    expect(writerRuns).toBe(2);
    const kept = await other.kysely.selectFrom('sign_in_throttle').select('key').where('key', 'like', 'stale-writer-%').execute();
    expect(kept.map((k) => k.key)).toEqual(['stale-writer-2']); // the first run's write was rolled back
    expect(await recorded('stale-writer')).toEqual(['allow']);
  });

  it('3.4: a unit that never catches up with access changes is refused as busy (503), recording nothing', async () => {
    let runs = 0;
    const refused = runner.run({
      work: async () => ++runs,
      record: () => ({ entries: [entry('churned')], stamp: stamp('churned') }),
      epoch: () => -1,
    });
    await expect(refused).rejects.toMatchObject({ code: '40001' });
    expect(runs).toBe(8);
    expect(await recorded('churned')).toEqual([]);
  });

  it('1.1: a read that fails in the database fails its unit alone, with its denial recorded; the connection is reused cleanly', async () => {
    const failing = runner.run({
      work: async (trx) => sql`select 1 / 0`.execute(trx),
      record: (ok) => ({ entries: [entry('division', ok ? 'allow' : 'deny')], stamp: stamp('division') }),
    });
    await expect(failing).rejects.toThrow(/division by zero/);
    expect(await recorded('division')).toEqual(['deny']);
    // Every pooled connection still works outside a transaction (none was left aborted).
    const pool = world.services.db.pgPool!;
    const results = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => runner.run({
      work: async (trx) => (await sql<{ open: boolean }>`select now() <> statement_timestamp() as open`.execute(trx)).rows[0].open,
      record: () => null,
    })));
    expect(results.every((open) => open === false)).toBe(true);
  });

  it('a statement a unit sends after it ended is refused, and takes no pooled connection', async () => {
    const pool = world.services.db.pgPool!;
    let late: Kysely<Database> | undefined;
    await runner.run({
      work: async (trx) => {
        late = trx;
        await sql`insert into sign_in_throttle (key, failures, window_started_at) values ('late-unit', 0, 'x')`.execute(trx);
      },
      record: () => ({ entries: [entry('late-unit')], stamp: stamp('late-unit') }),
    });
    const idleBefore = pool.idleCount;
    await expect(sql`insert into sign_in_throttle (key, failures, window_started_at) values ('late-write', 0, 'x')`.execute(late!)).rejects.toThrow(/after it ended/);
    expect(pool.idleCount).toBe(idleBefore);
    const kept = await other.kysely.selectFrom('sign_in_throttle').select('key').where('key', 'like', 'late-%').execute();
    expect(kept.map((k) => k.key)).toEqual(['late-unit']);
  });

  describe('a group in one statement, on condition that nothing moved (src/audit/append.ts)', () => {
    /** What each conditional append answered: the new head, or null when its condition failed or it was not tried. */
    const answers: (AuditHead | null)[] = [];
    /** What each conditional append was sent on condition of. */
    const conditions: ChainExpectation[] = [];
    /** While set, each conditional append's outcome reaches the runner only once it settles: a commit slow to answer. */
    let held: Promise<void> | null = null;
    /**
     * A runner that tries one statement per group on the chain's own pipelined connection, as the server's does,
     * telling `answers` what each try answered.
     */
    const fastRunner = () => {
      const appendIfCurrent: AppendIfCurrent = (groups, expected) => {
        conditions.push(expected);
        const sent = recordAuditGroupsIfCurrent(world.services.db.pgChain!, world.services, groups, expected);
        if (!sent) {
          answers.push(null);
          return null;
        }
        const gate = held;
        const committed = sent.committed.then(async (ok) => {
          await gate;
          answers.push(ok ? sent.head : null);
          return ok;
        });
        return { head: sent.head, committed };
      };
      const append = (trx: Kysely<Database>, groups: readonly AuditGroup[], head?: { seq: number; hash: string }) => recordAuditGroups(trx, world.services, groups, head);
      const observer = { batch: () => {}, groupCommitted: (path: GroupCommitPath) => paths.push(path) };
      return new PgUnits(world.services.db.pgPool!, append, { reads: world.services.db.pgReads, appendIfCurrent, observer, onEpoch: (e) => seen.push(e) });
    };
    /** How each group was committed, as told to the runner's observer (the /metrics counter). */
    const paths: GroupCommitPath[] = [];
    /** Resolves once `conditions` holds n entries. */
    const sentCount = async (n: number) => {
      while (conditions.length < n) await new Promise((r) => setTimeout(r, 1));
    };
    /**
     * Runs a reader, and while its group is on its way two more (a record alone would wait for that group to end),
     * whose group is sent before the first one's outcome reaches the runner.
     */
    const twoOnTheirWay = async (runner: PgUnits, first: string, second: string) => {
      answers.length = 0;
      conditions.length = 0;
      let open!: () => void;
      held = new Promise<void>((r) => (open = r));
      const runs = [runner.run(reader(first))];
      await sentCount(1);
      runs.push(runner.run(reader(second)), runner.run(reader(`${second}-too`)));
      await sentCount(2);
      held = null;
      open();
      await Promise.all(runs);
    };
    /** An entry appended by another process, moving the chain's head. */
    const appendByAnother = (id: string) => other.kysely.transaction().execute((trx) => recordAuditGroups(trx, world.services, [{ entries: [entry(id)], stamp: stamp(id) }]));
    const seqOf = async (id: string) => Number((await other.kysely.selectFrom('audit_events').select('seq').where('resource_id', '=', id).executeTakeFirstOrThrow()).seq);
    const reader = (id: string, epoch?: () => number): Unit<number> => ({
      work: async (trx) => (await sql<{ n: number }>`select count(*)::int as n from people`.execute(trx)).rows[0].n,
      record: () => ({ entries: [entry(id)], stamp: stamp(id) }),
      epoch,
    });
    const head = async () => {
      const row = await other.kysely.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
      return { seq: Number(row.seq), hash: row.hash };
    };

    it('1.1: after a first group by the locking path, the next commits in one statement and the chain stays whole', async () => {
      const fast = fastRunner();
      paths.length = 0;
      await fast.run(reader('one-statement-first')); // learns the head and the epoch under the lock
      answers.length = 0;
      await fast.run(reader('one-statement-second'));
      expect(paths).toEqual(['locking', 'statement']);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toEqual(await head()); // committed, and it is the head
      expect(await recorded('one-statement-second')).toEqual(['allow']);
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    });

    it('1.1: when another process appended meanwhile, the statement writes nothing and the group takes the locking path', async () => {
      const fast = fastRunner();
      await fast.run(reader('moved-before'));
      await appendByAnother('moved-by-other');
      const afterOther = await head();
      answers.length = 0;
      paths.length = 0;
      await fast.run(reader('moved-after'));
      expect(paths).toEqual(['moved']);
      expect(answers).toEqual([null]); // its condition failed: nothing of it was written
      expect(await recorded('moved-after')).toEqual(['allow']); // recorded once, by the locking path
      expect((await head()).seq).toBe(afterOther.seq + 1);
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    });

    it('several processes: after a failed condition the next group goes straight to the locking path, and one statement is tried again after it', async () => {
      const runner = fastRunner();
      await runner.run(reader('backoff-a')); // learns the head
      await appendByAnother('backoff-other');
      answers.length = 0;
      paths.length = 0;
      await runner.run(reader('backoff-b')); // tries, fails
      await runner.run(reader('backoff-c')); // does not try: no round trip spent on a condition likely to fail again
      await runner.run(reader('backoff-d')); // tries again, and commits
      expect(answers).toEqual([null, await head()]);
      expect(paths).toEqual(['moved', 'locking', 'statement']);
      for (const id of ['backoff-b', 'backoff-c', 'backoff-d']) expect(await recorded(id)).toEqual(['allow']);
    });

    it('3.4 need to know: when access changed meanwhile, the statement writes nothing, and a unit whose facts predate the change runs again', async () => {
      const fast = fastRunner();
      const epoch = await currentEpoch();
      await fast.run(reader('epoch-before', () => epoch));
      await sql`update access_epoch set n = n + 1 where id = 1`.execute(other.kysely); // a grant revoked by another process
      answers.length = 0;
      let runs = 0;
      await fast.run({ ...reader('epoch-after'), work: async () => ++runs, epoch: () => (runs === 1 ? epoch : epoch + 1) });
      expect(answers[0]).toBeNull(); // the condition saw the new epoch
      expect(runs).toBe(2); // its first answer, read before it knew of the change, was dropped unsent
      expect(await recorded('epoch-after')).toEqual(['allow']);
    });

    it('1.1: a group is sent while the one before it commits, on condition of the head that one makes; both commit, in the order formed', async () => {
      const fast = fastRunner();
      await fast.run(reader('ahead-learn'));
      await twoOnTheirWay(fast, 'ahead-first', 'ahead-second');
      expect(answers).toHaveLength(2);
      expect(conditions[1].head).toEqual(answers[0]); // on condition of the head the first made
      expect(answers[1]).toEqual(await head());
      expect(await seqOf('ahead-first')).toBeLessThan(await seqOf('ahead-second'));
      expect(await recorded('ahead-second')).toEqual(['allow']);
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    });

    it('1.1: when the group ahead finds the head moved, the one sent behind it writes nothing too, and the locking path records both once, in order', async () => {
      const fast = fastRunner();
      await fast.run(reader('behind-learn'));
      await appendByAnother('behind-other');
      await twoOnTheirWay(fast, 'behind-first', 'behind-second');
      expect(answers).toEqual([null, null]); // neither condition held: nothing of either was written by it
      expect(await recorded('behind-first')).toEqual(['allow']);
      expect(await recorded('behind-second')).toEqual(['allow']);
      expect(await seqOf('behind-other')).toBeLessThan(await seqOf('behind-first'));
      expect(await seqOf('behind-first')).toBeLessThan(await seqOf('behind-second'));
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    });

    it('1.1: when the connection the groups go on breaks, a unit whose group met it is not answered as recorded, and the next group commits on a new one', async () => {
      const fast = fastRunner();
      const chainPid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(world.services.db.pgChain!)).rows[0].pid;
      await fast.run(reader('broken-learn'));
      await fast.run(reader('broken-before')); // one statement, on that connection
      const before = await chainPid();
      // A group queued on the connection behind a slow statement when the connection breaks.
      const slow = sql`select pg_sleep(2)`.execute(world.services.db.pgChain!).then(() => 'finished', () => 'broken');
      conditions.length = 0;
      const met = fast.run(reader('broken-met')).then(() => 'answered', () => 'refused');
      await sentCount(1);
      await sql`select pg_terminate_backend(${before})`.execute(other.kysely);
      expect(await slow).toBe('broken');
      expect(await met).toBe('refused'); // not answered as if recorded
      expect(await recorded('broken-met')).toEqual([]);
      await fast.run(reader('broken-after'));
      expect(await recorded('broken-after')).toEqual(['allow']);
      expect(await chainPid()).not.toBe(before);
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    });

    it('a group that would cross a checkpoint is not sent as one statement (the locking path signs the checkpoint with it)', async () => {
      const current = await head();
      const expected = { head: current, epoch: await currentEpoch() }; // true: sent, it would commit
      const groups = [{ entries: [entry('checkpoint-a'), entry('checkpoint-b')], stamp: stamp('checkpoint') }];
      const crossing = { ...world.services, config: { ...world.services.config, auditCheckpointEvery: current.seq + 1 } };
      expect(recordAuditGroupsIfCurrent(world.services.db.pgChain!, crossing, groups, expected)).toBeNull();
      expect(await head()).toEqual(current); // nothing sent, nothing written
      const control = recordAuditGroupsIfCurrent(world.services.db.pgChain!, world.services, groups, expected);
      expect(await control?.committed).toBe(true);
      expect(control?.head).toEqual(await head());
    });
  });
});

describe.skipIf(!dialects().includes('postgres'))('DB_POOL_SIZE (PostgreSQL)', () => {
  it('is the pool each process keeps; with the smallest allowed, many writers and readers at once all finish and are recorded (1.1)', async () => {
    const world = await createWorld('postgres', { dbPoolSize: 2 });
    try {
      expect(world.services.db.pgPool!.options.max).toBe(2);
      const runs = Array.from({ length: 40 }, (_, i) => world.services.units.run({
        work: async (trx) => {
          if (i % 2 === 0) await sql`insert into sign_in_throttle (key, failures, window_started_at) values (${`pool-${i}`}, 0, 'x')`.execute(trx);
          return (await sql<{ n: number }>`select count(*)::int as n from people`.execute(trx)).rows[0].n;
        },
        record: () => ({ entries: [entry(`pool-${i}`)], stamp: stamp(`pool-${i}`) }),
      }));
      await Promise.all(runs);
      const recorded = await world.services.db.kysely.selectFrom('audit_events').select('resource_id').where('resource_id', 'like', 'pool-%').execute();
      expect(recorded).toHaveLength(40);
      expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
    } finally {
      await world.close();
    }
  });

  it('refuses a pool too small to serve a request and a group at once, naming the setting', () => {
    expect(() => loadConfig({ DB_POOL_SIZE: '1' })).toThrow(/DB_POOL_SIZE/);
    expect(() => loadConfig({ DB_POOL_SIZE: 'ten' })).toThrow(/DB_POOL_SIZE/);
    expect(loadConfig({}).dbPoolSize).toBe(10);
  });
});
