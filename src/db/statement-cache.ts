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
  return cached(db, sql, sql, false);
}

/** A statement that answers rows as arrays of column values, with its column names; see {@link rowsOf}. */
export interface RawStatement {
  statement: SQLite.Statement;
  columns: readonly string[];
}

/**
 * {@link statementOn} for a statement whose rows are read as arrays of values and made into objects by
 * {@link rowsOf}: better-sqlite3 builds a row object through the engine's slow path, property by property (~4.5 µs
 * for a person's row against ~3 µs as an array and ~0.3 µs to make the object in JavaScript). Cached apart from the
 * object-answering statement of the same text, which Kysely may share.
 */
export function rawStatementOn(db: SQLite.Database, sql: string): RawStatement {
  const statement = cached(db, `raw:${sql}`, sql, true);
  let columns = columnNames.get(statement);
  if (!columns) {
    columns = statement.columns().map((c) => c.name);
    // Assigning it would set the object's prototype, not a property: no query of ours names a column so.
    if (columns.includes('__proto__')) throw new Error('rawStatementOn: a column named __proto__');
    columnNames.set(statement, columns);
  }
  return { statement, columns };
}

/**
 * The rows of a {@link RawStatement} as objects keyed by column name, as better-sqlite3 would answer them (a later
 * column of the same name wins, in the first one's place).
 */
export function rowsOf<R>({ statement, columns }: RawStatement, values: readonly unknown[]): R[] {
  const rows = statement.all(...values) as unknown[][];
  const out = new Array<R>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const o: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) o[columns[c]] = row[c];
    out[i] = o as R;
  }
  return out;
}

const columnNames = new WeakMap<SQLite.Statement, string[]>();

function cached(db: SQLite.Database, key: string, sql: string, raw: boolean): SQLite.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(key);
  if (stmt && !stmt.busy) {
    cache.delete(key); // re-insert below: most recently used last
  } else {
    stmt = db.prepare(sql);
    if (raw) stmt.raw(true);
  }
  cache.set(key, stmt);
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
