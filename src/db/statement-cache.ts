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

/** A statement that answers rows as arrays of column values, with the function that makes one into an object. */
export interface RawStatement {
  statement: SQLite.Statement;
  columns: readonly string[];
  /** One row's values as an object keyed by column name; see {@link rowsOf}. */
  toObject: (values: readonly unknown[]) => Record<string, unknown>;
}

/**
 * {@link statementOn} for a statement whose rows are read as arrays of values and made into objects by
 * {@link rowsOf}: better-sqlite3 builds a row object through the engine's slow path, property by property (~4.5 µs
 * for a person's row against ~3 µs as an array). Cached apart from the object-answering statement of the same
 * text, which Kysely may share.
 */
export function rawStatementOn(db: SQLite.Database, sql: string): RawStatement {
  return cached(rawCaches, db, sql, (r) => r.statement, (statement) => {
    const columns = statement.raw(true).columns().map((c) => c.name);
    return { statement, columns, toObject: rowMaker(columns) };
  });
}

const rowMakers = new Map<string, RawStatement['toObject']>();
const MAX_ROW_MAKERS = 2_000;

/**
 * A function making one row's values into an object, written as one object literal for `columns`. A row built key
 * by key, through keys that differ from one statement to the next, ended in V8's dictionary mode past a dozen
 * columns: ~1.6 µs to build a person's row instead of ~0.03, and every later read or copy of it slow too. A later
 * column of the same name wins, in the first one's place, as in better-sqlite3's own objects. The names are written
 * as JSON strings, so no column name can be read as code; `__proto__` would set the prototype, and is refused.
 */
function rowMaker(columns: readonly string[]): RawStatement['toObject'] {
  const key = JSON.stringify(columns);
  let make = rowMakers.get(key);
  if (!make) {
    if (columns.includes('__proto__')) throw new Error('rawStatementOn: a column named __proto__');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the text is column names as JSON strings only
    if (rowMakers.size >= MAX_ROW_MAKERS) rowMakers.clear(); // a bound, never reached by the app's fixed queries
    make = new Function('v', `return { ${columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ')} };`) as RawStatement['toObject'];
    rowMakers.set(key, make);
  }
  return make;
}

/** The rows of a {@link RawStatement} as objects keyed by column name, as better-sqlite3 would answer them. */
export function rowsOf<R>({ statement, toObject }: RawStatement, values: readonly unknown[]): R[] {
  const rows = statement.all(...values) as unknown[][];
  const out = new Array<R>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = toObject(rows[i]) as R;
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
