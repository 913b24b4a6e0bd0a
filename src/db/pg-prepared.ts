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

/** The parts of pg's Query (pg/lib/query.js) a prepared run builds on, which pg's types leave out. */
const pgQuery = pg.Query.prototype as unknown as {
  prepare(this: pg.Query, connection: object): void;
  handleRowDescription(this: pg.Query, message: { fields: FieldDescription[] }): void;
};

/**
 * A prepared statement's run, reading its rows with the shape its connection learnt the first time the statement ran.
 * pg asks PostgreSQL to describe the answer on every run, reads the description and rebuilds a parser per field and
 * an empty row from it (~6 µs for a 22-column row, and reading the description ~3 % of the audited read's time,
 * bench/http.ts profiled), though a prepared statement's answer cannot change shape while it stays prepared:
 * PostgreSQL refuses to run it instead ("cached plan must not change result type", answered below by preparing it
 * afresh). So the first run describes, and later runs bind and execute only, with the shape kept from the first.
 */
class PreparedRun extends pg.Query {
  /** The prepared statement's name on its connection (pg's own field, which its types leave out). */
  declare name: string;

  constructor(
    private readonly shapes: Map<string, RowShape>,
    /** The connection as pg's run sees it, less the Describe message: for runs whose shape is known. */
    private readonly undescribed: object,
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

  /** pg's Parse (first run only), Bind, Execute and Sync, and the Describe only while the answer's shape is unknown. */
  prepare(connection: object): void {
    const known = this.shapes.get(this.name);
    if (!known) return pgQuery.prepare.call(this, connection);
    const result = this.result;
    result.fields = known.fields;
    result._parsers = known.parsers;
    result._prebuiltEmptyResultObject = known.emptyRow;
    (this as unknown as { _accumulateRows: boolean })._accumulateRows = true; // a callback collects the rows
    pgQuery.prepare.call(this, this.undescribed);
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    pgQuery.handleRowDescription.call(this, message);
    const result = this.result;
    this.shapes.set(this.name, { fields: message.fields, parsers: result._parsers, emptyRow: result._prebuiltEmptyResultObject });
  }

  private get result(): ResultInternals {
    return (this as unknown as { _result: ResultInternals })._result;
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
  /** This client's connection with its Describe message left out ({@link PreparedRun}). */
  private readonly undescribed = withoutDescribe((this as unknown as { connection: object }).connection);
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
      super.query(new PreparedRun(this.shapes, this.undescribed, name, text, values, (error, result) => (error ? reject(error) : resolve(result as pg.QueryResult))));
    });
  }
}

/**
 * The connection as a prepared run sends through it, with Describe sent as nothing: every other message goes out on
 * the connection itself (this view reads its stream and its statements through it).
 */
const withoutDescribe = (connection: object): object => Object.create(connection, { describe: { value: () => {} } });
