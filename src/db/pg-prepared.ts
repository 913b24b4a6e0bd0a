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
 *
 * It also sends one statement at a time, in the order they were asked for: a unit holds one connection, and may
 * ask for several reads at once. A client in pg's pipeline mode (src/db/pg-pipeline.ts) sends them without waiting.
 */
export class PreparingClient extends pg.Client {
  private readonly names = new Map<string, string>();
  private counter = 0;
  /** Promise-style queries sent or waiting on this connection, and the settling of the last of them. */
  private inFlight = 0;
  private last: Promise<unknown> = Promise.resolve();

  // pg's query() has many overloads; only the promise-style ones are queued and prepared, the rest pass through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (callback || typeof values === 'function' || typeof config?.submit === 'function') return super.query(config, values, callback);
    if (this.pipeline) return this.send(config, values); // pipeline mode: pg puts them all on the wire itself
    // One statement at a time on a connection, in the order asked: pg would queue a second one itself but warns that
    // pg 9 will refuse it, and units that ask for several reads at once (Promise.all) share one connection.
    const send = () => this.send(config, values);
    const result = this.inFlight === 0 ? send() : this.last.then(send, send);
    this.inFlight++;
    this.last = result.then(
      () => this.inFlight--,
      () => this.inFlight--,
    );
    return result;
  }

  private send(config: unknown, values: unknown): Promise<pg.QueryResult> {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0) return super.query(config as never, values as never);
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
