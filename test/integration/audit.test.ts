import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointMessage, exportCheckpoint, type ExportedCheckpoint } from '../../src/audit/checkpoint';
import { entryHash } from '../../src/audit/hash';
import { recordAudit } from '../../src/audit/record';
import { verifyAudit } from '../../src/audit/verify';
import type { AuditEventRow } from '../../src/db/schema';
import { liftAuditGuard } from '../support/audit-guard';
import { createWorld, dialects, type World } from '../support/world';

// 1.1 records-management / practice 4.3: the audit trail is one hash chain; `confide audit verify` names the first
// bad entry for every kind of tampering, and signed checkpoints kept outside the database reveal a removed tail.

/** Appends `n` entries, one transaction each, like n operations would. */
async function append(world: World, n: number, from = 0) {
  for (let i = 0; i < n; i++) {
    await world.services.db.kysely.transaction().execute((trx) =>
      recordAudit(trx, world.services, [{ action: 'person.read', decision: 'allow', resourceType: 'person', resourceId: `p${from + i}`, detail: { fields: ['email'], i: from + i } }], { actorId: 'u1', requestId: `r${i}`, at: world.clock.now().toISOString() }),
    );
  }
}

const verify = (world: World, external: ExportedCheckpoint[] = []) => verifyAudit(world.services.db.kysely, world.services.signer, external);

/** A checkpoint signed by some other Ed25519 key, carrying that key's own public key (as an attacker would make). */
function foreignCheckpoint(seq: number, hash: string, claimKeyId?: string): ExportedCheckpoint {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    format: 'confide-audit-checkpoint/v1', seq, hash, at: new Date().toISOString(),
    signature: sign(null, Buffer.from(checkpointMessage(seq, hash)), privateKey).toString('base64'),
    keyId: claimKeyId ?? createHash('sha256').update(pem).digest('hex').slice(0, 16), publicKey: pem,
  };
}

