import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import { canonicalJson } from '../lib/canonical-json';
import { rawQueryOf, type Db } from '../db/connect';
import { heldConnection } from '../db/prepared';
import { statementOn } from '../db/statement-cache';
import type { AuditEventRow, Database } from '../db/schema';
import type { Decision } from '../policy/types';
import { entryHash } from './hash';

/**
 * One thing to record. `detail` must never hold confidential values: record which fields or classifications
 * were touched, not their contents.
 */
export interface AuditEntry {
  action: string;
  decision: 'allow' | 'deny' | 'change';
  resourceType?: string | null;
  resourceId?: string | null;
  subjectPersonId?: string | null;
  ruleId?: string | null;
  clause?: string | null;
  detail?: Record<string, unknown>;
}

/** Who and when, shared by every entry of one operation. */
export interface AuditStamp {
  actorId: string | null;
  requestId: string | null;
  at: string;
}

/** The end of the chain: its last entry's number and hash. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** PostgreSQL: reads the chain's head and locks it until the transaction ends (see {@link appendAuditGroups}). */
export const LOCK_HEAD_SQL = 'select seq, hash from audit_head where id = 1 for update';

/** Entries recorded under one stamp: one unit of work's, or one actor's within it. */
export interface AuditGroup {
  entries: readonly AuditEntry[];
  stamp: AuditStamp;
}

/** Builds an entry from a policy decision, so rule and clause are always recorded the same way. */
export function fromDecision(
  action: string,
  d: Decision,
  target: Pick<AuditEntry, 'resourceType' | 'resourceId' | 'subjectPersonId' | 'detail'>,
): AuditEntry {
  return { action, decision: d.allowed ? 'allow' : 'deny', ruleId: d.ruleId, clause: d.clause, ...target };
}

const COLUMN_NAMES = ['seq', 'at', 'actor_id', 'action', 'resource_type', 'resource_id', 'subject_person_id', 'decision', 'rule_id', 'clause', 'request_id', 'detail', 'prev_hash', 'hash'] as const;
const COLUMNS = COLUMN_NAMES.join(', ');

/**
 * Most rows one PostgreSQL insert carries: it bounds the JSON one statement sends (~4 MB) when one operation appends
 * hundreds of thousands of entries, which would otherwise all go into one bind message.
 */
const STATEMENT_ROWS = 10_000;

/**
 * PostgreSQL: the rows to insert, as one JSON parameter read back with the table's own row type. Fixed SQL text, run
 * without the query builder, which built and compiled the statement again for every group; one text whatever the
 * number of rows, so it is prepared once per connection (src/db/pg-prepared.ts). One parameter rather than one
 * array per column, which pg encoded element by element in JavaScript where JSON.stringify is native; PostgreSQL
 * spends about the same on either. In the audited read's profile both were visible; together with src/db/
 * pg-prepared.ts's changes they took ~5 % off the server's CPU per read.
 */
const ROWS_FROM_JSON = `select ${COLUMNS} from json_populate_recordset(null::audit_events, $1::json)`;
const INSERT_ROWS = `insert into audit_events (${COLUMNS}) ${ROWS_FROM_JSON}`;
const INSERT_MOVING_HEAD = `with appended as (${INSERT_ROWS}) update audit_head set seq = $2, hash = $3 where id = 1`;
const INSERT_IF_CURRENT = `with moved as (
    update audit_head set seq = $2, hash = $3
    where id = 1 and seq = $4 and hash = $5 and (select n from access_epoch where id = 1) = $6
    returning 1
  )
  ${INSERT_ROWS} where exists (select from moved)`;

/** Runs fixed SQL: on the statement runner under `db` when it has one (src/db/connect.ts, rawQueryOf), else through Kysely. */
async function runText(db: Kysely<Database>, text: string, values: unknown[]): Promise<{ rows: unknown[]; affected: number }> {
  const raw = rawQueryOf(db);
  if (raw) {
    const r = await raw(text, values);
    return { rows: r.rows, affected: r.rowCount ?? 0 };
  }
  const r = await db.executeQuery(CompiledQuery.raw(text, values));
  return { rows: r.rows, affected: Number(r.numAffectedRows ?? 0) };
}

