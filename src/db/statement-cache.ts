import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;
/** Per connection: statements answering rows as objects (shared with Kysely), and those answering arrays. */
const objectCaches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();
const rawCaches = new WeakMap<SQLite.Database, Map<string, RawStatement>>();

/**
 * The prepared statement for `sql` on connection `db`, prepared once and reused: one cache per connection, shared
 * by Kysely (through {@link withStatementCache}) and by hot paths that run statements on the connection a
 * transaction holds (src/db/prepared.ts `heldConnection`). Kysely compiles the same SQL text for the same query
 * shape, with values as bound parameters, so the cache stays small; it is bounded anyway (least recently used
 * out). A statement still being iterated (a streamed query) is never handed out twice: a busy one is replaced.
 */
export function statementOn(db: SQLite.Database, sql: string): SQLite.Statement {
  return cached(objectCaches, db, sql, (stmt) => stmt, (stmt) => stmt);
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
  return cached(rawCaches, db, sql, (r) => r.statement, (statement) => {
    const columns = statement.raw(true).columns().map((c) => c.name);
    // Assigning it would set the object's prototype, not a property: no query of ours names a column so.
    if (columns.includes('__proto__')) throw new Error('rawStatementOn: a column named __proto__');
    return { statement, columns };
  });
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

/** The entry for `sql` in `db`'s cache of `caches`, made from a newly prepared statement when absent or busy. */
function cached<V>(
  caches: WeakMap<SQLite.Database, Map<string, V>>, db: SQLite.Database, sql: string,
  statementOf: (entry: V) => SQLite.Statement, make: (statement: SQLite.Statement) => V,
): V {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let entry = cache.get(sql);
  if (entry && !statementOf(entry).busy) {
    cache.delete(sql); // re-insert below: most recently used last
  } else {
    entry = make(db.prepare(sql));
  }
  cache.set(sql, entry);
  if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
  return entry;
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
