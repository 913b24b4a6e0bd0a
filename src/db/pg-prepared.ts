import pg from 'pg';

/** Most statements one connection keeps prepared; past that, further ones are planned each time as before. */
const MAX_PREPARED = 200;

/** PostgreSQL's "cached plan must not change result type": a table a prepared statement reads has changed shape. */
const STALE_PLAN = '0A000';

/**
 * A PostgreSQL client that prepares each parameterised statement once per connection and then only binds and runs
 * it, as SQLite's statement cache does (src/db/statement-cache.ts). Without it every query is parsed and planned
 * again: the record read with its team flag spent ~85 µs of its ~135 µs planning (pgbench, extended vs prepared),
 * more than the read itself.
 *
 * Statements are keyed by their SQL text (values are always parameters, never in the text). When a migration run
 * by another process changes a table under a prepared statement, PostgreSQL refuses the old plan once; outside a
 * transaction the statement is prepared afresh and run again, inside one the error stands (the unit fails and is
 * answered like any database error) and the next use prepares it afresh.
 */
export class PreparingClient extends pg.Client {
  private readonly names = new Map<string, string>();
  private counter = 0;

  // pg's query() has many overloads; only (text, values) with values is changed, everything else passes through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback) return super.query(config, values, callback);
    let name = this.names.get(config);
    if (!name) {
      if (this.names.size >= MAX_PREPARED) return super.query(config, values);
      name = `confide_${++this.counter}`;
      this.names.set(config, name);
    }
    const text = config;
    return (super.query({ name, text, values }) as Promise<pg.QueryResult>).catch((error: { code?: string }) => {
      if (error?.code !== STALE_PLAN) throw error;
      this.names.delete(text);
      return super.query(text, values);
    });
  }
}
