import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { preparedQuery } from '../db/prepared';
import type { Database } from '../db/schema';
import type { Actor } from '../policy/types';
import type { Authenticated } from './identify';

/** An authenticated caller and the facts every decision about them needs. */
export interface Caller {
  auth: Authenticated;
  actor: Actor;
}

interface Entry {
  caller: Caller;
  epoch: number;
  /** Milliseconds since the epoch after which the entry must be reloaded (expiry, idle refresh, a grant ending). */
  freshUntil: number;
}

const epochQuery = preparedQuery<Record<string, never>, { n: number }>((db) => db.selectFrom('access_epoch').select('n').where('id', '=', 1));

/**
 * Reads the access epoch, which database triggers move on every change to sessions, tokens, accounts, roles,
 * grants and policy acceptance (migration 0007_access_epoch). Read on every authenticated request: inside a
 * transaction on SQLite it runs as a prepared statement on the connection the transaction holds (Db.sqlite).
 */
export async function readAccessEpoch(db: Kysely<Database>, sqlite?: SQLite.Database): Promise<number> {
  const [row] = await epochQuery(db, {}, sqlite);
  return Number(row?.n ?? -1);
}

/**
 * Callers kept in memory between requests, so an authenticated request does not look up its session, account,
 * roles, grants and policy acceptance every time (three queries, about a fifth of an audited read's CPU).
 *
 * An entry is used only while (a) the access epoch read at the start of the request equals the epoch read BEFORE the
 * entry was loaded — so any committed change to who the caller is or what they may see, by any process, makes every
 * entry stale at once; and (b) the time-bound facts it was built from still hold: session or token expiry, the
 * idle timeout, the once-a-minute last-seen refresh, and the earliest end of an access grant. Failed lookups are
 * never kept. Keys are hashes of the presented credential, never the credential itself.
 */
export class CallerCache {
  private readonly entries = new Map<string, Entry>();
  /** The access epoch this process last read (epochs are random values: only equality means anything). */
  private seen: number | undefined;

  constructor(private readonly max = 10_000) {}

  /** The cached caller for `key`, if it is still valid for `epoch` at `nowMs`. */
  get(key: string, epoch: number, nowMs: number): Caller | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.epoch !== epoch || nowMs >= entry.freshUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.caller;
  }

  /**
   * The cached caller for `key` and the epoch it was loaded at, if still fresh at `nowMs`, without knowing the
   * current epoch: for a unit runner that checks that epoch after the work (src/db/pg-units.ts).
   */
  peek(key: string, nowMs: number): { caller: Caller; epoch: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs >= entry.freshUntil || entry.epoch !== this.seen) {
      this.entries.delete(key);
      return undefined;
    }
    return { caller: entry.caller, epoch: entry.epoch };
  }

  /**
   * Notes the access epoch as just read from the database: {@link peek} hands out only entries loaded at the epoch
   * last seen, so a unit run again because access changed under it does not get the same facts back.
   */
  observe(epoch: number): void {
    this.seen = epoch;
  }

  /** Keeps a caller loaded after reading `epoch`, until `freshUntil` at the latest (earliest grant end included). */
  set(key: string, caller: Caller, epoch: number, freshUntil: number): void {
    // Shared by every request of this caller from now on: nothing may change it in place.
    Object.freeze(caller.auth);
    Object.freeze(caller.actor.roles);
    for (const g of caller.actor.grants) Object.freeze(g);
    Object.freeze(caller.actor.grants);
    Object.freeze(caller.actor);
    const grantEnds = caller.actor.grants.map((g) => Date.parse(g.expiresAt));
    this.entries.delete(key);
    this.entries.set(key, { caller, epoch, freshUntil: Math.min(freshUntil, ...grantEnds) });
    this.seen = epoch;
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Number of callers held (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
