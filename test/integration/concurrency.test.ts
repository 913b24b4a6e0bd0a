import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/record';
import { verifyAudit } from '../../src/audit/verify';
import { as, casePurpose, makeCase, makePerson, makeUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// 1.1 records-management: concurrent writers never fork the audit chain. On PostgreSQL the pool (10 connections)
// runs the transactions really in parallel; appends queue on the head row's lock. On SQLite one process has one
// connection; several processes share the file.

/** The chain after `before`: verified, numbered without gaps or repeats, each request's entries in one run. */
async function expectOneChain(world: World, before: number) {
  const db = world.services.db.kysely;
  const r = await verifyAudit(db, world.services.signer);
  expect(r.problem).toBeUndefined();
  expect(r.ok).toBe(true);
  const rows = await db.selectFrom('audit_events').select(['seq', 'request_id']).where('seq', '>', before).orderBy('seq').execute();
  const seqs = rows.map((x) => Number(x.seq));
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => before + 1 + i));
  const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
  expect(Number(head.seq)).toBe(before + seqs.length);
  // The entries of one operation are appended together: nothing from another writer lands in between.
  const byRequest = new Map<string, number[]>();
  for (const x of rows) if (x.request_id) byRequest.set(x.request_id, [...(byRequest.get(x.request_id) ?? []), Number(x.seq)]);
  for (const [request, list] of byRequest) expect(list[list.length - 1] - list[0], `entries of ${request} interleaved`).toBe(list.length - 1);
  return rows;
}

const headSeq = async (world: World) => Number((await world.services.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);

describe.each(dialects())('1.1 records-management: concurrent writers never fork the audit chain (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect, { auditCheckpointEvery: 7 });
  });
  afterAll(() => world.close());

  it('1.1 records-management: 20 parallel transactions appending through recordAudit give one chain, with checkpoints', async () => {
    const db = world.services.db.kysely;
    const before = await headSeq(world);
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 20 }, (_, w) =>
      db.transaction().execute(async (trx) => {
        inside++;
        most = Math.max(most, inside);
        await trx.selectFrom('people').select('id').limit(1).execute();
        if (dialect === 'postgres') await sql`select pg_sleep(0.02)`.execute(trx); // make the transactions overlap
        await recordAudit(trx, world.services, Array.from({ length: 5 }, (_, i) => ({ action: 'person.read', decision: 'allow' as const, detail: { w, i } })), { actorId: null, requestId: `writer-${w}`, at: world.clock.now().toISOString() });
        inside--;
      }),
    ));
    if (dialect === 'postgres') expect(most).toBeGreaterThan(1); // they really ran at the same time
    const rows = await expectOneChain(world, before);
    expect(rows).toHaveLength(100);
    const checkpoints = await db.selectFrom('audit_checkpoints').select('seq').where('seq', '>', before).execute();
    expect(checkpoints.length).toBeGreaterThanOrEqual(Math.floor((before + 100) / 7) - Math.floor(before / 7) - 1);
  });

  it('1.1 records-management: concurrent HTTP requests (reads, denials, creates, lists) give one chain', async () => {
    const staff = await makeUser(world, ['staff']);
    const manager = await makeUser(world, ['manager']);
    const mine = await makePerson(world);
    await makeCase(world, mine, { [staff.id]: 'lead' });
    const notMine = await makePerson(world);
    const purposeId = await casePurpose(world);
    const before = await headSeq(world);
    const requests = [
      ...Array.from({ length: 12 }, () => as(world, staff).get(`/api/people/${mine}`)),
      ...Array.from({ length: 8 }, () => as(world, staff).get(`/api/people/${notMine}`)),
      ...Array.from({ length: 8 }, (_, i) => as(world, staff).post('/api/people', { kind: 'service_user', givenName: `Par${i}`, familyName: 'Allel', healthNotes: 'x', openCase: { service: 'Music mentoring', purposeId } })),
      ...Array.from({ length: 6 }, () => as(world, manager).get(`/api/people/${notMine}`)),
      ...Array.from({ length: 4 }, () => as(world, staff).get('/api/people?limit=5')),
    ];
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
    expect(statuses.slice(12, 20)).toEqual(Array(8).fill(404));
    expect(statuses.slice(20, 28)).toEqual(Array(8).fill(201));
    expect(statuses.slice(28)).toEqual(Array(10).fill(200));
    const rows = await expectOneChain(world, before);
    // Every audited request left its entries: 12 + 6 confidential reads, 8 denials, 8 creations.
    expect(new Set(rows.map((x) => x.request_id)).size).toBeGreaterThanOrEqual(12 + 8 + 8 + 6);
  });
});

