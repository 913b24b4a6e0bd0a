import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AuditGroup, AuditHead, ChainExpectation, ConditionalAppend } from '../audit/append';
import { Batcher } from './batcher';
import type { Db } from './connect';
import { PgUnits } from './pg-units';
import type { Database } from './schema';

/**
 * One request's unit of work. `work` does the operation; when it throws, everything it wrote is rolled back.
 * `record` names what must be recorded once the work has settled — all its audit entries when it succeeded, its
 * denials after its rollback — and the runner commits them before the unit settles: with the unit's writes, in the
 * same transaction, so nothing leaves without its record (1.1).
 *
 * `epoch`, when set, is the access epoch at which the facts about the unit's actor were loaded, when the unit used
 * them without reading the epoch in its own transaction (the caller cache on PostgreSQL, see src/db/pg-units.ts):
 * the runner then checks it after the work, and runs the unit again when access changed in between. `work` and
 * `record` must allow that: a new run starts from nothing.
 */
export interface Unit<T> {
  work: (trx: Kysely<Database>) => Promise<T>;
  record: (succeeded: boolean) => AuditGroup | null;
  epoch?: () => number | undefined;
}

/** Runs units of work, each atomic on its own, and settles each only once its changes are committed. */
export interface UnitRunner {
  run<T>(unit: Unit<T>): Promise<T>;
  /**
   * True when the runner checks a unit's {@link Unit.epoch} after its work, so the caller cache may be used
   * without reading the epoch first (PostgreSQL). False when each unit must read the epoch itself (SQLite, where
   * that read is a prepared statement costing microseconds and exact: the batch holds the only write lock).
   */
  readonly checksEpochAfter: boolean;
}

/**
 * Appends the audit groups of one transaction's units to the chain, in order (src/audit/record.ts); `lockedHead` when
 * the transaction already read and locked the chain's head.
 */
export type AppendAudit = (trx: Kysely<Database>, groups: readonly AuditGroup[], lockedHead?: AuditHead) => Promise<AuditHead | null>;

/**
 * PostgreSQL: sends groups as one autocommitted statement that appends only if the chain's head and the access
 * epoch are as expected; null when there was nothing to send (src/audit/record.ts, recordAuditGroupsIfCurrent).
 */
export type AppendIfCurrent = (groups: readonly AuditGroup[], expected: ChainExpectation) => ConditionalAppend | null;

/** How a unit's work ended: its value, or what it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Told the size of each group-commit transaction (the /metrics histogram). */
export interface BatchObserver {
  batch(units: number): void;
  /**
   * PostgreSQL: how a group of read records was committed: in one statement, by the locking path after its one
   * statement found the chain moved (another process or a writing unit appended, access changed), or by the locking
   * path without trying one (the chain's head not yet known, a checkpoint due, or after a recent failure).
   */
  groupCommitted?(path: GroupCommitPath): void;
}

/** See {@link BatchObserver.groupCommitted}. */
export type GroupCommitPath = 'statement' | 'moved' | 'locking';

interface Queued {
  unit: Unit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one connection and one writer, so requests queue for it anyway; here the
 * requests that queued while one transaction was running share the next one. Each runs inside its own SAVEPOINT —
 * a failure rolls back exactly that request's writes — and the audit entries of all of them (the denials of the
 * failed ones) are appended together at the end, with one read and one move of the chain's head; every answer
 * waits for the shared COMMIT. What is saved is the per-request BEGIN/COMMIT and its write of the WAL, the largest
 * single cost of an audited read (bench/http.ts). Units sharing a transaction see each other's writes (they ran one
 * after the other); a unit must not run a transaction of its own.
 */
export class GroupCommit implements UnitRunner {
  readonly checksEpochAfter = false;
  private readonly batcher: Batcher<Queued>;
  private readonly savepoint: Record<'begin' | 'release' | 'rollback', SQLite.Statement>;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database,
    private readonly append: AppendAudit,
    observer?: BatchObserver,
  ) {
    // Run on the connection the shared transaction holds, as prepared statements: through the query builder the
    // three statements cost as much as a small query each (src/db/connect.ts, Db.sqlite).
    this.savepoint = { begin: sqlite.prepare('savepoint unit'), release: sqlite.prepare('release unit'), rollback: sqlite.prepare('rollback to unit') };
    this.batcher = new Batcher((batch) => this.runBatch(batch), { observer });
  }

  run<T>(unit: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.batcher.add({ unit, resolve: resolve as (v: unknown) => void, reject }));
  }

  private async runBatch(batch: Queued[]) {
    const outcomes: Outcome[] = [];
    let failure: { error: unknown } | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { unit } of batch) outcomes.push(await this.runInSavepoint(trx, unit));
        await this.append(trx, auditGroups(batch.map((q) => q.unit), outcomes));
      });
    } catch (error) {
      failure = { error }; // the shared transaction itself failed (disk full, I/O error): nothing of it was committed
    }
    batch.forEach((q, i) => {
      const o: Outcome = failure ? { ok: false, error: failure.error } : outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }

  private async runInSavepoint(trx: Kysely<Database>, unit: Unit<unknown>): Promise<Outcome> {
    this.savepoint.begin.run();
    try {
      const value = await unit.work(trx);
      this.savepoint.release.run();
      return { ok: true, value };
    } catch (error) {
      this.savepoint.rollback.run();
      this.savepoint.release.run();
      return { ok: false, error };
    }
  }
}

/** What each unit must record, in the units' order (none for a unit nobody was identified for). */
export function auditGroups(units: readonly Unit<unknown>[], outcomes: readonly { ok: boolean }[]): AuditGroup[] {
  return units.map((u, i) => u.record(outcomes[i].ok)).filter((g): g is AuditGroup => g !== null && g.entries.length > 0);
}

/** The unit runner for a database: group commit on SQLite; on PostgreSQL, units side by side with their records committed in groups. */
export function unitRunnerFor(
  db: Db,
  append: AppendAudit,
  options: { observer?: BatchObserver; onEpoch?: (epoch: number) => void; appendIfCurrent?: AppendIfCurrent } = {},
): UnitRunner {
  if (db.sqlite) return new GroupCommit(db.kysely, db.sqlite, append, options.observer);
  return new PgUnits(db.pgPool!, append, { ...options, reads: db.pgReads });
}
