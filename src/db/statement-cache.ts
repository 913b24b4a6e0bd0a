import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Wraps a better-sqlite3 connection for Kysely so each distinct SQL text is prepared once and reused. Kysely's
 * SQLite driver calls `prepare()` for every query; for the pipeline's ~10 statements per request that was ~10 %
 * of the server's CPU (bench/http.ts, --cpu-prof). Kysely compiles the same SQL text for the same query shape,
 * with values as bound parameters, so the cache stays small; it is bounded anyway (least recently used out).
 * A statement still being iterated (a streamed query) is never handed out twice: a busy one is replaced.
 */
export function withStatementCache(db: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt && !stmt.busy) {
        cache.delete(sql); // re-insert below: most recently used last
      } else {
        stmt = db.prepare(sql);
      }
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}
