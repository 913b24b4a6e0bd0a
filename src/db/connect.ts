import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { registerNameKey } from '../lib/name-key';
import { createPrivateFile, ensurePrivateDir, tightenFile } from '../lib/private-files';
import type { Database } from './schema';
import { PipelinedConnection, PipelinedReads } from './pg-pipeline';
import { PreparingClient } from './pg-prepared';
import { ImmediateSqliteDialect } from './sqlite-dialect';
import { startWalCheckpointer } from './wal-checkpointer';
import { withStatementCache } from './statement-cache';

/** Which SQL engine a database handle talks to. */
export type DialectName = 'sqlite' | 'postgres';

/** A connected database: the Kysely handle plus what callers need to know about it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /**
   * SQLite only: the better-sqlite3 connection under Kysely, for hot paths that run their own prepared statements
   * inside a transaction Kysely has begun. Kysely's SQLite driver has this one connection and lends it to one
   * transaction at a time, so inside `kysely.transaction()` it is the transaction's own. Never use it elsewhere.
   */
  sqlite?: SQLite.Database;
  /** PostgreSQL only: the connection pool under Kysely, from which the unit runner lends connections (src/db/pg-units.ts). */
  pgPool?: pg.Pool;
  /** PostgreSQL only: the shared pipelined connections (up to 4) for plain reads outside any transaction (src/db/pg-pipeline.ts). */
  pgReads?: PipelinedReads;
  /**
   * PostgreSQL only: a handle over one pipelined connection of its own for the group commits' conditional appends
   * (src/audit/append.ts, appendAuditGroupsIfCurrent). PostgreSQL runs its statements in the order sent, so a group
   * sent while the one before it commits starts as soon as that commit is on disk, on condition of its head.
   */
  pgChain?: Kysely<Database>;
  /** How long a statement waits for a lock (PostgreSQL lock_timeout, SQLite busy_timeout), in milliseconds. */
  lockTimeoutMs?: number;
  /** Human-readable location without credentials, for `doctor` and logs. */
  location: string;
  close(): Promise<void>;
}

/** Options for {@link connect}. */
export interface ConnectOptions {
  /** `postgres://…` for PostgreSQL; empty for embedded SQLite under dataDir. */
  databaseUrl: string;
  dataDir: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  pgSchema?: string;
  /** SQLite file path override (tests, benchmarks). */
  sqliteFile?: string;
  poolSize?: number;
  /**
   * How long a statement waits for a lock before failing (SQLite busy_timeout, PostgreSQL lock_timeout; default
   * 5000 ms). The failure is answered 503 with Retry-After (src/http/errors.ts), never 500.
   */
  lockTimeoutMs?: number;
  /**
   * SQLite: copy the write-ahead log back into the database on a thread of its own (src/db/wal-checkpointer.ts)
   * rather than in the commits of this connection's thread. For the server, whose thread answers requests; a
   * command that writes and exits has no use for it. `onFailure` hears of a copy that failed other than for a lock.
   */
  walCheckpointer?: { onFailure?: (code: string) => void };
}

// PostgreSQL returns int8/numeric as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * The settings of every SQLite connection, exported so benchmarks measuring a raw better-sqlite3 peer use exactly
 * these. WAL with synchronous = NORMAL: a commit is atomic and survives a crash of the process (an operation and its
 * audit entries commit or vanish together); only a power loss can take the last transactions back.
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  'journal_mode = WAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
  'synchronous = NORMAL',
  // Reads through a memory map instead of a 2 MB page cache of read() copies: lists over 1M people ran ~2× faster.
  'mmap_size = 1073741824',
  // The writer copies the WAL back into the database (with two fsyncs) once it holds this many pages, instead of the
  // default 1,000 (4 MB). Pages rewritten in between are copied once, so a busy audit chain, whose appends rewrite
  // the same index pages, checkpoints a fraction of the data: audit appends ran ~+35 % (bench/audit.ts, raw peer).
  // The cost is a WAL of up to ~40 MB and a longer pause for the one commit that runs each checkpoint.
  'wal_autocheckpoint = 10000',
];

/** Runs one statement, answering as `pg.Client#query` does. */
export type RawQuery = (text: string, values: unknown[]) => Promise<pg.QueryResult>;

