import type { Kysely } from 'kysely';
import type pg from 'pg';
import { LOCK_HEAD_SQL, type AuditGroup, type AuditHead, type ChainExpectation } from '../audit/append';
import { Batcher } from './batcher';
import { kyselyOver } from './connect';
import type { PipelinedReads } from './pg-pipeline';
import type { Database } from './schema';
import { auditGroups, type AppendAudit, type AppendIfCurrent, type BatchObserver, type Outcome, type Unit, type UnitRunner } from './units';

/**
 * A statement that changes nothing and takes no lock that must last: a SELECT without a row lock or a function
 * that locks, sets or counts something (everything else begins the unit's transaction first).
 */
const READ = /^\s*\(?\s*select\b/i;
const LASTING = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|\b(pg_advisory\w*|nextval|setval|set_config|txid_current|pg_current_xact_id)\s*\(/i;
const isRead = (text: string) => READ.test(text) && !LASTING.test(text);

const EPOCH_SQL = 'select n from access_epoch where id = 1';

/**
 * A unit's connection to the database: a pooled connection lent to one unit at a time, through a Kysely instance
 * of its own, opening a transaction only when the unit first runs a statement that may change something (anything
 * but a plain SELECT). Under READ COMMITTED every statement reads its own snapshot whether in a transaction or not,
 * so a unit that only reads loses nothing by running without one, and saves the BEGIN and COMMIT round trips; its
 * plain reads before that go to the shared pipelined connections (src/db/pg-pipeline.ts). One per pooled
 * connection, made on its first loan and kept with it (building a Kysely instance per unit was costly).
 */
class UnitConnection {
  readonly kysely: Kysely<Database>;
  inTransaction = false;
  /** The access epoch read with the unit's BEGIN. */
  epochAtBegin = -1;
  /** Set while a unit holds the connection. */
  private lent = false;

  constructor(
    private readonly client: pg.PoolClient,
    /** Where plain reads go while no transaction is open (they need no connection of their own). */
    private readonly reads?: PipelinedReads,
  ) {
    this.kysely = kyselyOver((text, values) => this.query(text, values));
  }

  /** Lends it to one unit until {@link release}. */
  lend(): this {
    this.lent = true;
    return this;
  }

  private async query(text: string, values: unknown[]) {
    if (!this.lent) throw new Error('a unit used its connection after it ended');
    if (!this.inTransaction) {
      if (!isRead(text)) await this.begin();
      else if (this.reads) return this.reads.query(text, values);
    }
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

  /**
   * Ends the unit's loan: rolls back a transaction left open, and gives the pooled connection back — or closes it
   * when it is left in doubt (a failed ROLLBACK), so no other unit inherits it.
   */
  async release(): Promise<void> {
    const open = this.inTransaction;
    this.lent = false;
    this.inTransaction = false;
    this.epochAtBegin = -1;
    let doubt: Error | undefined;
    if (open) {
      await this.client.query('rollback').catch((error: Error) => {
        doubt = error;
      });
    }
    this.client.release(doubt);
  }
}

/**
 * Group commits on their way at once: while one waits for its commit to reach the disk, the next is already at
 * PostgreSQL behind it on the same pipelined connection, so it starts the moment the first ends instead of a round
 * trip and a turn of this process's event loop later (src/audit/append.ts, appendAuditGroupsIfCurrent). Groups of
 * 3 entries one after another took a quarter to a half less time each two at a time than one at a time
 * (bench/audit.ts: 730 → 550 µs, 939 → 473 µs).
 */
const GROUPS_IN_FLIGHT = 2;

/**
 * Fewest records a group is sent with while the one before it is still on its way: a record alone waits for that
 * one to end and goes then, with whatever joined it meanwhile. A group costs PostgreSQL about as much to commit with
 * one record as with three (its flush of the log), and with 10 clients two in five groups were of one or two
 * records; holding single records back gave the audited read ~4–7 % more requests a second for ~5 % less CPU in
 * both processes (bench/http.ts, two servers measured in alternate rounds).
 */
const GROUP_ALONGSIDE_MIN = 2;

/** Most groups committed by the locking path between two tries of one statement whose condition keeps failing. */
const MAX_BACKOFF = 64;

/** Options of {@link PgUnits}. */
export interface PgUnitsOptions {
  /** Told the size of each group commit. */
  observer?: BatchObserver;
  /** Told each access epoch the runner reads (the caller cache then hands out only facts loaded at it). */
  onEpoch?: (epoch: number) => void;
  /** The shared pipelined connections for a unit's plain reads before its first write (src/db/pg-pipeline.ts). */
  reads?: PipelinedReads;
  /** Commits a group in one statement when the chain and access are as this runner last left them. */
  appendIfCurrent?: AppendIfCurrent;
}

/** A unit's record waiting for the next group commit, with the access epoch its facts were loaded at. */
interface Pending {
  group: AuditGroup | null;
  epoch: number | undefined;
  resolve: (verdict: Verdict) => void;
  reject: (error: unknown) => void;
}

const STALE = Symbol('access changed');

/** After this many runs that each found access changed under them, a unit gives up (answered 503 Retry-After). */
const MAX_RUNS = 8;

/**
 * Units of work on PostgreSQL, which — unlike SQLite — runs many side by side: each unit runs on a connection of
 * its own, and only its record needs to join the one audit chain. So:
 *
 * - A unit that writes runs in its own transaction (begun at its first write, see {@link UnitConnection}), and
 *   appends its audit entries in it before COMMIT, as ever: its writes and their record commit together. Its reads
 *   before that write travel on the shared pipelined connections (src/db/pg-pipeline.ts).
 * - A unit that only read (or failed, its writes rolled back) has nothing to commit with its record but the record
 *   itself. Those records are committed in groups: one lock of the chain's head, one insert and one flush of the
 *   log for all the units that finished meanwhile, and each unit answers only once its group has committed (1.1:
 *   nothing leaves without its record). A group is usually one autocommitted statement that appends on condition
 *   that the head and the access epoch are as this runner's last group left them; when they are not (another
 *   process or a writing unit appended, access changed) it writes nothing, and the group takes a transaction that
 *   locks the head first. Up to {@link GROUPS_IN_FLIGHT} such statements are on their way at once, each on
 *   condition of the head the one before it makes; the locking path waits for the groups before it, so groups join
 *   the chain in the order they were formed. One chain, whatever the number of processes: the head is locked by
 *   each group as by each writing unit.
 * - The access epoch is checked after the work instead of read before it: a unit may use the caller cache's facts
 *   about its actor without a round trip (Unit.epoch), and the group's transaction (or the writing unit's) reads
 *   the epoch. If access changed since those facts were loaded, the unit's answer is dropped unsent and it runs
 *   again with fresh facts: what it read was read after a change that it did not see. Checked after the read, this
 *   is stricter than reading the epoch first.
 */
export class PgUnits implements UnitRunner {
  readonly checksEpochAfter = true;
  private readonly records: Batcher<Pending>;
  private readonly onEpoch: (epoch: number) => void;
  private readonly reads?: PipelinedReads;
  private readonly appendIfCurrent?: AppendIfCurrent;
  private readonly observer?: BatchObserver;
  /** The chain's head and the access epoch as this runner last committed a group at: the next group's condition. */
  private expected: ChainExpectation | null = null;
  /**
   * Groups to commit by the locking path before one statement is tried again, after its condition failed: with
   * several processes appending, it would fail most times and cost a round trip each time (doubling up to
   * {@link MAX_BACKOFF} while it keeps failing, back to 1 once it succeeds).
   */
  private skip = 0;
  private backoff = 1;
  /** Settles when the last group formed has committed or failed: a group that takes the locking path waits for it. */
  private lastGroup: Promise<void> = Promise.resolve();
  /** Each pooled connection's {@link UnitConnection}, kept with it for as long as the pool keeps it. */
  private readonly connections = new WeakMap<pg.PoolClient, UnitConnection>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly append: AppendAudit,
    options: PgUnitsOptions = {},
  ) {
    this.records = new Batcher((batch) => this.commitRecords(batch), { observer: options.observer, inFlight: GROUPS_IN_FLIGHT, minItemsAlongside: GROUP_ALONGSIDE_MIN });
    this.onEpoch = options.onEpoch ?? (() => {});
    this.reads = options.reads;
    this.appendIfCurrent = options.appendIfCurrent;
    this.observer = options.observer;
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
    // A unit holds its pooled connection from the start, though its plain reads do not use it: so no more units run
    // at once than the pool lends connections. Taken lazily at the first write instead, a writer waited for one after
    // loading its facts, and under many concurrent writes that moved the access epoch it ran again and again until
    // refused as busy (test/integration/two-servers.test.ts).
    const committed = await this.withConnection(async (conn) => {
      try {
        outcome = { ok: true, value: await unit.work(conn.kysely) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (!conn.inTransaction) return false;
      if (!outcome.ok) return false; // rolled back as the unit's hold ends
      const assumed = unit.epoch?.();
      if (assumed !== undefined && conn.epochAtBegin !== assumed) {
        this.onEpoch(conn.epochAtBegin);
        return STALE; // rolled back as the connection goes back to the pool
      }
      await this.append(conn.kysely, auditGroups([unit], [outcome]));
      await conn.commit();
      this.expected = null; // its writes may have moved the head and the access epoch
      return true;
    });
    if (committed === STALE) return STALE;
    if (committed) return outcome!;
    // Read only, or rolled back: the record goes with the next group.
    const group = unit.record(outcome!.ok);
    const epoch = unit.epoch?.();
    if ((!group || group.entries.length === 0) && epoch === undefined) return outcome!;
    const verdict = await new Promise<Verdict>((resolve, reject) => this.records.add({ group, epoch, resolve, reject }));
    return verdict === 'stale' ? STALE : outcome!;
  }

  private async commitRecords(batch: Pending[]): Promise<void> {
    const before = this.lastGroup;
    const committing = this.commitGroup(batch, before);
    this.lastGroup = committing.then(() => {}, () => {});
    try {
      const verdicts = await committing;
      batch.forEach((p, i) => p.resolve(verdicts[i]));
    } catch (error) {
      for (const p of batch) p.reject(error); // nothing of the group was committed: no unit of it answers as if recorded
    }
  }

  /**
   * Commits a group: in one statement on condition of the head the group before it makes (sent while that one
   * commits, when it went in one statement too), or else by the locking path once the group before has ended, so
   * that groups join the chain in the order they were formed.
   */
  private async commitGroup(batch: Pending[], before: Promise<void>): Promise<Verdict[]> {
    if (!this.expected || this.skip > 0) await before; // the head is not known until the group before has ended
    const { verdicts, tried } = await this.commitIfCurrent(batch);
    if (verdicts) {
      this.observer?.groupCommitted?.('statement');
      return verdicts;
    }
    await before;
    const locked = await this.commitLockingHead(batch);
    this.observer?.groupCommitted?.(tried ? 'moved' : 'locking');
    return locked;
  }

  /**
   * The group in one round trip, when this runner committed the last group and nothing moved since: one statement
   * that checks the head and the access epoch under the head's lock and appends (src/audit/append.ts). No verdicts
   * when that cannot be tried (`tried` false) or found things moved; nothing was written then, and the head is
   * unknown until the locking path has learnt it again.
   */
  private async commitIfCurrent(batch: Pending[]): Promise<{ verdicts: Verdict[] | null; tried: boolean }> {
    const notTried = { verdicts: null, tried: false };
    const expected = this.expected;
    this.expected = null;
    if (!expected || !this.appendIfCurrent) return notTried;
    if (this.skip > 0) {
      this.skip--;
      return notTried;
    }
    const verdicts = verdictsAt(batch, expected.epoch);
    const sent = this.appendIfCurrent(committedGroups(batch, verdicts), expected);
    if (!sent) return notTried;
    // The next group may go on condition of the head this one makes, while this one commits (GROUPS_IN_FLIGHT).
    this.expected = { head: sent.head, epoch: expected.epoch };
    const committed = await sent.committed.catch((error: unknown) => {
      this.expected = null;
      throw error;
    });
    if (!committed) {
      this.expected = null; // and a group sent on condition of this one's head fails in turn
      this.skip = this.backoff;
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF);
      return { verdicts: null, tried: true };
    }
    this.backoff = 1;
    return { verdicts, tried: true };
  }

  /** Runs `use` with a pooled connection lent to it (see {@link UnitConnection}), and gives it back afterwards. */
  private async withConnection<T>(use: (conn: UnitConnection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let conn = this.connections.get(client);
    if (!conn) this.connections.set(client, (conn = new UnitConnection(client, this.reads)));
    try {
      return await use(conn.lend());
    } finally {
      await conn.release();
    }
  }

  /** The group in its own transaction: BEGIN with the epoch read and the head locked, the append, COMMIT. */
  private commitLockingHead(batch: Pending[]): Promise<Verdict[]> {
    return this.withConnection(async (conn) => {
      const { epoch, head } = await conn.beginLockingHead();
      this.onEpoch(epoch);
      const verdicts = verdictsAt(batch, epoch);
      const groups = committedGroups(batch, verdicts);
      const appended = groups.length > 0 ? await this.append(conn.kysely, groups, head) : null;
      await conn.commit();
      this.expected = { head: appended ?? head, epoch };
      return verdicts;
    });
  }
}

type Verdict = 'committed' | 'stale';

/** Which units' records may commit at this access epoch: those whose facts were loaded at it, or need none. */
const verdictsAt = (batch: readonly Pending[], epoch: number): Verdict[] =>
  batch.map((p) => (p.epoch === undefined || p.epoch === epoch ? 'committed' : 'stale'));

/** The records to append: those of committed units that have entries. */
const committedGroups = (batch: readonly Pending[], verdicts: readonly Verdict[]): AuditGroup[] =>
  batch.filter((p, i) => verdicts[i] === 'committed' && p.group && p.group.entries.length > 0).map((p) => p.group!);

/** Access kept changing under a unit: answered 503 with Retry-After, as a serialization failure (src/db/busy.ts). */
function accessChurning(): Error {
  return Object.assign(new Error('access kept changing while the request ran'), { code: '40001' });
}