describe.each(dialects())('1.1 records-management: the tamper-evident audit chain (%s)', (dialect) => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld(dialect, { auditCheckpointEvery: 5 });
    await append(world, 12);
    await liftAuditGuard(world.services.db); // these tests tamper as the database's owner would
  });
  afterEach(() => world.close());
  const db = () => world.services.db.kysely;
  const head = async () => db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
  const rowAt = (seq: number) => db().selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const lastSeq = async () => Number((await head()).seq);
  /** Rewrites every entry from `from` on so that each links to and hashes correctly over the one before (no key needed). */
  async function rehashFrom(from: number) {
    let prev = (await rowAt(from - 1)).hash;
    const rows = await db().selectFrom('audit_events').selectAll().where('seq', '>=', from).orderBy('seq').execute();
    for (const r of rows) {
      const hash = entryHash(prev, { ...r, seq: Number(r.seq) });
      await db().updateTable('audit_events').set({ prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
      prev = hash;
    }
    await db().updateTable('audit_head').set({ hash: prev }).execute();
  }

  it('1.1 records-management: an intact chain verifies, with the signed checkpoints written every N entries', async () => {
    const r = await verify(world);
    expect(r).toMatchObject({ ok: true, checked: await lastSeq() });
    expect(r.head.seq).toBe(await lastSeq());
    expect(r.checkpointsChecked).toBeGreaterThanOrEqual(2);
    const cp = await exportCheckpoint(db(), world.services.signer, world.clock.now().toISOString());
    expect((await verify(world, [cp])).ok).toBe(true);
  });

  it('1.1 records-management: one operation with more entries than one statement carries (25,000: 350,000 values) appends them all, in order, and the chain verifies', async () => {
    const before = await lastSeq();
    const entries = Array.from({ length: 25_000 }, (_, i) => ({ action: 'person.read', decision: 'allow' as const, resourceType: 'person', resourceId: `bulk${i}`, detail: { i } }));
    await world.services.db.kysely.transaction().execute((trx) => recordAudit(trx, world.services, entries, { actorId: 'u1', requestId: 'bulk', at: world.clock.now().toISOString() }));
    expect(await lastSeq()).toBe(before + 25_000);
    for (const i of [0, 9_999, 10_000, 24_999]) {
      const row = await db().selectFrom('audit_events').select(['resource_id', 'detail']).where('seq', '=', before + 1 + i).executeTakeFirstOrThrow();
      expect(row).toEqual({ resource_id: `bulk${i}`, detail: `{"i":${i}}` });
    }
    expect(await verify(world)).toMatchObject({ ok: true, checked: before + 25_000 });
  });

  it('1.1 records-management: awkward text (quotes, backslashes, braces, commas, the word NULL, empty, non-Latin) is stored exactly and the chain verifies', async () => {
    const before = await lastSeq();
    const awkward = ['"quoted"', 'back\\slash\\', '{braces}', 'a,b', 'NULL', '', 'Zoë 🎵 — ŁÓDŹ', "it's"];
    const entries = awkward.map((text, i) => ({
      action: 'person.read', decision: 'allow' as const, resourceType: i % 2 ? null : 'person', resourceId: text, ruleId: text, clause: null, detail: { text },
    }));
    await world.services.db.kysely.transaction().execute((trx) => recordAudit(trx, world.services, entries, { actorId: null, requestId: 'NULL', at: world.clock.now().toISOString() }));
    const rows = await db().selectFrom('audit_events').select(['resource_type', 'resource_id', 'rule_id', 'clause', 'actor_id', 'request_id', 'detail']).where('seq', '>', before).orderBy('seq').execute();
    expect(rows).toEqual(awkward.map((text, i) => ({
      resource_type: i % 2 ? null : 'person', resource_id: text, rule_id: text, clause: null, actor_id: null, request_id: 'NULL', detail: JSON.stringify({ text }),
    })));
    expect(await verify(world)).toMatchObject({ ok: true, checked: before + awkward.length });
  });

  it('1.1 records-management: an edited detail is named', async () => {
    const seq = (await lastSeq()) - 7;
    await db().updateTable('audit_events').set({ detail: '{"fields":["nothing"]}' }).where('seq', '=', seq).execute();
    expect((await verify(world)).problem).toEqual({ seq, message: `entry ${seq} was altered after it was written` });
  });

  it('1.1 records-management: an edited action is named', async () => {
    const seq = (await lastSeq()) - 9;
    await db().updateTable('audit_events').set({ action: 'person.create' }).where('seq', '=', seq).execute();
    expect((await verify(world)).problem).toEqual({ seq, message: `entry ${seq} was altered after it was written` });
  });

  it('1.1 records-management: an edited actor, decision or time is named too', async () => {
    for (const [i, change] of ([{ actor_id: 'someone-else' }, { decision: 'deny' }, { at: '2020-01-01T00:00:00.000Z' }] as Partial<AuditEventRow>[]).entries()) {
      const seq = (await lastSeq()) - 2 - i;
      const before = await rowAt(seq);
      await db().updateTable('audit_events').set(change).where('seq', '=', seq).execute();
      expect((await verify(world)).problem?.seq).toBe(seq);
      await db().updateTable('audit_events').set(before).where('seq', '=', seq).execute();
    }
    expect((await verify(world)).ok).toBe(true);
  });

  it('1.1 records-management: a deleted entry in the middle is named', async () => {
    const seq = (await lastSeq()) - 5;
    await db().deleteFrom('audit_events').where('seq', '=', seq).execute();
    expect((await verify(world)).problem).toEqual({ seq, message: `entry ${seq} is missing (next entry found is ${seq + 1})` });
  });

  it('1.1 records-management: an inserted entry is named: a naive copy at its own place, a well-forged one by the entry it pushed aside', async () => {
    const at = (await lastSeq()) - 4;
    const tail = await db().selectFrom('audit_events').selectAll().where('seq', '>=', at).orderBy('seq').execute();
    await db().deleteFrom('audit_events').where('seq', '>=', at).execute();
    const shifted = tail.map((r) => ({ ...r, seq: Number(r.seq) + 1 }));
    // The forger links the new entry correctly to the one before and hashes it correctly.
    const prev = (await rowAt(at - 1)).hash;
    const forged = { ...tail[0], seq: at, detail: '{"forged":true}', prev_hash: prev };
    forged.hash = entryHash(prev, forged);
    await db().insertInto('audit_events').values([forged, ...shifted]).execute();
    await db().updateTable('audit_head').set({ seq: Number(tail[tail.length - 1].seq) + 1 }).execute();
    expect((await verify(world)).problem).toEqual({ seq: at + 1, message: `entry ${at + 1} does not link to entry ${at}: entries were removed, inserted or reordered` });
    // A naive insertion (a copied row, hash not recomputed) is named at its own place.
    await db().updateTable('audit_events').set({ hash: tail[0].hash }).where('seq', '=', at).execute();
    expect((await verify(world)).problem).toEqual({ seq: at, message: `entry ${at} was altered after it was written` });
  });

  it('1.1 records-management: reordered (swapped) entries are named', async () => {
    const a = (await lastSeq()) - 8;
    const [x, y] = [await rowAt(a), await rowAt(a + 1)];
    await db().updateTable('audit_events').set({ ...y, seq: a }).where('seq', '=', a).execute();
    await db().updateTable('audit_events').set({ ...x, seq: a + 1 }).where('seq', '=', a + 1).execute();
    expect((await verify(world)).problem).toEqual({ seq: a, message: `entry ${a} does not link to entry ${a - 1}: entries were removed, inserted or reordered` });
  });

  it('1.1 records-management: a chain rewritten after an edit (every later hash recomputed) is caught by the signed checkpoints', async () => {
    const seq = (await lastSeq()) - 8;
    await db().updateTable('audit_events').set({ detail: '{"fields":[]}' }).where('seq', '=', seq).execute();
    await rehashFrom(seq);
    const cps = (await db().selectFrom('audit_checkpoints').select('seq').where('seq', '>=', seq).orderBy('seq').execute()).map((c) => Number(c.seq));
    expect(cps.length).toBeGreaterThan(0);
    expect((await verify(world)).problem).toEqual({ seq: cps[0], message: `entry ${cps[0]} does not match the signed checkpoint at ${cps[0]}` });
  });

  it('1.1 records-management: a removed tail is caught by the head row', async () => {
    const last = await lastSeq();
    await db().deleteFrom('audit_events').where('seq', '>', last - 3).execute();
    expect((await verify(world)).problem).toEqual({ seq: last - 2, message: `the head records entry ${last} but the chain ends at entry ${last - 3}: the tail was removed` });
  });

  it('1.1 records-management: a removed tail with the head rewritten and stored checkpoints dropped is caught by an exported checkpoint', async () => {
    const cp = await exportCheckpoint(db(), world.services.signer, world.clock.now().toISOString());
    const file = join(world.config.dataDir, 'kept-elsewhere.json');
    writeFileSync(file, JSON.stringify(cp));
    await db().deleteFrom('audit_events').where('seq', '>', cp.seq - 3).execute();
    const newLast = await rowAt(cp.seq - 3);
    await db().updateTable('audit_head').set({ seq: newLast.seq, hash: newLast.hash }).execute();
    await db().deleteFrom('audit_checkpoints').execute();
    expect((await verify(world)).ok).toBe(true); // without the exported checkpoint nothing can tell
    const r = await verify(world, [JSON.parse(readFileSync(file, 'utf8'))]);
    expect(r.problem).toEqual({ seq: cp.seq - 2, message: `the exported checkpoint records entry ${cp.seq} but the chain ends at entry ${cp.seq - 3}: the tail was removed` });
  });

  it('1.1 records-management: a tail replaced by other entries (same length, re-hashed, head rewritten) is caught by an exported checkpoint', async () => {
    const cp = await exportCheckpoint(db(), world.services.signer, world.clock.now().toISOString());
    const seq = cp.seq - 1;
    await db().updateTable('audit_events').set({ action: 'person.create' }).where('seq', '=', seq).execute();
    await rehashFrom(seq);
    await db().deleteFrom('audit_checkpoints').execute();
    expect((await verify(world)).ok).toBe(true);
    expect((await verify(world, [cp])).problem).toEqual({ seq: cp.seq, message: `entry ${cp.seq} does not match the exported checkpoint at ${cp.seq}` });
  });

  it('1.1 records-management: a forged signature on a stored checkpoint is named', async () => {
    const cp = await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_checkpoints').set({ signature: Buffer.alloc(64).toString('base64') }).where('seq', '=', cp.seq).execute();
    expect((await verify(world)).problem).toEqual({ seq: Number(cp.seq), message: `the checkpoint at entry ${cp.seq} has an invalid signature (key ${cp.key_id})` });
  });

  it('1.1 records-management: checkpoints signed with a key that is not registered (a DATA_DIR restored without its key) are named with the key id', async () => {
    const cp = await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').limit(1).executeTakeFirstOrThrow();
    const foreign = foreignCheckpoint(Number(cp.seq), cp.hash);
    await db().updateTable('audit_checkpoints').set({ signature: foreign.signature, key_id: foreign.keyId }).where('seq', '=', cp.seq).execute();
    expect((await verify(world)).problem).toEqual({ seq: Number(cp.seq), message: `the checkpoint at entry ${cp.seq} names key ${foreign.keyId}, which is not registered in audit_signers` });
  });

  it('1.1 records-management: a stored checkpoint moved to another hash (signature kept) is named as forged, not trusted', async () => {
    const cp = await db().selectFrom('audit_checkpoints').selectAll().orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_checkpoints').set({ hash: 'f'.repeat(64) }).where('seq', '=', cp.seq).execute();
    expect((await verify(world)).problem).toEqual({ seq: Number(cp.seq), message: `the checkpoint at entry ${cp.seq} has an invalid signature (key ${cp.key_id})` });
  });

  it('1.1 records-management: a forged exported checkpoint is refused: bad signature, another key, or not a checkpoint at all', async () => {
    const cp = await exportCheckpoint(db(), world.services.signer, world.clock.now().toISOString());
    const tampered = { ...cp, signature: Buffer.alloc(64, 1).toString('base64') };
    expect((await verify(world, [tampered])).problem).toEqual({ seq: cp.seq, message: `the exported checkpoint at entry ${cp.seq} has an invalid signature` });
    // Signed by an attacker's own key, carrying that key: a checkpoint must be signed by a registered key.
    const foreign = foreignCheckpoint(cp.seq + 5, 'a'.repeat(64));
    expect((await verify(world, [foreign])).problem?.message).toMatch(/was signed by a key that is not registered/);
    const posing = foreignCheckpoint(cp.seq, cp.hash, world.services.signer.keyId);
    expect((await verify(world, [posing])).problem).toEqual({ seq: cp.seq, message: `the exported checkpoint at entry ${cp.seq} has an invalid signature` });
    const junk = { not: 'a checkpoint' } as unknown as ExportedCheckpoint;
    expect((await verify(world, [junk])).problem?.message).toMatch(/exported checkpoint 1 is not an exported audit checkpoint/);
  });

  it('1.1 records-management: a deleted head row and entries slipped in past the head are named', async () => {
    const last = await lastSeq();
    const row = await rowAt(last);
    const extra = { ...row, seq: last + 1, prev_hash: row.hash, detail: '{"slipped":true}' };
    extra.hash = entryHash(row.hash, extra);
    await db().insertInto('audit_events').values(extra).execute();
    expect((await verify(world)).problem).toEqual({ seq: last + 1, message: `entries ${last + 1}–${last + 1} lie beyond the head (entry ${last}): they were added behind its back` });
    await db().deleteFrom('audit_head').execute();
    expect((await verify(world)).problem?.message).toMatch(/head row of the audit chain is missing/);
  });

  it('1.1 records-management: verify while writers append (a live server) reports an intact chain, never a false alarm', async () => {
    const writers = Promise.all(Array.from({ length: 4 }, (_, w) => append(world, 15, 100 * (w + 1))));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await verify(world));
    await writers;
    results.push(await verify(world));
    for (const r of results) expect(r.problem).toBeUndefined();
    expect(results[results.length - 1].head.seq).toBe(await lastSeq());
  });
});

