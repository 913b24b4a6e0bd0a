import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Db } from './connect';
import type { Database } from './schema';

/**
 * One request's unit of work. `work` does the operation and appends its audit entries; when it throws, everything
 * it wrote is rolled back and `afterRollback` records what must survive the failure (denials) — in the same
 * transaction, so nothing leaves without its record.
 */
export interface Unit<T> {
  work: (trx: Kysely<Database>) => Promise<T>;
  afterRollback: (trx: Kysely<Database>) => Promise<void>;
}

/** Runs units of work, each atomic on its own, and settles each only once its changes are committed. */
export interface UnitRunner {
  run<T>(unit: Unit<T>): Promise<T>;
}

interface Queued {
  unit: Unit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Told the size of each group-commit transaction (the /metrics histogram). */
export interface BatchObserver {
  batch(units: number): void;
}

/**
 * Group commit for SQLite. SQLite has one connection and one writer, so requests queue for it anyway; here the
 * requests that queued while one transaction was running share the next one. Each runs inside its own SAVEPOINT —
 * a failure rolls back exactly that request's writes, then its denials are recorded — and every request's answer
 * waits for the shared COMMIT. What is saved is the per-request BEGIN/COMMIT and its write of the WAL, the largest
 * single cost of an audited read (bench/http.ts). An idle server starts a transaction in the same turn of the event
 * loop: nobody waits for company.
 */
export class GroupCommit implements UnitRunner {
  private readonly queue: Queued[] = [];
  private scheduled = false;

  private readonly savepoint: Record<'begin' | 'release' | 'rollback', SQLite.Statement>;

  constructor(
    private readonly db: Kysely<Database>,
    sqlite: SQLite.Database,
    private readonly observer?: BatchObserver,
    private readonly maxUnits = 64,
  ) {
    // Run on the connection the shared transaction holds, as prepared statements: through the query builder the
    // three statements cost as much as a small query each (src/db/connect.ts, Db.sqlite).
    this.savepoint = { begin: sqlite.prepare('savepoint unit'), release: sqlite.prepare('release unit'), rollback: sqlite.prepare('rollback to unit') };
  }

  run<T>(unit: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) this.schedule();
    });
  }

  /**
   * Runs the next batch in the event loop's check phase, after every request that arrived in this poll has been
   * parsed and queued (a unit runs entirely in microtasks: starting at once would always make a batch of one), and,
   * between batches, after the answers of the last one have gone out and new requests have come in — so clients
   * and server overlap instead of taking turns.
   */
  private schedule() {
    this.scheduled = true;
    setImmediate(() => void this.runBatch());
  }

  private async runBatch() {
    const batch = this.queue.splice(0, this.maxUnits);
    this.observer?.batch(batch.length);
    const outcomes: Outcome[] = [];
    let failure: { error: unknown } | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { unit } of batch) outcomes.push(await this.runInSavepoint(trx, unit));
      });
    } catch (error) {
      failure = { error }; // the shared transaction itself failed (disk full, I/O error): nothing of it was committed
    }
    batch.forEach((q, i) => {
      const o: Outcome = failure ? { ok: false, error: failure.error } : outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
    if (this.queue.length > 0) this.schedule();
    else this.scheduled = false;
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
      await unit.afterRollback(trx);
      return { ok: false, error };
    }
  }
}

/**
 * PostgreSQL: a transaction per unit (the pool runs them side by side), and the denials of a failed unit in a
 * transaction of their own after the rollback.
 */
export class TransactionPerUnit implements UnitRunner {
  constructor(private readonly db: Kysely<Database>) {}

  async run<T>(unit: Unit<T>): Promise<T> {
    try {
      return await this.db.transaction().execute((trx) => unit.work(trx));
    } catch (error) {
      await this.db.transaction().execute((trx) => unit.afterRollback(trx));
      throw error;
    }
  }
}

/** The unit runner for a database: group commit on SQLite, a transaction per unit on PostgreSQL. */
export function unitRunnerFor(db: Db, observer?: BatchObserver): UnitRunner {
  return db.sqlite ? new GroupCommit(db.kysely, db.sqlite, observer) : new TransactionPerUnit(db.kysely);
}
