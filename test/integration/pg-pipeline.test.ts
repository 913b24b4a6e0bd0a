import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Db } from '../../src/db/connect';
import { PipelinedReads } from '../../src/db/pg-pipeline';
import { createWorld, dialects, type World } from '../support/world';

const pidOf = async (reads: PipelinedReads) => Number((await reads.query('select pg_backend_pid() as pid', [])).rows[0].pid);

/**
 * The shared pipelined connections for plain reads (src/db/pg-pipeline.ts): a unit's reads before its first write
 * go there instead of to its own connection. 3.4 need to know depends on each read answering with its own rows.
 */
describe.skipIf(!dialects().includes('postgres'))('plain reads over shared pipelined connections (PostgreSQL)', () => {
  let world: World;
  let other: Db;
  let reads: PipelinedReads;

  beforeAll(async () => {
    world = await createWorld('postgres');
    other = connect({ databaseUrl: world.config.databaseUrl, dataDir: world.config.dataDir, pgSchema: world.pgSchema });
    reads = new PipelinedReads({ connectionString: world.config.databaseUrl, options: `-c search_path=${world.pgSchema}` });
  });
  afterAll(async () => {
    await reads.close();
    await other.close();
    await world.close();
  });

  it('reads asked for in one turn share one connection, and each gets its own answer', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => reads.query('select $1::int as n, pg_backend_pid() as pid', [i])));
    expect(answers.map((a) => a.rows[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(answers.map((a) => a.rows[0].pid)).size).toBe(1);
  });

  it('a read that fails fails alone: those sent with it are answered', async () => {
    const [before, failed, after] = await Promise.allSettled([
      reads.query('select 1 as n', []),
      reads.query('select 1 / $1::int as n', [0]),
      reads.query('select 3 as n', []),
    ]);
    expect(before).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 1 }] } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: '22012' } }); // division_by_zero
    expect(after).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 3 }] } });
  });

  it('a slow read does not hold up the reads asked for after it: they go to another connection', async () => {
    const first = await pidOf(reads);
    let slowDone = false;
    const slow = reads.query('select pg_sleep(1.5)', []).then(() => (slowDone = true));
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the point where a connection counts as held up
    const next = await pidOf(reads);
    expect(slowDone).toBe(false);
    expect(next).not.toBe(first);
    await slow;
  });

  it('a connection that breaks is replaced: the next read is answered on a new one', async () => {
    const before = await pidOf(reads);
    await sql`select pg_terminate_backend(${before})`.execute(other.kysely);
    // The read that meets the broken connection may fail (FATAL: terminating connection); the one after it must not.
    await pidOf(reads).catch(() => null);
    expect(await pidOf(reads)).not.toBe(before);
  });

  it('a closed handle refuses reads instead of opening a connection', async () => {
    const closed = new PipelinedReads({ connectionString: world.config.databaseUrl });
    await closed.close();
    await expect(closed.query('select 1', [])).rejects.toThrow(/closed/);
  });

  it("a unit's reads before its first write use the shared connection; after it, its own, seeing its own writes", async () => {
    const shared = world.services.db.pgReads!;
    const sharedPid = await pidOf(shared);
    const seen = await world.services.units.run({
      work: async (trx) => {
        const before = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0].pid;
        await sql`insert into sign_in_throttle (key, failures, window_started_at) values ('pipeline-own-write', 0, 'x')`.execute(trx);
        const after = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0].pid;
        const own = await sql<{ key: string }>`select key from sign_in_throttle where key = 'pipeline-own-write'`.execute(trx);
        return { before, after, own: own.rows.map((r) => r.key) };
      },
      record: () => null,
    });
    expect(seen.before).toBe(sharedPid);
    expect(seen.after).not.toBe(sharedPid);
    expect(seen.own).toEqual(['pipeline-own-write']); // read inside its transaction, before COMMIT
  });
});
