import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Compilable, type DialectAdapter, type Kysely } from 'kysely';
import type { Database } from './schema';
import { rawQueryOf } from './connect';
import { rawStatementOn, rowsOf } from './statement-cache';

const MARK = '\u0000confide-param:';

type Slot = { name: string } | { value: unknown };

/**
 * A query written with the query builder, built and compiled once per database and then run with new values.
 * Kysely otherwise rebuilds and recompiles the same shape on every call, which on the hot path of a request cost
 * more than running the statement (~30 µs for the record-with-team-flag lookup, bench/http.ts --cpu-prof).
 *
 * `build(db, param)` writes the query once; `param('name')` stands in for each value. Values are matched back by
 * their stand-ins among the compiled parameters; a stand-in the builder inlined into the SQL text instead is refused.
 * Given the SQLite connection (Db.sqlite), a call inside a transaction runs as a prepared statement on it
 * ({@link heldConnection}).
 */
export function preparedQuery<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, param: <K extends keyof P & string>(name: K) => P[K]) => Compilable<R>,
): (db: Kysely<Database>, params: P, sqlite?: SQLite.Database) => Promise<R[]> {
  const compiled = new WeakMap<DialectAdapter, { sql: string; slots: Slot[] }>();
  const compile = (db: Kysely<Database>) => {
    const query = build(db, (name) => `${MARK}${name}` as never).compile();
    if (query.sql.includes(MARK)) throw new Error('preparedQuery: a parameter was inlined into the SQL text');
    const slots = query.parameters.map((p): Slot => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { value: p }));
    return { sql: query.sql, slots };
  };
  return async (db, params, sqlite) => {
    const adapter = db.getExecutor().adapter; // shared by a database handle and its transactions: one compile per dialect
    let q = compiled.get(adapter);
    if (!q) {
      q = compile(db);
      compiled.set(adapter, q);
    }
    const values = q.slots.map((s) => ('name' in s ? params[s.name] : s.value));
    const held = heldConnection(db, sqlite);
    if (held) return rowsOf<R>(rawStatementOn(held, q.sql), values);
    const raw = rawQueryOf(db);
    if (raw) return (await raw(q.sql, values)).rows as R[];
    const { rows } = await db.executeQuery<R>(CompiledQuery.raw(q.sql, values));
    return rows;
  };
}

/**
 * The SQLite connection under `db` when `db` is a transaction that holds it, else null. Kysely's SQLite driver lends
 * its one connection to one transaction at a time, so inside that transaction statements may run on it directly
 * (prepared once, without the query builder's per-call work); anywhere else they could land in another caller's
 * transaction, which is why this checks both sides.
 */
export function heldConnection(db: Kysely<Database>, sqlite: SQLite.Database | undefined): SQLite.Database | null {
  return sqlite && db.isTransaction && sqlite.inTransaction ? sqlite : null;
}
