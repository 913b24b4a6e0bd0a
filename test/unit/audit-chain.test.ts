import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, type AuditEntry } from '../../src/audit/append';
import { checkpointMessage, loadOrCreateSigner, type Signer } from '../../src/audit/checkpoint';
import { canonicalEntry, CANONICAL_ENTRY_SQL, entryHash, GENESIS_HASH } from '../../src/audit/hash';
import { verifyAudit } from '../../src/audit/verify';
import { connect, type Db } from '../../src/db/connect';
import { migrateToLatest } from '../../src/db/migrate';
import type { AuditEventRow } from '../../src/db/schema';
import { liftAuditGuard } from '../support/audit-guard';

// 1.1 records-management / practice 4.3: the audit chain itself. hash = SHA-256(previous hash ‖ canonical entry);
// any single tampering with a generated chain is named at the right entry by verifyAudit.

const FIELDS = ['at', 'actor_id', 'action', 'resource_type', 'resource_id', 'subject_person_id', 'decision', 'rule_id', 'clause', 'request_id', 'detail'] as const;

const row = (seq: number): Omit<AuditEventRow, 'hash' | 'prev_hash'> => ({
  seq, at: '2026-03-02T09:00:00.000Z', actor_id: 'u1', action: 'person.read', resource_type: 'person', resource_id: 'p1',
  subject_person_id: 'p1', decision: 'allow', rule_id: 'need-to-know/case-team', clause: '3.4', request_id: 'r1', detail: '{"fields":["email"]}',
});

