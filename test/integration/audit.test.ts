import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCheckpoint } from '../../src/audit/checkpoint';
import { recordAudit } from '../../src/audit/record';
import { verifyAudit } from '../../src/audit/verify';
import { createWorld, dialects, type World } from '../support/world';

/** Appends `n` entries, one transaction each, like n operations would. */
async function append(world: World, n: number, from = 0) {
  for (let i = 0; i < n; i++) {
    await world.services.db.kysely.transaction().execute((trx) =>
      recordAudit(trx, world.services, [{ action: 'person.read', decision: 'allow', resourceType: 'person', resourceId: `p${from + i}`, detail: { fields: ['email'], i: from + i } }], { actorId: 'u1', requestId: `r${i}`, at: world.clock.now().toISOString() }),
    );
  }
}

const verify = (world: World, external = [] as Awaited<ReturnType<typeof exportCheckpoint>>[]) => verifyAudit(world.services.db.kysely, world.services.signer, external);

describe.each(dialects())('tamper-evident audit (%s)', (dialect) => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld(dialect, { auditCheckpointEvery: 5 });
    await append(world, 12);
  });
  afterEach(() => world.close());
  const db = () => world.services.db.kysely;
  const base = async () => Number((await db().selectFrom('audit_events').select('seq').orderBy('seq').limit(1).executeTakeFirstOrThrow()).seq);

  it('an intact chain verifies, with the signed checkpoints written every N entries', async () => {
    const r = await verify(world);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(r.head.seq);
    expect(r.checkpointsChecked).toBeGreaterThanOrEqual(2);
  });

  it('an edited detail is named', async () => {
    const seq = (await base()) + 4;
    await db().updateTable('audit_events').set({ detail: '{"fields":["nothing"]}' }).where('seq', '=', seq).execute();
    expect((await verify(world)).problem).toEqual({ seq, message: `entry ${seq} was altered after it was written` });
  });

  it('an edited action is named', async () => {
    const seq = (await base()) + 2;
    await db().updateTable('audit_events').set({ action: 'person.create' }).where('seq', '=', seq).execute();
    expect((await verify(world)).problem?.seq).toBe(seq);
  });

  it('a deleted entry in the middle is named', async () => {
    const seq = (await base()) + 6;
    await db().deleteFrom('audit_events').where('seq', '=', seq).execute();
    const r = await verify(world);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ seq, message: expect.stringContaining('missing') });
  });

  it('an inserted entry is named', async () => {
    const head = await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    const row = await db().selectFrom('audit_events').selectAll().where('seq', '=', Number(head.seq)).executeTakeFirstOrThrow();
    // Shift the last entry up and slip a forged one in its place.
    await db().updateTable('audit_events').set({ seq: Number(head.seq) + 1 }).where('seq', '=', Number(head.seq)).execute();
    await db().insertInto('audit_events').values({ ...row, detail: '{"forged":true}' }).execute();
    const r = await verify(world);
    expect(r.ok).toBe(false);
    expect(r.problem?.seq).toBe(Number(head.seq));
  });

  it('reordered (swapped) entries are named', async () => {
    const a = (await base()) + 3;
    const rows = await db().selectFrom('audit_events').selectAll().where('seq', 'in', [a, a + 1]).orderBy('seq').execute();
    await db().updateTable('audit_events').set({ ...rows[1], seq: a }).where('seq', '=', a).execute();
    await db().updateTable('audit_events').set({ ...rows[0], seq: a + 1 }).where('seq', '=', a + 1).execute();
    expect((await verify(world)).problem?.seq).toBe(a);
  });

  it('a removed tail is caught by the head row, and by an exported checkpoint even when the head is rewritten', async () => {
    const cp = await exportCheckpoint(db(), world.services.signer, world.clock.now().toISOString());
    const last = cp.seq;
    await db().deleteFrom('audit_events').where('seq', '>', last - 3).execute();
    expect((await verify(world)).problem?.message).toMatch(/tail was removed/);
    // The attacker also rewrites the head and drops the stored checkpoints.
    const newLast = await db().selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_head').set({ seq: newLast.seq, hash: newLast.hash }).execute();
    await db().deleteFrom('audit_checkpoints').execute();
    expect((await verify(world)).ok).toBe(true);
    const r = await verify(world, [cp]);
    expect(r.ok).toBe(false);
    expect(r.problem?.message).toMatch(/checkpoint covers entry \d+ but the chain ends/);
  });

  it('a forged checkpoint signature is named', async () => {
    const cp = await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_checkpoints').set({ signature: Buffer.alloc(64).toString('base64') }).where('seq', '=', cp.seq).execute();
    expect((await verify(world)).problem).toMatchObject({ seq: Number(cp.seq), message: expect.stringContaining('invalid signature') });
  });

  it('20 concurrent writers never fork the chain', async () => {
    const before = Number((await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
    await Promise.all(Array.from({ length: 20 }, (_, w) =>
      db().transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await recordAudit(trx, world.services, Array.from({ length: 5 }, (_, i) => ({ action: 'person.read', decision: 'allow' as const, detail: { w, i } })), { actorId: `w${w}`, requestId: null, at: world.clock.now().toISOString() });
      }),
    ));
    const r = await verify(world);
    expect(r.ok).toBe(true);
    expect(r.head.seq).toBe(before + 100);
    const seqs = (await db().selectFrom('audit_events').select('seq').execute()).map((x) => Number(x.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

describe('`confide audit verify` at the console', () => {
  it('exits 0 on an intact chain, non-zero naming the entry after tampering, and catches a removed tail against an exported checkpoint', async () => {
    const world = await createWorld('sqlite');
    try {
      await append(world, 8);
      const env = { ...process.env, DATA_DIR: world.config.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
      const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'audit', ...args], { env, encoding: 'utf8' });
      const ok = run('verify');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain('audit chain intact');
      const file = join(world.config.dataDir, 'checkpoint.json');
      expect(run('checkpoint', 'export', '-o', file).status).toBe(0);
      const db = world.services.db.kysely;
      const last = await db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await db.deleteFrom('audit_events').where('seq', '=', last.seq).execute();
      const prev = await db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await db.updateTable('audit_head').set({ seq: prev.seq, hash: prev.hash }).execute();
      await db.deleteFrom('audit_checkpoints').execute();
      expect(run('verify').status).toBe(0);
      const caught = run('verify', '--checkpoint', file);
      expect(caught.status).not.toBe(0);
      expect(caught.stderr).toMatch(/BROKEN at entry \d+: .*tail was removed/);
      writeFileSync(file, '{"not":"a checkpoint"');
      expect(run('verify', '--checkpoint', file).status).not.toBe(0);
      await db.updateTable('audit_events').set({ action: 'x' }).where('seq', '=', 3).execute();
      const edited = run('verify');
      expect(edited.status).not.toBe(0);
      expect(edited.stderr).toContain('entry 3 was altered');
    } finally {
      await world.close();
    }
  }, 180_000);
});
