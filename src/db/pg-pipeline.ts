import type { Socket } from 'node:net';
import type pg from 'pg';
import { PreparingClient } from './pg-prepared';

/** How to open a shared connection: the pool's client settings, and what to run on each new connection. */
export type PipelineClientConfig = pg.ClientConfig & { setup?: (client: pg.Client) => Promise<unknown> };

/** Most shared connections; a further one opens only when those open are busy or held up. */
const MAX_LANES = 4;
/** Statements in flight on a connection before reads go to another. */
const LANE_DEPTH = 32;
/** A connection whose oldest statement in flight was sent this long ago is held up: reads go to another. */
const HELD_UP_MS = 20;

/**
 * Plain reads that need no connection of their own, sent over a few shared connections in pg's pipeline mode: many
 * statements on the wire at once, each with its own Sync (an error fails only its own statement), and every
 * statement asked for in one turn of the event loop written in one go.
 *
 * Why: on PostgreSQL a unit's reads before its first write run outside any transaction (src/db/pg-units.ts), so
 * they may run on any connection. Sent one at a time on each unit's own connection, every read cost a socket write
 * that woke a sleeping backend, which on this kind of machine costs more than the read's own work (bench/http.ts,
 * profiled: PostgreSQL's socket writes were about a fifth of the server's busy time). Gathered here, one write and
 * one wake-up carry all the reads of a turn.
 *
 * Each read still takes its own snapshot (READ COMMITTED, autocommit), as it did on the unit's connection. Reads
 * on one connection are answered in order, so a slow one holds up those sent behind it: reads go to the first
 * connection that is neither deep in statements nor held up by one sent over {@link HELD_UP_MS} ago, opening
 * another (up to {@link MAX_LANES}) when none is.
 */
export class PipelinedReads {
  private readonly lanes: PipelinedConnection[] = [];
  private closed = false;

  constructor(private readonly config: PipelineClientConfig) {}

  /** Runs one plain read; answers as `pg.Client#query` does. */
  query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    if (this.closed) return Promise.reject(new Error('the database handle is closed'));
    return this.lane().query(text, values);
  }

  /** Ends the shared connections; reads already sent are answered first. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }

  private lane(): PipelinedConnection {
    const now = performance.now();
    const free = this.lanes.find((lane) => lane.inFlight < LANE_DEPTH && !lane.heldUp(now));
    if (free) return free;
    if (this.lanes.length < MAX_LANES) {
      const lane = new PipelinedConnection(this.config);
      this.lanes.push(lane);
      return lane;
    }
    return this.lanes.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  }
}

/**
 * One shared connection in pipeline mode, opened on first use and again after it breaks. PostgreSQL runs the
 * statements sent on it one after another in the order sent, each autocommitted on its own (its own Sync).
 */
export class PipelinedConnection {
  private client: PreparingClient | null = null;
  private connecting: Promise<PreparingClient> | null = null;
  private corked = false;
  /** When each statement in flight was asked for, oldest first (pipelined answers come back in order). */
  private readonly sent: number[] = [];

  constructor(
    private readonly config: PipelineClientConfig,
    /**
     * Whether a turn's statements are held back and written together at the end of the turn (the default, for
     * reads asked for by many requests in one turn). Off, each is written as it is asked for: the group commits
     * are formed at the end of a turn, and held back they would wait a whole further turn.
     */
    private readonly gather = true,
  ) {}

  get inFlight(): number {
    return this.sent.length;
  }

  heldUp(now: number): boolean {
    return this.sent.length > 0 && now - this.sent[0] > HELD_UP_MS;
  }

  async query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    this.sent.push(performance.now());
    try {
      const client = this.client ?? (await this.connect());
      if (this.gather) this.cork(client);
      return await client.query(text, values).catch((error: { severity?: string }) => {
        // Anything but a statement's own error (ERROR) means the connection is ending (FATAL: the server closed it;
        // none: the socket failed): the next read opens a new one instead of meeting the same end.
        if (error?.severity !== 'ERROR') this.drop(client);
        throw error;
      });
    } finally {
      this.sent.shift();
    }
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => null));
    this.client = null;
    await client?.end().catch(() => {});
  }

  /** Forgets a connection that is ending, and ends it, so that the next read opens another. */
  private drop(client: PreparingClient) {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
  }

  /** Holds this turn's statements back and writes them together once the turn's I/O callbacks have run. */
  private cork(client: PreparingClient) {
    if (this.corked) return;
    const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  private connect(): Promise<PreparingClient> {
    this.connecting ??= (async () => {
      const { setup, ...config } = this.config;
      const client = new PreparingClient({ ...config, pipeline: true });
      // A broken connection fails the reads on it (pg answers each with the error) and is replaced on the next read.
      client.on('error', () => this.drop(client));
      client.on('end', () => this.drop(client));
      try {
        await client.connect();
        await setup?.(client);
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