describe('1.1 records-management: the entry hash', () => {
  it('1.1 records-management: is SHA-256 over the previous hash and the entry as a JSON array in a fixed order', () => {
    const e = row(7);
    const expected = createHash('sha256').update(GENESIS_HASH).update(JSON.stringify([7, e.at, e.actor_id, e.action, e.resource_type, e.resource_id, e.subject_person_id, e.decision, e.rule_id, e.clause, e.request_id, e.detail])).digest('hex');
    expect(entryHash(GENESIS_HASH, e)).toBe(expected);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('1.1 records-management: changes when any recorded field, the number or the previous hash changes', () => {
    const base = entryHash(GENESIS_HASH, row(1));
    expect(entryHash('1'.repeat(64), row(1))).not.toBe(base);
    expect(entryHash(GENESIS_HASH, row(2))).not.toBe(base);
    for (const f of FIELDS) expect(entryHash(GENESIS_HASH, { ...row(1), [f]: 'changed' }), f).not.toBe(base);
    // null and the text "null" are different entries
    expect(entryHash(GENESIS_HASH, { ...row(1), actor_id: null })).not.toBe(entryHash(GENESIS_HASH, { ...row(1), actor_id: 'null' }));
  });

  it('1.1 records-management: field boundaries cannot be shifted (moving text from one field to the next changes the hash)', () => {
    const a = entryHash(GENESIS_HASH, { ...row(1), action: 'person.rea', resource_type: 'dperson' });
    expect(a).not.toBe(entryHash(GENESIS_HASH, { ...row(1), action: 'person.read', resource_type: 'person' }));
  });
});

describe('1.1 records-management: signed checkpoints', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'confide-signer-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('1.1 records-management: the Ed25519 key is created once, private (0600), and reused', () => {
    const a = loadOrCreateSigner(dir);
    expect(statSync(join(dir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    const b = loadOrCreateSigner(dir);
    expect(b.keyId).toBe(a.keyId);
    expect(b.verify(checkpointMessage(3, 'a'.repeat(64)), a.sign(checkpointMessage(3, 'a'.repeat(64))))).toBe(true);
  });

  it('1.1 records-management: a signature covers exactly its entry number and hash', () => {
    const s = loadOrCreateSigner(dir);
    const sig = s.sign(checkpointMessage(5, 'b'.repeat(64)));
    expect(s.verify(checkpointMessage(5, 'b'.repeat(64)), sig)).toBe(true);
    expect(s.verify(checkpointMessage(6, 'b'.repeat(64)), sig)).toBe(false);
    expect(s.verify(checkpointMessage(5, 'c'.repeat(64)), sig)).toBe(false);
    const other = loadOrCreateSigner(mkdtempSync(join(dir, 'other-')));
    expect(other.verify(checkpointMessage(5, 'b'.repeat(64)), sig)).toBe(false);
  });
});

type Tamper =
  | { op: 'edit'; at: number; field: (typeof FIELDS)[number] }
  | { op: 'hash' | 'prev' | 'delete' | 'truncate' | 'swap' | 'slip'; at: number };

describe('1.1 records-management: every single tampering with a generated chain is named at the right entry', () => {
  let db: Db;
  let signer: Signer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confide-chain-'));
    // A file, not :memory:, so verify can also walk it in worker threads (each opens the file itself).
    db = connect({ databaseUrl: '', dataDir: dir });
    await migrateToLatest(db);
    await liftAuditGuard(db); // tampers as the file's owner would
    signer = loadOrCreateSigner(dir);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Builds a chain of `batches` (entries appended together per transaction). */
  async function build(batches: number[]) {
    const k = db.kysely;
    await k.deleteFrom('audit_events').execute();
    await k.deleteFrom('audit_checkpoints').execute();
    await k.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
    let n = 0;
    for (const size of batches) {
      const entries: AuditEntry[] = Array.from({ length: size }, () => ({ action: 'person.read', decision: 'allow', resourceType: 'person', resourceId: `p${++n}`, detail: { fields: ['email'], n } }));
      await k.transaction().execute((trx) => appendAudit(trx, entries, { actorId: 'u1', requestId: `r${n}`, at: '2026-03-02T09:00:00.000Z' }, db));
    }
    return n;
  }

  /** Applies one tampering and returns the entry verify must name. */
  async function tamper(t: Tamper, n: number): Promise<number> {
    const k = db.kysely;
    const get = (seq: number) => k.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    switch (t.op) {
      case 'edit':
        await k.updateTable('audit_events').set({ [t.field]: `tampered-${t.field}` }).where('seq', '=', t.at).execute();
        return t.at;
      case 'hash':
        await k.updateTable('audit_events').set({ hash: 'e'.repeat(64) }).where('seq', '=', t.at).execute();
        return t.at;
      case 'prev':
        await k.updateTable('audit_events').set({ prev_hash: 'd'.repeat(64) }).where('seq', '=', t.at).execute();
        return t.at;
      case 'delete':
      case 'truncate':
        await k.deleteFrom('audit_events').where('seq', t.op === 'delete' ? '=' : '>=', t.at).execute();
        return t.at; // a deleted last entry is a removed tail: the head names it
      case 'swap': {
        const [x, y] = [await get(t.at), await get(t.at + 1)];
        await k.updateTable('audit_events').set({ ...y, seq: t.at }).where('seq', '=', t.at).execute();
        await k.updateTable('audit_events').set({ ...x, seq: t.at + 1 }).where('seq', '=', t.at + 1).execute();
        return t.at;
      }
      case 'slip': {
        const last = await get(n);
        const extra = { ...last, seq: n + 1, prev_hash: last.hash, detail: '{}' };
        extra.hash = entryHash(last.hash, extra);
        await k.insertInto('audit_events').values(extra).execute();
        return n + 1;
      }
    }
  }

  it('1.1 records-management: entries are appended only inside the transaction of the operation they record', async () => {
    const entries: AuditEntry[] = [{ action: 'person.read', decision: 'allow' }];
    const stamp = { actorId: 'u1', requestId: 'r1', at: '2026-03-02T09:00:00.000Z' };
    await expect(appendAudit(db.kysely, entries, stamp, db)).rejects.toThrow(/inside the transaction/);
    await expect(db.kysely.transaction().execute(async (trx) => {
      await appendAudit(trx, entries, stamp, db);
      throw new Error('the operation failed');
    })).rejects.toThrow('the operation failed');
    expect(await db.kysely.selectFrom('audit_events').select('seq').where('request_id', '=', 'r1').execute()).toEqual([]);
  });

  it('1.1 records-management: intact chains of any shape verify; each tampering is named (generated)', async () => {
    const chain = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 12 });
    await fc.assert(fc.asyncProperty(chain, fc.nat(), fc.constantFrom('edit', 'hash', 'prev', 'delete', 'truncate', 'swap', 'slip'), fc.constantFrom(...FIELDS), async (batches, pos, op, field) => {
      const n = await build(batches);
      expect(await verifyAudit(db.kysely, signer)).toMatchObject({ ok: true, checked: n, head: { seq: n } });
      if (op === 'swap' && n < 2) return;
      const at = op === 'swap' ? 1 + (pos % (n - 1)) : 1 + (pos % n);
      const seq = await tamper(op === 'edit' ? { op, at, field } : { op, at } as Tamper, n);
      const r = await verifyAudit(db.kysely, signer);
      expect(r.ok).toBe(false);
      expect(r.problem?.seq, `${op} at ${at} of ${n}: ${r.problem?.message}`).toBe(seq);
    }), { numRuns: 300 });
  });

  it('1.1 records-management: a chain walked in ranges by worker threads gives the very result of one walk, for every tampering (generated)', async () => {
    const chain = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 8 });
    await fc.assert(fc.asyncProperty(chain, fc.nat(), fc.constantFrom('edit', 'hash', 'prev', 'delete', 'truncate', 'swap', 'slip'), fc.integer({ min: 2, max: 4 }), async (batches, pos, op, workers) => {
      const n = await build(batches);
      const parallel = () => verifyAudit(db.kysely, signer, [], { workers, parallelFrom: 1 });
      expect(await parallel()).toEqual(await verifyAudit(db.kysely, signer));
      const at = op === 'swap' ? 1 + (pos % (n - 1)) : 1 + (pos % n);
      await tamper(op === 'edit' ? { op, at, field: 'detail' } : { op, at } as Tamper, n);
      const one = await verifyAudit(db.kysely, signer);
      expect(one.ok).toBe(false);
      expect(await parallel()).toEqual(one);
    }), { numRuns: 8 });
  }, 120_000);
});