/** The rows that extend the chain from `head` by each group's entries in turn, each hashed over the one before. */
function chainRows(head: { seq: number; hash: string }, groups: readonly AuditGroup[]) {
  let seq = Number(head.seq);
  let hash = head.hash;
  const rows: AuditEventRow[] = [];
  for (const { entries, stamp } of groups) for (const e of entries) {
    seq += 1;
    const row: AuditEventRow = {
      seq,
      at: stamp.at,
      actor_id: stamp.actorId,
      action: e.action,
      resource_type: e.resourceType ?? null,
      resource_id: e.resourceId ?? null,
      subject_person_id: e.subjectPersonId ?? null,
      decision: e.decision,
      rule_id: e.ruleId ?? null,
      clause: e.clause ?? null,
      request_id: stamp.requestId,
      detail: canonicalJson(e.detail ?? {}),
      prev_hash: hash,
      hash: '',
    };
    row.hash = entryHash(hash, row);
    rows.push(row);
    hash = row.hash;
  }
  return { rows, head: { seq, hash } };
}

const HEAD_SQL = 'select seq, hash from audit_head where id = 1';
const INSERT_SQL = `insert into audit_events (${COLUMN_NAMES.join(', ')}) values (${COLUMN_NAMES.map(() => '?').join(', ')})`;
const MOVE_HEAD_SQL = 'update audit_head set seq = ?, hash = ? where id = 1';

/**
 * SQLite: the head read, the inserts and the head update as prepared statements on the connection the
 * transaction holds, without Kysely's per-query work: a 100-entry append went from ~55 % of the raw better-sqlite3
 * rate to about that rate, one entry from ~65 % to ~85 % (bench/audit.ts). The write lock is the transaction's own
 * (`begin immediate`).
 */
function appendOnSqlite(trx: Kysely<Database>, sqlite: SQLite.Database, groups: readonly AuditGroup[]) {
  // Outside a transaction the statements would commit one by one, or land in another caller's transaction.
  const held = heldConnection(trx, sqlite);
  if (!held) throw new Error('appendAudit must run inside the transaction of the operation it records');
  const current = statementOn(held, HEAD_SQL).get() as { seq: number; hash: string } | undefined;
  if (!current) throw new Error('audit_head row missing: run migrations');
  const { rows, head } = chainRows(current, groups);
  if (rows.length === 0) return current;
  const insert = statementOn(held, INSERT_SQL);
  // Positional values: binding by name looks each one up on the row, +1.3 µs an entry.
  for (const r of rows) insert.run(r.seq, r.at, r.actor_id, r.action, r.resource_type, r.resource_id, r.subject_person_id, r.decision, r.rule_id, r.clause, r.request_id, r.detail, r.prev_hash, r.hash);
  statementOn(held, MOVE_HEAD_SQL).run(head.seq, head.hash);
  return head;
}

/**
 * Appends entries to the hash chain inside the caller's transaction. The head row is locked (PostgreSQL:
 * SELECT … FOR UPDATE; SQLite: the write transaction itself) so concurrent writers queue and never fork the chain.
 * Call it last in a transaction to hold the lock briefly. Returns the new head.
 */
export function appendAudit(
  trx: Kysely<Database>,
  entries: readonly AuditEntry[],
  stamp: AuditStamp,
  db: Pick<Db, 'sqlite'>,
): Promise<{ seq: number; hash: string }> {
  return appendAuditGroups(trx, [{ entries, stamp }], db);
}

/**
 * {@link appendAudit} for several groups at once, in order (the units of one shared transaction, src/db/units.ts):
 * one head lock, one insert and one head move for all of them. `lockedHead`: the head as the caller already read and
 * locked it in this transaction with {@link LOCK_HEAD_SQL} (PostgreSQL), saving the round trip.
 */
