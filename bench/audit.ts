/**
 * The hash-chained audit (issue 4): appends through the real path (recordAudit: head locked, entries hashed,
 * signed checkpoint every AUDIT_CHECKPOINT_EVERY), one entry per transaction and 100 per transaction, on SQLite and
 * (for information) PostgreSQL; then verifyAudit over a chain of 1M entries (cached in bench/out/audit-1m/).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { readAccessEpoch } from '../src/accounts/caller-cache';
import { appendAuditGroupsIfCurrent, type AuditEntry } from '../src/audit/append';
import { entryHash } from '../src/audit/hash';
import { canonicalJson } from '../src/lib/canonical-json';
import { recordAudit } from '../src/audit/record';
import { verifyAudit } from '../src/audit/verify';
import { checkpointMessage } from '../src/audit/checkpoint';
import { loadConfig } from '../src/config';
import type { Services } from '../src/context';
import { SQLITE_PRAGMAS, type DialectName } from '../src/db/connect';
import { newId } from '../src/lib/ids';
import { LATEST_MIGRATION } from '../src/db/migrate';
import { createServices, prepareDatabase } from '../src/services';
import { OUT_DIR } from './dataset';
import { type BenchOptions, type Row, log, round, timeMs } from './lib';

const entry = (i: number): AuditEntry => ({
  action: 'person.read', decision: 'allow', resourceType: 'person', resourceId: newId(), subjectPersonId: newId(),
  ruleId: 'need-to-know/case-team', clause: '3.4', detail: { fields: ['givenName', 'healthNotes', `f${i % 7}`], classes: ['personal', 'special'] },
});

/**
 * Who and when, as an audited request writes them: a signed-in actor (staff members differ from one request to the
 * next, so each transaction gets its own) and a request id.
 */
const stamp = () => ({ actorId: newId(), requestId: newId(), at: new Date().toISOString() });

async function openServices(dialect: DialectName, dataDir: string, pgUrl: string | null, pgSchema?: string): Promise<Services> {
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: dialect === 'postgres' ? pgUrl! : '', LOG_LEVEL: 'silent' });
  const services = createServices(config, { logger: pino({ level: 'silent' }), connect: { pgSchema } });
  await prepareDatabase(services);
  return services;
}

/** Appends `transactions` transactions of `perTx` entries; returns transactions/s and entries/s. */
async function appendRate(services: Services, transactions: number, perTx: number) {
  const db = services.db.kysely;
  const batch = Array.from({ length: perTx }, (_, i) => entry(i));
  const [, ms] = await timeMs(async () => {
    for (let t = 0; t < transactions; t++) await db.transaction().execute((trx) => recordAudit(trx, services, batch, stamp()));
  });
  return { transactions, entriesPerTransaction: perTx, seconds: round(ms / 1000, 2), txPerSec: round((transactions * 1000) / ms, 0), entriesPerSec: round((transactions * perTx * 1000) / ms, 0) };
}

/**
 * The ceiling for the same work on this machine: better-sqlite3 with prepared statements and no Kysely, on the same
 * schema (migrated by the real code) and the same connection settings as src/db/connect.ts, doing what appendAudit
 * does (read head, hash, insert, update head) in one transaction. Audit rates are reported as a share of this.
 */