describe('1.1 records-management: verify builds the canonical text inside SQLite, exactly as the definition writes it', () => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confide-canonical-'));
    db = connect({ databaseUrl: '', dataDir: dir, sqliteFile: ':memory:' });
    await migrateToLatest(db);
    await liftAuditGuard(db);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1.1 records-management: json_array over the stored columns is the canonical entry, for any text (generated)', async () => {
    // Quotes, backslashes, control characters, U+2028, astral characters: wherever JSON escaping could differ.
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const tricky = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n\t\b\f\r', '\u2028\u2029', '\u007f', '😀', '/', '</script>');
    const value = fc.oneof(text, tricky, fc.constant(null));
    await fc.assert(fc.asyncProperty(fc.array(value, { minLength: 9, maxLength: 9 }), fc.integer({ min: 1, max: 2 ** 40 }), async (v, seq) => {
      const e = { ...row(seq), actor_id: v[0], resource_type: v[1], resource_id: v[2], subject_person_id: v[3], rule_id: v[4], clause: v[5], request_id: v[6], action: v[7] ?? 'a', detail: JSON.stringify(v[8]) };
      await db.kysely.deleteFrom('audit_events').execute();
      await db.kysely.insertInto('audit_events').values({ ...e, prev_hash: GENESIS_HASH, hash: GENESIS_HASH }).execute();
      const { rows } = await sql<{ text: string }>`select ${sql.raw(CANONICAL_ENTRY_SQL)} as text from audit_events`.execute(db.kysely);
      expect(rows[0].text).toBe(canonicalEntry(e));
    }), { numRuns: 300 });
  });

  it('1.1 records-management: a value of another type slipped into a text column (a BLOB) is named as an alteration, not a crash', async () => {
    const k = db.kysely;
    await k.deleteFrom('audit_events').execute();
    await k.updateTable('audit_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
    const entries: AuditEntry[] = Array.from({ length: 5 }, (_, i) => ({ action: 'person.read', decision: 'allow', detail: { i } }));
    await k.transaction().execute((trx) => appendAudit(trx, entries, { actorId: 'u1', requestId: 'r1', at: '2026-03-02T09:00:00.000Z' }, db));
    const signer = loadOrCreateSigner(dir);
    expect((await verifyAudit(k, signer)).ok).toBe(true);
    await sql`update audit_events set detail = ${Buffer.from('{"i":2}')} where seq = 3`.execute(k);
    expect((await verifyAudit(k, signer)).problem).toEqual({ seq: 3, message: 'entry 3 was altered after it was written' });
  });
});
