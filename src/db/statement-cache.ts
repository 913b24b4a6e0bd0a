import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;
const caches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/**
 * The prepared statement for `sql` on connection `db`, prepared once and reused: one cache per connection, shared
 * by Kysely (through {@link withStatementCache}) and by hot paths that run statements on the connection a
 * transaction holds (src/db/prepared.ts `heldConnection`). Kysely compiles the same SQL text for the same query
 * shape, with values as bound parameters, so the cache stays small; it is bounded anyway (least recently used
 * out). A statement still being iterated (a streamed query) is never handed out twice: a busy one is replaced.
 */
export function statementOn(db: SQLite.Database, sql: string): SQLite.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (stmt && !stmt.busy) {
    cache.delete(sql); // re-insert below: most recently used last
  } else {
    stmt = db.prepare(sql);
  }
  cache.set(sql, stmt);
  if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
  return stmt;
}

/**
 * Wraps a better-sqlite3 connection for Kysely so each distinct SQL text is prepared once and reused
 * ({@link statementOn}). Kysely's SQLite driver calls `prepare()` for every query; for the pipeline's ~10
 * statements per request that was ~10 % of the server's CPU (bench/http.ts, --cpu-prof).
 */
export function withStatementCache(db: SQLite.Database): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare: (sql: string) => statementOn(db, sql),
  };
}
