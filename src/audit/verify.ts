import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { holdsAsWholeRow, linkOf, walk, WALK_PAGE, type Expected, type Link, type Problem, type WalkState } from './chain-walk';
import { checkpointMessage, type ExportedCheckpoint, type Signer } from './checkpoint';
import { registeredSigners } from './signers';
import { CANONICAL_ENTRY_SQL, GENESIS_HASH } from './hash';
import type { RangeResult, RangeTask } from './verify-range';

/** The outcome of recomputing the chain. */
export interface VerifyResult {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  /** The first problem found, naming the entry. */
  problem?: { seq: number; message: string };
  checkpointsChecked: number;
  /** The ids of the keys whose signatures were checked (compare them with your processes' key files). */
  signers?: string[];
}


/** Reads the canonical text in JavaScript from whole rows (PostgreSQL; SQLite for single entries). */
async function linksFromRows(db: Kysely<Database>, after: number, limit: number): Promise<Link[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map(linkOf);
}

/**
 * Reads the next page of entries after `after`. On SQLite the canonical text is built by the database
 * (CANONICAL_ENTRY_SQL): four values per row cross into JavaScript instead of fourteen, which took a third off a
 * 1M-entry verify. `json_array` refuses BLOB values, which only tampering can put in these text columns; that page
 * is then read as whole rows, so the entry is named like any other alteration.
 */
async function nextLinks(db: Kysely<Database>, sqlite: boolean, after: number): Promise<Link[]> {
  if (!sqlite) return linksFromRows(db, after, WALK_PAGE);
  try {
    const q = sql<Link>`select seq, prev_hash, hash, ${sql.raw(CANONICAL_ENTRY_SQL)} as canonical from audit_events where seq > ${after} order by seq limit ${WALK_PAGE}`;
    return (await q.execute(db)).rows;
  } catch {
    return linksFromRows(db, after, WALK_PAGE);
  }
}

/**
 * Text built by the database is trusted only when its hash matches. A mismatch is recomputed in JavaScript from the
 * whole row (the definition), so an encoding difference could never be reported as tampering.
 */
async function holdsOnWholeRow(db: Kysely<Database>, prev: string, link: Link): Promise<boolean> {
  return holdsAsWholeRow(prev, link, (await linksFromRows(db, link.seq - 1, 1))[0]);
}

/** How verify may split the walk of an SQLite file across worker threads. */
export interface VerifyOptions {
  /** Threads to use; default: the machine's cores, at most 4. */
  workers?: number;
  /** Chains shorter than this are walked in this thread (starting a thread costs ~0.3 s); default 200,000. */
  parallelFrom?: number;
}

/** Runs one range in a worker thread. */
function walkInWorker(task: RangeTask): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verify-worker.mjs', import.meta.url), { workerData: task });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`audit verify worker stopped (exit code ${code}) before answering`)));
  });
}

/**
 * Walks the chain of an SQLite file in contiguous ranges, one worker thread each, up to the last entry there now.
 * Each range starts from the hash stored on the entry before it, so a range's walk is the very walk a single
 * thread would do there once everything before it held: the first range with a problem names the first bad entry.
 * Returns null (walk in this thread) for an in-memory database, a short chain, or when a range did not end where
 * the next began (the table changed under the walk).
 */
async function walkInParallel(db: Kysely<Database>, expected: Expected, options: VerifyOptions): Promise<{ state: WalkState; problem: Problem | null } | null> {
  const workers = options.workers ?? Math.min(availableParallelism(), 4);
  const file = (await sql<{ name: string; file: string }>`pragma database_list`.execute(db)).rows.find((r) => r.name === 'main')?.file;
  const max = Number((await sql<{ max: number | null }>`select max(seq) as max from audit_events`.execute(db)).rows[0]?.max ?? 0);
  if (!file || workers < 2 || max < (options.parallelFrom ?? 200_000)) return null;
  // Ranges end on entries that exist, about equal in length.
  const starts = [{ seq: 0, hash: GENESIS_HASH }];
  for (let i = 1; i < workers; i++) {
    const at = Math.floor((max * i) / workers);
    const row = (await sql<{ seq: number; hash: string }>`select seq, hash from audit_events where seq <= ${at} order by seq desc limit 1`.execute(db)).rows[0];
    if (row && Number(row.seq) > starts[starts.length - 1].seq) starts.push({ seq: Number(row.seq), hash: row.hash });
  }
  const tasks = starts.map((s, i): RangeTask => {
    const through = starts[i + 1]?.seq ?? max;
    return { file, after: s.seq, prev: s.hash, through, expected: [...expected].filter(([seq]) => seq > s.seq && seq <= through) };
  });
  const results = await Promise.all(tasks.map(walkInWorker));
  const state: WalkState = { last: 0, prev: GENESIS_HASH, checked: 0 };
  for (const [i, r] of results.entries()) {
    state.checked += r.state.checked;
    state.last = r.state.last;
    state.prev = r.state.prev;
    if (r.problem) return { state, problem: r.problem };
    if (r.state.last !== tasks[i].through) return null;
  }
  return { state, problem: null };
}

/** Why an exported checkpoint file cannot be used, or null when it has the exported shape. */
function malformed(cp: unknown): string | null {
  const c = cp as Partial<ExportedCheckpoint> | null;
  if (!c || typeof c !== 'object' || c.format !== 'confide-audit-checkpoint/v1') return 'is not an exported audit checkpoint (format confide-audit-checkpoint/v1)';
  if (!Number.isSafeInteger(c.seq) || c.seq! < 0) return 'has no valid entry number (seq)';
  if (typeof c.hash !== 'string' || !/^[0-9a-f]{64}$/.test(c.hash)) return 'has no valid hash';
  if (typeof c.signature !== 'string') return 'has no signature';
  return null;
}

