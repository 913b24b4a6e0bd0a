import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { LOCK_HEAD_SQL, type AuditGroup, type AuditHead } from '../audit/append';
import { Batcher } from './batcher';
import type { Database } from './schema';
import { auditGroups, type AppendAudit, type BatchObserver, type Outcome, type Unit, type UnitRunner } from './units';

/**
 * A statement that changes nothing and takes no lock that must last: a SELECT without a row lock or a function
 * that locks, sets or counts something (everything else begins the unit's transaction first).
 */
const READ = /^\s*\(?\s*select\b/i;
const LASTING = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|\b(pg_advisory\w*|nextval|setval|set_config|txid_current|pg_current_xact_id)\s*\(/i;
const isRead = (text: string) => READ.test(text) && !LASTING.test(text);

const EPOCH_SQL = 'select n from access_epoch where id = 1';

/**
 * A pooled connection lent to one unit at a time, through a Kysely instance of its own, that opens a transaction
 * only when the unit first runs a statement that may change something (anything but a plain SELECT). Under READ
 * COMMITTED every statement reads its own snapshot whether in a transaction or not, so a unit that only reads
 * loses nothing by running without one, and saves the BEGIN and COMMIT round trips.
 */
class LentConnection {
  readonly kysely: Kysely<Database>;
  inTransaction = false;
  /** The access epoch read with the unit's BEGIN. */
  epochAtBegin = -1;

  constructor(private readonly client: pg.PoolClient) {
    const lent = { query: (text: string, values: unknown[]) => this.query(text, values), release: () => {} };
    this.kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => lent } as never }) });
  }

  private async query(text: string, values: unknown[]) {
    if (!this.inTransaction && !isRead(text)) await this.begin();
    return this.client.query(text, values);
  }

  /**
   * BEGIN, with the access epoch as it stands before the unit's own writes (which may move it: a sign-out, a
   * revoked grant) read in the same round trip.
   */
  private async begin(): Promise<void> {
    this.inTransaction = true;
    const [, epoch] = (await this.client.query(`begin; ${EPOCH_SQL}`)) as unknown as pg.QueryResult[];
    this.epochAtBegin = Number(epoch.rows[0].n);
  }

  /**
   * BEGIN, the access epoch's read and the chain head's read and lock in one round trip (the simple protocol, one
   * result per statement).
   */
  async beginLockingHead(): Promise<{ epoch: number; head: AuditHead }> {
    this.inTransaction = true;
    const [, epoch, head] = (await this.client.query(`begin; ${EPOCH_SQL}; ${LOCK_HEAD_SQL}`)) as unknown as pg.QueryResult[];
    return { epoch: Number(epoch.rows[0].n), head: { seq: Number(head.rows[0].seq), hash: String(head.rows[0].hash) } };
  }

  async commit(): Promise<void> {
    this.inTransaction = false;
    const done = await this.client.query('commit');
    // PostgreSQL completes COMMIT as ROLLBACK when an earlier statement error left the transaction aborted.
    if (done.command === 'ROLLBACK') throw new Error('the transaction was aborted by an earlier error and rolled back');
  }

  async rollback(): Promise<void> {
    this.inTransaction = false;
    await this.client.query('rollback');
  }
}

const lentConnections = new WeakMap<pg.PoolClient, LentConnection>();

/**
 * Borrows a connection from the pool for `use`; a connection left in doubt (a failed ROLLBACK, a transaction left
 * open) is closed instead of going back to the pool.
 */
async function withConnection<T>(pool: pg.Pool, use: (conn: LentConnection) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let conn = lentConnections.get(client);
  if (!conn) {
    conn = new LentConnection(client);
    lentConnections.set(client, conn);
  }
  let doubt: Error | undefined;
  try {
    return await use(conn);
  } finally {
    if (conn.inTransaction) {
      await conn.rollback().catch((error: Error) => {
        doubt = error;
      });
    }
    client.release(doubt);
  }
}

/** A unit's record waiting for the next group commit, with the access epoch its facts were loaded at. */
interface Pending {
  group: AuditGroup | null;
  epoch: number | undefined;
  resolve: (verdict: 'committed' | 'stale') => void;
  reject: (error: unknown) => void;
}

const STALE = Symbol('access changed');

/** After this many runs that each found access changed under them, a unit gives up (answered 503 Retry-After). */
const MAX_RUNS = 8;