/** Runs the CLI as a child process (asynchronously, so the test's own PostgreSQL pool is not blocked). */
function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'audit', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.each(dialects())('1.1 records-management: `confide audit verify` at the console (%s)', (dialect) => {
  it('1.1 records-management: exits 0 on an intact chain; non-zero naming the entry after tampering; catches a removed tail against an exported checkpoint', async () => {
    const world = await createWorld(dialect);
    try {
      await append(world, 8);
      const schema = dialect === 'postgres' ? ((await world.services.db.kysely.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow()).s) : '';
      // PostgreSQL: the test's schema reaches the CLI through the URL's options (search_path).
      const url = dialect === 'postgres' ? `${world.config.databaseUrl}${world.config.databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` : '';
      const env = { ...process.env, DATA_DIR: world.config.dataDir, DATABASE_URL: url, LOG_LEVEL: 'silent' };
      const ok = await cli(env, 'verify');
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/audit chain intact: \d+ entries/);
      const file = join(world.config.dataDir, 'checkpoint.json');
      expect((await cli(env, 'checkpoint', 'export', '-o', file)).status).toBe(0);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as ExportedCheckpoint;
      expect(exported).toMatchObject({ format: 'confide-audit-checkpoint/v1', keyId: world.services.signer.keyId });
      expect((await cli(env, 'verify', '--checkpoint', file)).status).toBe(0);

      const db = world.services.db.kysely;
      await liftAuditGuard(world.services.db);
      await db.deleteFrom('audit_events').where('seq', '=', exported.seq).execute();
      const prev = await db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await db.updateTable('audit_head').set({ seq: prev.seq, hash: prev.hash }).execute();
      await db.deleteFrom('audit_checkpoints').execute();
      expect((await cli(env, 'verify')).status).toBe(0);
      const caught = await cli(env, 'verify', '--checkpoint', file);
      expect(caught.status).not.toBe(0);
      expect(caught.stderr).toContain(`BROKEN at entry ${exported.seq}: the exported checkpoint records entry ${exported.seq} but the chain ends at entry ${exported.seq - 1}: the tail was removed`);

      writeFileSync(file, JSON.stringify({ ...exported, signature: Buffer.alloc(64).toString('base64') }));
      const forged = await cli(env, 'verify', '--checkpoint', file);
      expect(forged.status).not.toBe(0);
      expect(forged.stderr).toContain(`BROKEN at entry ${exported.seq}: the exported checkpoint at entry ${exported.seq} has an invalid signature`);
      writeFileSync(file, '{"not":"a checkpoint"');
      expect((await cli(env, 'verify', '--checkpoint', file)).status).not.toBe(0);

      await db.updateTable('audit_events').set({ action: 'x' }).where('seq', '=', 3).execute();
      const edited = await cli(env, 'verify');
      expect(edited.status).not.toBe(0);
      expect(edited.stderr).toContain('BROKEN at entry 3: entry 3 was altered after it was written');
    } finally {
      await world.close();
    }
  }, 240_000);
});