/**
 * Recomputes the whole chain: sequence numbers contiguous from 1, each prev_hash equal to the previous hash, each
 * hash equal to SHA-256 over its content; the head row, every stored checkpoint and, if given, checkpoints exported
 * earlier, which is what reveals a truncated tail even when the head row was rewritten too.
 *
 * Checkpoint signatures are checked first, each with the key it names as registered in audit_signers (or this
 * process's own key; never a key carried by the checkpoint itself, which anyone could make), so only signed
 * (seq, hash) pairs are trusted, whichever of several processes signed them. The head is read before the walk:
 * entries appended while verify runs (a live server) extend the chain past it and are checked like the rest,
 * instead of being mistaken for tampering; the chain must still reach the head read at the start, through its hash.
 * A long chain in an SQLite file is walked in ranges by worker threads (see {@link VerifyOptions}), with the same
 * result as one walk.
 */
export async function verifyAudit(
  db: Kysely<Database>,
  signer: Signer,
  external: readonly ExportedCheckpoint[] = [],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const startHead = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const checkpoints = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const early = (seq: number, message: string): VerifyResult => ({
    ok: false, checked: 0, head: { seq: 0, hash: GENESIS_HASH }, problem: { seq, message }, checkpointsChecked: 0,
  });
  if (!startHead) return early(1, 'the head row of the audit chain is missing: it was deleted');

  // Only signed pairs are trusted, each checked against the key that signed it: a key registered in audit_signers
  // (every process that writes checkpoints registers its key, src/audit/signers.ts) or this process's own.
  const keys = await registeredSigners(db);
  if (!keys.has(signer.keyId)) keys.set(signer.keyId, signer.publicKeyPem);
  const used = new Set<string>();
  const expected: Expected = new Map();
  const expect = (seq: number, hash: string, what: string) => expected.set(seq, [...(expected.get(seq) ?? []), { hash, what }]);
  for (const cp of checkpoints) {
    const seq = Number(cp.seq);
    const pem = keys.get(cp.key_id);
    if (pem === undefined) return early(seq, `the checkpoint at entry ${seq} names key ${cp.key_id}, which is not registered in audit_signers`);
    if (!signer.verify(checkpointMessage(seq, cp.hash), cp.signature, pem)) return early(seq, `the checkpoint at entry ${seq} has an invalid signature (key ${cp.key_id})`);
    used.add(cp.key_id);
    expect(seq, cp.hash, 'the signed checkpoint');
  }
  for (const [i, cp] of external.entries()) {
    const bad = malformed(cp);
    if (bad) return early(0, `exported checkpoint ${i + 1} ${bad}`);
    // The key is looked up by its id, never taken from the file (anyone can make a key and sign with it).
    const keyId = cp.keyId ?? signer.keyId;
    const pem = keys.get(keyId);
    if (pem === undefined) return early(cp.seq, `the exported checkpoint at entry ${cp.seq} was signed by a key that is not registered (${keyId}; registered: ${[...keys.keys()].sort().join(', ')})`);
    if (!signer.verify(checkpointMessage(cp.seq, cp.hash), cp.signature, pem)) return early(cp.seq, `the exported checkpoint at entry ${cp.seq} has an invalid signature`);
    if (cp.seq === 0 && cp.hash !== GENESIS_HASH) return early(0, 'the exported checkpoint of the empty chain has a hash other than the start of the chain');
    used.add(keyId);
    expect(cp.seq, cp.hash, 'the exported checkpoint');
  }
  const startSeq = Number(startHead.seq);
  if (startSeq > 0) expect(startSeq, startHead.hash, 'the head');

  const state: WalkState = { last: 0, prev: GENESIS_HASH, checked: 0 };
  const fail = (p: Problem): VerifyResult => ({
    ok: false, checked: state.checked, head: { seq: state.last, hash: state.prev }, problem: p, checkpointsChecked: 0,
  });

  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  if (sqlite) {
    const ahead = await walkInParallel(db, expected, options);
    if (ahead) {
      Object.assign(state, ahead.state);
      if (ahead.problem) return fail(ahead.problem);
    }
  }
  // The rest of the chain (all of it on PostgreSQL and for small chains), including entries appended meanwhile.
  const problem = await walk(state, expected, (after) => nextLinks(db, sqlite, after), sqlite ? (prev, link) => holdsOnWholeRow(db, prev, link) : null);
  if (problem) return fail(problem);

  const { last, prev, checked } = state;
  for (const [seq, list] of expected) {
    if (seq > last) return fail({ seq: last + 1, message: `${list[0].what} records entry ${seq} but the chain ends at entry ${last}: the tail was removed` });
  }
  // Entries past the head are allowed only if the head has moved on to them since (appends during the walk).
  const endHead = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!endHead) return fail({ seq: last + 1, message: 'the head row of the audit chain is missing: it was deleted' });
  if (Number(endHead.seq) < last) return fail({ seq: Number(endHead.seq) + 1, message: `entries ${Number(endHead.seq) + 1}–${last} lie beyond the head (entry ${endHead.seq}): they were added behind its back` });
  if (Number(endHead.seq) === last && endHead.hash !== prev) return fail({ seq: last, message: `the head records a different hash for entry ${last}` });
  return { ok: true, checked, head: { seq: last, hash: prev }, checkpointsChecked: checkpoints.length + external.length, signers: [...used].sort() };
}
