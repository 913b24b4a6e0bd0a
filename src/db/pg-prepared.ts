import pg from 'pg';

/** Most statements one connection keeps prepared; past that, further ones are planned each time as before. */
const MAX_PREPARED = 200;

/** PostgreSQL's "cached plan must not change result type": a table a prepared statement reads has changed shape. */
const STALE_PLAN = '0A000';

/** A field of a row description, as pg's protocol parser gives it. */
interface FieldDescription {
  name: string;
  dataTypeID: number;
  format: string;
}

/** What pg builds from a row description before it reads a row: one parser per field, and the row to fill in. */
interface RowShape {
  fields: readonly FieldDescription[];
  parsers: unknown;
  emptyRow: unknown;
}

/** pg's result under construction (pg/lib/result.js): the fields it reads a row with. */
interface ResultInternals {
  fields: readonly FieldDescription[];
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
}

const sameFields = (a: readonly FieldDescription[], b: readonly FieldDescription[]) =>
  a.length === b.length && a.every((f, i) => f.name === b[i].name && f.dataTypeID === b[i].dataTypeID && f.format === b[i].format);

/**
 * A prepared statement's run, reading its rows with the shape its connection built the last time the statement
 * was described the same way. pg describes the answer on every run and rebuilds a parser per field and an empty row
 * from it (~6 µs for a 22-column row, ~3 % of the audited read's time, bench/http.ts profiled), though a prepared
 * statement's row description does not change while it stays prepared. The description is still compared, field
 * by field, before the shape is reused.
 */
class PreparedRun extends pg.Query {
  /** The prepared statement's name on its connection (pg's own field, which its types leave out). */
  declare name: string;

  constructor(
    private readonly shapes: Map<string, RowShape>,
    name: string,
    text: string,
    values: unknown[],
    callback: (error: Error | undefined, result: unknown) => void,
  ) {
    super(text, values, callback);
    // Set after construction: given a config object instead, pg copies it property by property with its
    // descriptors on every run (~1.5 % of the audited read's time).
    this.name = name;
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    const result = (this as unknown as { _result: ResultInternals })._result;
    const known = this.shapes.get(this.name);
    if (known && sameFields(known.fields, message.fields)) {
      result.fields = message.fields;
      result._parsers = known.parsers;
      result._prebuiltEmptyResultObject = known.emptyRow;
      (this as unknown as { _accumulateRows: boolean })._accumulateRows = true; // a callback collects the rows
      return;
    }
    (pg.Query.prototype as unknown as { handleRowDescription(m: unknown): void }).handleRowDescription.call(this, message);
    this.shapes.set(this.name, { fields: message.fields, parsers: result._parsers, emptyRow: result._prebuiltEmptyResultObject });
  }
}

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
  /** Each prepared statement's row shape, by statement name ({@link PreparedRun}). */
  private readonly shapes = new Map<string, RowShape>();
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
    return this.sendNamed(name, text, values).catch((error: { code?: string }) => {
      if (error?.code !== STALE_PLAN) throw error;
      this.names.delete(text);
      this.shapes.delete(name);
      return super.query(text, values);
    });
  }

  /** Runs a prepared statement (see {@link PreparedRun}). */
  private sendNamed(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      super.query(new PreparedRun(this.shapes, name, text, values, (error, result) => (error ? reject(error) : resolve(result as pg.QueryResult))));
    });
  }
}