export async function appendAuditGroups(
  trx: Kysely<Database>,
  groups: readonly AuditGroup[],
  db: Pick<Db, 'sqlite'>,
  lockedHead?: AuditHead,
): Promise<AuditHead> {
  if (db.sqlite) return appendOnSqlite(trx, db.sqlite, groups);
  const current = lockedHead ?? ((await runText(trx, LOCK_HEAD_SQL, [])).rows[0] as AuditHead | undefined);
  if (!current) throw new Error('audit_head row missing: run migrations');
  const { rows, head } = chainRows(current, groups);
  if (rows.length === 0) return { seq: Number(current.seq), hash: current.hash };

  // The head row stays locked from the SELECT … FOR UPDATE until commit, so every round trip in between serialises
  // all writers: the (last) insert and the head's move go as one statement. Only an operation with more entries than
  // STATEMENT_ROWS (a large import) sends more than one.
  let from = 0;
  for (; rows.length - from > STATEMENT_ROWS; from += STATEMENT_ROWS) {
    await runText(trx, INSERT_ROWS, [JSON.stringify(rows.slice(from, from + STATEMENT_ROWS))]);
  }
  await runText(trx, INSERT_MOVING_HEAD, [JSON.stringify(rows.slice(from)), head.seq, head.hash]);
  return head;
}

/** What a process last saw of the chain and of access: the condition of {@link appendAuditGroupsIfCurrent}. */
export interface ChainExpectation {
  head: AuditHead;
  /** The access epoch the groups' units were checked against. */
  epoch: number;
}

/** A conditional append on its way: the head it makes if it commits, known as soon as it is sent. */
export interface ConditionalAppend {
  head: AuditHead;
  /** Whether it committed (false: its condition failed, and it wrote nothing). */
  committed: Promise<boolean>;
}

/**
 * PostgreSQL: appends the groups in ONE autocommitted statement, on condition that the chain's head and the access
 * epoch are still what the caller expects. The statement moves the head only if both are as expected (the UPDATE
 * takes the head's lock, and if another transaction held it, checks the condition again on the head as that one
 * left it), and inserts the entries only if it moved; if either had moved (another process or a writing unit
 * appended, access changed) it writes nothing and answers false, and the caller takes the locking path. Either
 * all of it commits or none. Null, with nothing sent, when there is nothing to append.
 *
 * Why: a group commit otherwise takes three round trips (BEGIN with the lock, the insert, COMMIT), each of which
 * wakes a PostgreSQL backend; with one process writing, the head it wrote last is almost always the head.
 *
 * The head it would make is answered at once, so the caller may send the next group, on condition of that head,
 * while this one commits: sent on the same pipelined connection (src/db/connect.ts, Db.pgChain), it starts as soon
 * as this one's commit is on disk, with a snapshot that sees it. The access epoch is read in that snapshot, taken
 * after the units' reads had answered: a change it does not see came after them.
 */
export function appendAuditGroupsIfCurrent(
  db: Kysely<Database>,
  groups: readonly AuditGroup[],
  expected: ChainExpectation,
): ConditionalAppend | null {
  const { rows, head } = chainRows(expected.head, groups);
  if (rows.length === 0) return null;
  const values = [JSON.stringify(rows), head.seq, head.hash, expected.head.seq, expected.head.hash, expected.epoch];
  const moved = runText(db, INSERT_IF_CURRENT, values);
  return { head, committed: moved.then((r) => r.affected > 0) };
}

/** Collects the entries of one operation; the pipeline flushes them in the operation's transaction. */
export class AuditBuffer {
  readonly entries: AuditEntry[] = [];
  /** Adds one entry. */
  add(entry: AuditEntry): void {
    this.entries.push(entry);
  }
  /** Entries that must survive even when the operation is rolled back (denials). */
  denials(): AuditEntry[] {
    return this.entries.filter((e) => e.decision === 'deny');
  }
}