function rawCeiling(file: string, transactions: number, perTx: number) {
  const db = new SQLite(file);
  for (const p of SQLITE_PRAGMAS) db.pragma(p);
  const head = db.prepare('select seq, hash from audit_head where id = 1');
  const insert = db.prepare('insert into audit_events (seq, at, actor_id, action, resource_type, resource_id, subject_person_id, decision, rule_id, clause, request_id, detail, prev_hash, hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
  const update = db.prepare('update audit_head set seq = ?, hash = ? where id = 1');
  const batch = Array.from({ length: perTx }, (_, i) => entry(i));
  const append = db.transaction(() => {
    const h = head.get() as { seq: number; hash: string };
    let seq = h.seq;
    let prev = h.hash;
    const { actorId, requestId, at } = stamp();
    for (const e of batch) {
      seq += 1;
      const row = { seq, at, actor_id: actorId, action: e.action, resource_type: e.resourceType ?? null, resource_id: e.resourceId ?? null, subject_person_id: e.subjectPersonId ?? null, decision: e.decision, rule_id: e.ruleId ?? null, clause: e.clause ?? null, request_id: requestId, detail: canonicalJson(e.detail ?? {}) };
      const next = entryHash(prev, row);
      insert.run(row.seq, row.at, row.actor_id, row.action, row.resource_type, row.resource_id, row.subject_person_id, row.decision, row.rule_id, row.clause, row.request_id, row.detail, prev, next);
      prev = next;
    }
    update.run(seq, prev);
  });
  const t0 = process.hrtime.bigint();
  for (let t = 0; t < transactions; t++) append.immediate(); // begin immediate, as src/db/sqlite-dialect.ts
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return { transactions, entriesPerTransaction: perTx, seconds: round(ms / 1000, 2), txPerSec: round((transactions * 1000) / ms, 0), entriesPerSec: round((transactions * perTx * 1000) / ms, 0) };
}

/** Entries per group in {@link groupAppendRate}: about what a group of read records holds with 10 clients. */
const GROUP_ENTRIES = 3;

/**
 * PostgreSQL: groups of read records appended as the server commits them, each one statement on condition of the
 * head (src/audit/append.ts, appendAuditGroupsIfCurrent) on the chain's pipelined connection, with `inFlight` on
 * their way at once, each sent on condition of the head the one before it makes (src/db/pg-units.ts). µs a group.
 */
async function groupAppendRate(services: Services, groups: number, inFlight: number) {
  const chain = services.db.pgChain!;
  const head = await services.db.kysely.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  const epoch = await readAccessEpoch(services.db.kysely);
  let expected = { head: { seq: Number(head.seq), hash: head.hash }, epoch };
  const pending: Promise<boolean>[] = [];
  let committed = 0;
  const [, ms] = await timeMs(async () => {
    for (let g = 0; g < groups; g++) {
      const group = Array.from({ length: GROUP_ENTRIES }, (_, i) => ({ entries: [entry(i)], stamp: stamp() }));
      const sent = appendAuditGroupsIfCurrent(chain, group, expected)!;
      expected = { head: sent.head, epoch };
      pending.push(sent.committed);
      if (pending.length >= inFlight) committed += Number(await pending.shift()!);
    }
    for (const p of pending) committed += Number(await p);
  });
  if (committed !== groups) throw new Error(`${groups - committed} conditional group appends found the head moved`);
  return { groups, entriesPerGroup: GROUP_ENTRIES, inFlight, microsPerGroup: round((ms * 1000) / groups, 0) };
}

async function appendBench(dialect: DialectName, opts: BenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-audit-'));
  const schema = `bench_audit_${process.pid}`;
  if (dialect === 'postgres') {
    const c = new pg.Client({ connectionString: opts.pgUrl! });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    await c.end();
  }
  const services = await openServices(dialect, dataDir, opts.pgUrl, dialect === 'postgres' ? schema : undefined);
  try {
    const scale = (opts.quick ? 0.25 : 1) * (dialect === 'postgres' ? 0.5 : 1);
    await appendRate(services, 200, 1); // warm up
    const single = await appendRate(services, Math.round(20_000 * scale), 1);
    const batched = await appendRate(services, Math.round(1_000 * scale), 100);
    // One at a time and two at a time, alternated over rounds so background load hits both alike.
    const groupRuns: { one: number[]; two: number[] } = { one: [], two: [] };
    if (dialect === 'postgres') {
      for (let r = 0; r < (opts.quick ? 1 : 3); r++) {
        groupRuns.one.push((await groupAppendRate(services, Math.round(4_000 * scale), 1)).microsPerGroup);
        groupRuns.two.push((await groupAppendRate(services, Math.round(4_000 * scale), 2)).microsPerGroup);
      }
    }
    const groupAppends = dialect === 'postgres' ? { entriesPerGroup: GROUP_ENTRIES, microsPerGroup: { oneInFlight: Math.min(...groupRuns.one), twoInFlight: Math.min(...groupRuns.two) }, rounds: groupRuns } : null;
    const verify = await timeMs(() => verifyAudit(services.db.kysely, services.signer));
    if (!verify[0].ok) throw new Error(`audit verify failed after the append benchmark: ${verify[0].problem?.message}`);
    let ceiling: { single: ReturnType<typeof rawCeiling>; batched: ReturnType<typeof rawCeiling> } | null = null;
    if (dialect === 'sqlite') {
      // A second database, migrated by the real code and empty like ours was, for the raw better-sqlite3 ceiling.
      const peerDir = mkdtempSync(join(tmpdir(), 'confide-bench-audit-peer-'));
      const peer = await openServices('sqlite', peerDir, null);
      await peer.db.close();
      const file = join(peerDir, 'confide.db');
      rawCeiling(file, 200, 1);
      ceiling = { single: rawCeiling(file, Math.round(20_000 * scale), 1), batched: rawCeiling(file, Math.round(1_000 * scale), 100) };
      rmSync(peerDir, { recursive: true, force: true });
    }
    log(`audit ${dialect}: single ${single.txPerSec} tx/s, batched ${batched.entriesPerSec} entries/s${ceiling ? ` (raw SQLite ceiling ${ceiling.single.txPerSec} tx/s, ${ceiling.batched.entriesPerSec} entries/s)` : ''}`);
    return { dialect, single, batched, groupAppends, rawSqliteCeiling: ceiling, chainVerifiedAfter: verify[0].checked };
  } finally {
    await services.db.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const c = new pg.Client({ connectionString: opts.pgUrl! });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
}

// Named after the schema: the cached chain is migrated when opened, and bench/out is shared between worktrees, so
// code with another schema (an older branch) must not open, migrate and then find a migration it does not know.
const VERIFY_DIR = join(OUT_DIR, `audit-1m-${LATEST_MIGRATION}`);
const VERIFY_ENTRIES = 1_000_000;

/**
 * Builds the 1M-entry chain for the verify benchmark directly with prepared statements (10,000 entries per
 * transaction, a signed checkpoint every 1,000 entries as recordAudit writes them), ~5× faster than through
 * recordAudit. The chain is exactly what appendAudit would write; verifyAudit, the thing measured, checks that.
 */
function buildChain(file: string, services: Services, from: number, to: number) {
  const db = new SQLite(file);
  for (const p of ['journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -200000']) db.pragma(p);
  const head = db.prepare('select seq, hash from audit_head where id = 1');
  const insert = db.prepare('insert into audit_events (seq, at, actor_id, action, resource_type, resource_id, subject_person_id, decision, rule_id, clause, request_id, detail, prev_hash, hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
  const update = db.prepare('update audit_head set seq = ?, hash = ? where id = 1');
  const checkpoint = db.prepare('insert into audit_checkpoints (seq, hash, at, signature, key_id) values (?,?,?,?,?)');
  const every = services.config.auditCheckpointEvery;
  const chunk = db.transaction((n: number) => {
    const h = head.get() as { seq: number; hash: string };
    let seq = h.seq;
    let prev = h.hash;
    const at = new Date().toISOString();
    for (let i = 0; i < n; i++) {
      seq += 1;
      const e = entry(seq);
      const row = { seq, at, actor_id: null, action: e.action, resource_type: e.resourceType ?? null, resource_id: e.resourceId ?? null, subject_person_id: e.subjectPersonId ?? null, decision: e.decision, rule_id: e.ruleId ?? null, clause: e.clause ?? null, request_id: null, detail: canonicalJson(e.detail ?? {}) };
      const next = entryHash(prev, row);
      insert.run(row.seq, row.at, row.actor_id, row.action, row.resource_type, row.resource_id, row.subject_person_id, row.decision, row.rule_id, row.clause, row.request_id, row.detail, prev, next);
      if (seq % every === 0) checkpoint.run(seq, next, at, services.signer.sign(checkpointMessage(seq, next)), services.signer.keyId);
      prev = next;
    }
    update.run(seq, prev);
  });
  // Secondary indexes are dropped for the bulk load and rebuilt from their own definitions afterwards (sorted build).
  const indexes = db.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'audit_events' and sql is not null`).all() as { name: string; sql: string }[];
  for (const i of indexes) db.exec(`drop index ${i.name}`);
  for (let n = from; n < to; n += 10_000) chunk(Math.min(10_000, to - n));
  for (const i of indexes) db.exec(i.sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** verifyAudit over 1M entries on SQLite (the chain is built once and cached in bench/out/audit-1m/). */
async function verifyBench(opts: BenchOptions) {
  const file = join(VERIFY_DIR, 'confide.db');
  const fresh = !existsSync(file);
  const services = await openServices('sqlite', VERIFY_DIR, null);
  try {
    const head = await services.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    if (Number(head.seq) < VERIFY_ENTRIES) {
      log(`${fresh ? 'building' : 'completing'} the 1M-entry audit chain in ${VERIFY_DIR} …`);
      const [, ms] = await timeMs(() => buildChain(file, services, Number(head.seq), VERIFY_ENTRIES));
      log(`audit chain built in ${round(ms / 1000, 1)} s`);
    }
    const runs = opts.quick ? 1 : 3;
    const times: number[] = [];
    const cpu: number[] = [];
    let checked = 0;
    let checkpoints = 0;
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const [res, ms] = await timeMs(() => verifyAudit(services.db.kysely, services.signer));
      const c = process.cpuUsage(c0);
      if (!res.ok) throw new Error(`verify failed: ${res.problem?.message}`);
      times.push(ms);
      cpu.push((c.user + c.system) / 1000);
      checked = res.checked;
      checkpoints = res.checkpointsChecked;
    }
    const best = Math.min(...times);
    log(`audit verify: ${checked} entries in ${round(best / 1000, 2)} s`);
    return {
      entries: checked, checkpointsChecked: checkpoints, runs, seconds: times.map((t) => round(t / 1000, 2)), cpuSeconds: cpu.map((t) => round(t / 1000, 2)),
      bestSeconds: round(best / 1000, 2), entriesPerSec: round((checked * 1000) / best, 0),
    };
  } finally {
    await services.db.close();
  }
}

/** Audit append (single, batched) and verify benchmarks. */
export async function benchAudit(opts: BenchOptions) {
  const append = [await appendBench('sqlite', opts)];
  if (opts.pgUrl) append.push(await appendBench('postgres', opts));
  const verify = await verifyBench(opts);
  const rows: Row[] = [];
  for (const a of append) {
    const goal = a.dialect === 'sqlite';
    rows.push(
      { section: `audit ${a.dialect}`, name: 'append, 1 entry per transaction', value: `${a.single.txPerSec} tx/s`, goal: goal ? '≥ 10000/s' : 'info', ok: goal ? a.single.txPerSec >= 10_000 : null },
      { section: `audit ${a.dialect}`, name: 'append, 100 entries per transaction', value: `${a.batched.entriesPerSec} entries/s`, goal: goal ? '≥ 50000/s' : 'info', ok: goal ? a.batched.entriesPerSec >= 50_000 : null },
    );
    if (a.groupAppends) {
      const g = a.groupAppends.microsPerGroup;
      rows.push({
        section: `audit ${a.dialect}`, name: `groups of ${a.groupAppends.entriesPerGroup} read records, one statement each: one / two on their way`,
        value: `${g.oneInFlight} / ${g.twoInFlight} µs a group`,
      });
    }
    if (a.rawSqliteCeiling) {
      const c = a.rawSqliteCeiling;
      rows.push(
        { section: `audit ${a.dialect}`, name: 'raw better-sqlite3 ceiling, same schema: 1 / 100 per tx', value: `${c.single.txPerSec} tx/s / ${c.batched.entriesPerSec} entries/s` },
        { section: `audit ${a.dialect}`, name: 'confide ÷ raw ceiling: 1 / 100 per tx', value: `${round((100 * a.single.txPerSec) / c.single.txPerSec, 1)} % / ${round((100 * a.batched.entriesPerSec) / c.batched.entriesPerSec, 1)} %` },
      );
    }
  }
  rows.push({ section: 'audit sqlite', name: `verify ${verify.entries.toLocaleString('en')} entries (${verify.checkpointsChecked} checkpoints)`, value: `${verify.bestSeconds} s`, goal: '< 5 s', ok: verify.bestSeconds < 5 });
  return { result: { append, verify }, rows };
}
