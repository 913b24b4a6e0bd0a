import { sql, type Kysely } from 'kysely';
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
  private draining = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxUnits = 64,
  ) {}

  run<T>(unit: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // Start in the event loop's check phase, after every request that arrived in this poll has been parsed and
        // queued: a unit runs entirely in microtasks, so starting at once would always make a batch of one.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxUnits);
        const outcomes: Outcome[] = [];
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const { unit } of batch) outcomes.push(await runInSavepoint(trx, unit));
          });
        } catch (error) {
          // The shared transaction itself failed (disk full, I/O error): nothing of this batch was committed.
          for (const q of batch) q.reject(error);
          continue;
        }
        batch.forEach((q, i) => {
          const o = outcomes[i];
          if (o.ok) q.resolve(o.value);
          else q.reject(o.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }
}

async function runInSavepoint(trx: Kysely<Database>, unit: Unit<unknown>): Promise<Outcome> {
  await sql`savepoint unit`.execute(trx);
  try {
    const value = await unit.work(trx);
    await sql`release unit`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to unit`.execute(trx);
    await sql`release unit`.execute(trx);
    await unit.afterRollback(trx);
    return { ok: false, error };
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
export function unitRunnerFor(db: Db): UnitRunner {
  return db.dialect === 'sqlite' ? new GroupCommit(db.kysely) : new TransactionPerUnit(db.kysely);
}