/** The statement runner under each handle made by {@link kyselyOver}. */
const rawQueries = new WeakMap<Kysely<Database>, RawQuery>();

/**
 * PostgreSQL: a Kysely handle that sends every statement to `query` (answering as `pg.Client#query` does) instead of
 * taking a connection from a pool; `end` runs when the handle is destroyed.
 */
export function kyselyOver(query: RawQuery, end?: () => Promise<void>): Kysely<Database> {
  const client = { query, release: () => {} };
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => client, end: end ?? (async () => {}) } as never }) });
  rawQueries.set(kysely, query);
  return kysely;
}

/**
 * The statement runner under a handle made by {@link kyselyOver} (a unit's connection, the audit chain's), else
 * undefined. Fixed SQL that is already compiled (src/db/prepared.ts, the audit append) goes to it directly: through
 * Kysely, each statement took a connection from its driver, copied its values and awaited four more promises
 * (~4 % of the PostgreSQL audited read's CPU, bench/http.ts profiled), for the same statement on the same connection.
 */
export const rawQueryOf = (db: Kysely<Database>): RawQuery | undefined => rawQueries.get(db);

/**
 * Opens the database named by the settings: SQLite (WAL, foreign keys, busy timeout) by default, PostgreSQL when
 * `databaseUrl` is a postgres:// URL.
 */
export function connect(options: ConnectOptions): Db {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    const clientConfig = {
      connectionString: options.databaseUrl,
      options: options.pgSchema ? `-c search_path=${options.pgSchema}` : undefined,
    };
    const pool = new pg.Pool({
      ...clientConfig,
      Client: PreparingClient, // each statement planned once per connection (src/db/pg-prepared.ts)
      max: options.poolSize ?? 10,
    });
    // Every connection waits at most this long for a lock; set on connect, so options given in the URL still apply.
    const lockTimeout = Math.round(options.lockTimeoutMs ?? 5000);
    const setLockTimeout = (client: pg.Client) => client.query(`set lock_timeout = ${lockTimeout}`);
    pool.on('connect', (client) => {
      setLockTimeout(client).catch(() => {});
    });
    const reads = new PipelinedReads({ ...clientConfig, setup: setLockTimeout });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const chain = new PipelinedConnection({ ...clientConfig, setup: setLockTimeout }, false);
    const pgChain = kyselyOver((text, values) => chain.query(text, values), () => chain.close());
    return {
      kysely,
      dialect: 'postgres',
      pgPool: pool,
      pgReads: reads,
      pgChain,
      lockTimeoutMs: lockTimeout,
      location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      close: async () => {
        await reads.close();
        await pgChain.destroy();
        await kysely.destroy();
      },
    };
  }
  const file = options.sqliteFile ?? join(options.dataDir, 'confide.db');
  // 3.7 secure conditions: DATA_DIR owner-only (0700) when made here, and the database file created 0600 before
  // SQLite opens it (SQLite would make it 0644); SQLite gives the -wal and -shm files the database file's mode.
  ensurePrivateDir(options.dataDir);
  const onDisk = file !== ':memory:' && file !== '' && !file.startsWith('file:');
  if (onDisk) createPrivateFile(file);
  const sqlite = new SQLite(file);
  for (const p of SQLITE_PRAGMAS) sqlite.pragma(p);
  // A database made before modes were set, or by hand, still gets owner-only -wal and -shm files: they hold its
  // latest changes. Both exist once WAL mode is on; the database file itself is left for the operator (doctor warns).
  if (onDisk) for (const suffix of ['-wal', '-shm']) tightenFile(`${file}${suffix}`);
  if (options.lockTimeoutMs !== undefined) sqlite.pragma(`busy_timeout = ${Math.round(options.lockTimeoutMs)}`);
  registerNameKey(sqlite);
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  const checkpointer = options.walCheckpointer ? startWalCheckpointer(file, options.walCheckpointer) : null;
  const close = async () => {
    // First: the last connection to close removes the log, which must not happen under the thread's open one.
    await checkpointer?.stop();
    await kysely.destroy();
    // Kysely closes the connection only if a query of its own ever opened its driver.
    if (sqlite.open) sqlite.close();
  };
  return { kysely, dialect: 'sqlite', sqlite, location: file, close };
}