/**
 * Units of work on PostgreSQL, which — unlike SQLite — runs many side by side: each unit runs on a connection of
 * its own, and only its record needs to join the one audit chain. So:
 *
 * - A unit that writes runs in its own transaction (begun at its first write, see {@link LentConnection}), and
 *   appends its audit entries in it before COMMIT, as ever: its writes and their record commit together.
 * - A unit that only read (or failed, its writes rolled back) has nothing to commit with its record but the record
 *   itself. Those records are committed in groups: one transaction, one lock of the chain's head, one insert and
 *   one flush of the log for all the units that finished meanwhile, and each unit answers only once its group has
 *   committed (1.1: nothing leaves without its record). One chain, whatever the number of processes: the head is
 *   locked by each group as by each writing unit.
 * - The access epoch is checked after the work instead of read before it: a unit may use the caller cache's facts
 *   about its actor without a round trip (Unit.epoch), and the group's transaction (or the writing unit's) reads
 *   the epoch. If access changed since those facts were loaded, the unit's answer is dropped unsent and it runs
 *   again with fresh facts: what it read was read after a change that it did not see. Checked after the read, this
 *   is stricter than reading the epoch first.
 */
export class PgUnits implements UnitRunner {
  readonly checksEpochAfter = true;
  private readonly records: Batcher<Pending>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly append: AppendAudit,
    observer?: BatchObserver,
    /** Told each access epoch the runner reads (the caller cache then hands out only facts loaded at it). */
    private readonly onEpoch: (epoch: number) => void = () => {},
  ) {
    this.records = new Batcher((batch) => this.commitRecords(batch), { observer });
  }

  async run<T>(unit: Unit<T>): Promise<T> {
    for (let run = 1; ; run++) {
      const outcome = await this.runOnce(unit);
      if (outcome !== STALE) {
        if (outcome.ok) return outcome.value as T;
        throw outcome.error;
      }
      if (run >= MAX_RUNS) throw accessChurning();
    }
  }

  private async runOnce(unit: Unit<unknown>): Promise<Outcome | typeof STALE> {
    let outcome: Outcome | undefined;
    const committed = await withConnection(this.pool, async (conn) => {
      try {
        outcome = { ok: true, value: await unit.work(conn.kysely) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (!conn.inTransaction) return false;
      if (!outcome.ok) {
        await conn.rollback();
        return false;
      }
      const assumed = unit.epoch?.();
      if (assumed !== undefined && conn.epochAtBegin !== assumed) {
        this.onEpoch(conn.epochAtBegin);
        return STALE; // rolled back as the connection goes back to the pool
      }
      await this.append(conn.kysely, auditGroups([unit], [outcome]));
      await conn.commit();
      return true;
    });
    if (committed === STALE) return STALE;
    if (committed) return outcome!;
    // Read only, or rolled back: the record goes with the next group.
    const group = unit.record(outcome!.ok);
    const epoch = unit.epoch?.();
    if ((!group || group.entries.length === 0) && epoch === undefined) return outcome!;
    const verdict = await new Promise<'committed' | 'stale'>((resolve, reject) => this.records.add({ group, epoch, resolve, reject }));
    return verdict === 'stale' ? STALE : outcome!;
  }

  private async commitRecords(batch: Pending[]): Promise<void> {
    try {
      const verdicts = await withConnection(this.pool, async (conn) => {
        const { epoch, head } = await conn.beginLockingHead();
        this.onEpoch(epoch);
        const verdicts = batch.map((p) => (p.epoch === undefined || p.epoch === epoch ? 'committed' : 'stale') as 'committed' | 'stale');
        const groups = batch.filter((p, i) => verdicts[i] === 'committed' && p.group && p.group.entries.length > 0).map((p) => p.group!);
        if (groups.length > 0) await this.append(conn.kysely, groups, head);
        await conn.commit();
        return verdicts;
      });
      batch.forEach((p, i) => p.resolve(verdicts[i]));
    } catch (error) {
      for (const p of batch) p.reject(error); // nothing of the group was committed: no unit of it answers as if recorded
    }
  }
}

/** Access kept changing under a unit: answered 503 with Retry-After, as a serialization failure (src/db/busy.ts). */
function accessChurning(): Error {
  return Object.assign(new Error('access kept changing while the request ran'), { code: '40001' });
}