/** Appends `n` entries from a separate process, one transaction each, to the SQLite file of `dataDir`. */
function writerProcess(dataDir: string, w: number, n: number): Promise<{ ok: number; failed: number; errors: string[] }> {
  const script = `
    const { loadConfig } = await import(${JSON.stringify(new URL('../../src/config.ts', import.meta.url).pathname)});
    const { createServices } = await import(${JSON.stringify(new URL('../../src/services.ts', import.meta.url).pathname)});
    const { recordAudit } = await import(${JSON.stringify(new URL('../../src/audit/record.ts', import.meta.url).pathname)});
    const services = createServices(loadConfig(process.env));
    let ok = 0, failed = 0; const errors = new Set();
    for (let i = 0; i < ${n}; i++) {
      try {
        await services.db.kysely.transaction().execute(async (trx) => {
          await trx.selectFrom('people').select('id').limit(1).execute();
          await recordAudit(trx, services, [{ action: 'person.read', decision: 'allow', detail: { w: ${w}, i } }], { actorId: null, requestId: 'process-${w}-' + i, at: new Date().toISOString() });
        });
        ok++;
      } catch (e) { failed++; errors.add(String(e.code ?? e.message)); }
    }
    await services.db.close();
    process.stdout.write(JSON.stringify({ ok, failed, errors: [...errors] }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer ${w} exited ${code}: ${err}`))));
  });
}

describe('1.1 records-management: several processes writing one SQLite file never fork the chain', () => {
  it('1.1 records-management: four writer processes and this one, appending at the same time', async () => {
    const world = await createWorld('sqlite');
    try {
      const before = await headSeq(world);
      const n = 40;
      const [results] = await Promise.all([
        Promise.all([1, 2, 3, 4].map((w) => writerProcess(world.config.dataDir, w, n))),
        (async () => {
          for (let i = 0; i < n; i++) {
            await world.services.db.kysely.transaction().execute((trx) => recordAudit(trx, world.services, [{ action: 'person.read', decision: 'allow', detail: { i } }], { actorId: null, requestId: `here-${i}`, at: world.clock.now().toISOString() }));
          }
        })(),
      ]);
      // Transactions begin `begin immediate`: a writer waits for the lock (busy_timeout) instead of failing when
      // another process wrote first, so every append of every process lands.
      for (const r of results) expect(r).toEqual({ ok: n, failed: 0, errors: [] });
      const rows = await expectOneChain(world, before);
      expect(rows).toHaveLength(5 * n);
    } finally {
      await world.close();
    }
  }, 180_000);
});

describe('1.1 records-management: processes starting together share one audit signing key', () => {
  it('1.1 records-management: five processes creating the key at once all start, with the same key, and leave no drafts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-key-race-'));
    try {
      const module = JSON.stringify(new URL('../../src/audit/checkpoint.ts', import.meta.url).pathname);
      const script = `const { loadOrCreateSigner } = await import(${module}); process.stdout.write(loadOrCreateSigner(process.env.DATA_DIR).keyId);`;
      const ids = await Promise.all(Array.from({ length: 5 }, () => new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
      })));
      expect(new Set(ids).size).toBe(1);
      expect(readdirSync(dir)).toEqual(['audit-signing-key.pem']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
