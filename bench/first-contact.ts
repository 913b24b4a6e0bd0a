/**
 * The worklist "people we have not yet told" (4.1, issue 10) over 1M people, ~5 % not yet told, through the real code
 * path: listNotYetTold() from src/people/queries.ts with a Ctx built for each actor by loadActor(), on SQLite and
 * PostgreSQL, with the plan of its main query, for every actor of the visibility sweep. The dataset is the list
 * benchmark's own world, which carries told_at (bench/dataset.ts); BENCH_PEOPLE=n uses a smaller one.
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import type { Services } from '../src/context';
import type { DialectName } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { listNotYetTold, listShape } from '../src/people/queries';
import { filter } from '../src/policy/filter';
import { createServices } from '../src/services';
import { ACTORS, MAIN_DATASET, OUT_DIR, PEOPLE, actorKinds, pgDataset, sqliteDataset } from './dataset';
import { type BenchOptions, type Row, benchCtx, log, round, summarise } from './lib';

const VARIANT = MAIN_DATASET;

const KINDS = actorKinds(PEOPLE);

function servicesFor(dialect: DialectName, pgUrl: string | null): Services {
  const config = loadConfig({ DATA_DIR: OUT_DIR, DATABASE_URL: dialect === 'postgres' ? pgUrl! : '', LOG_LEVEL: 'silent' });
  return createServices(config, {
    logger: pino({ level: 'silent' }),
    connect: dialect === 'postgres' ? { pgSchema: VARIANT.schema, poolSize: 2 } : { sqliteFile: VARIANT.file },
  });
}


/** Runs the worklist once on a logging connection and returns the plan of its main query. */
async function planOf(dialect: DialectName, pgUrl: string | null, services: Services, userId: string): Promise<string[]> {
  const events: LogEvent[] = [];
  let db: Kysely<Database>;
  let raw: SQLite.Database | null = null;
  let pool: pg.Pool | null = null;
  if (dialect === 'sqlite') {
    raw = new SQLite(VARIANT.file, { readonly: true });
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log: (e) => { events.push(e); } });
  } else {
    pool = new pg.Pool({ connectionString: pgUrl!, max: 1, options: `-c search_path=${VARIANT.schema}` });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => { events.push(e); } });
  }
  try {
    const ctx = await benchCtx(db, services, userId);
    events.length = 0;
    await listNotYetTold(ctx, { limit: 50 });
    const main = events.filter((e) => /from "(people|page)"/.test(e.query.sql) && /order by/.test(e.query.sql)).at(-1);
    if (!main) return [];
    if (raw) return (raw.prepare(`explain query plan ${main.query.sql}`).all(...(main.query.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
    const res = await pool!.query(`explain (analyze, costs off, timing off, summary on) ${main.query.sql}`, main.query.parameters as unknown[]);
    return res.rows.map((r) => r['QUERY PLAN'] as string);
  } finally {
    await db.destroy();
  }
}

async function benchDialect(dialect: DialectName, opts: BenchOptions) {
  const db = dialect === 'sqlite' ? await sqliteDataset(VARIANT) : await pgDataset(opts.pgUrl!, VARIANT);
  await db.close();
  const services = servicesFor(dialect, opts.pgUrl);
  const runs = opts.quick ? 40 : 200;
  const out: Record<string, unknown>[] = [];
  try {
    for (const kind of KINDS) {
      const ctx = await benchCtx(services.db.kysely, services, ACTORS[kind.key]);
      const shape = listShape(ctx, filter(ctx.actor, 'person.read'));
      const times: number[] = [];
      let items = 0;
      let pages = 0;
      for (let i = -5; i < runs; i++) {
        // Every fourth run reads the next page, as a worker working down the list does.
        const t0 = process.hrtime.bigint();
        const first = await listNotYetTold(ctx, { limit: 50 });
        let ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (i % 4 === 3 && first.nextCursor) {
          const t1 = process.hrtime.bigint();
          await listNotYetTold(ctx, { limit: 50, cursor: first.nextCursor });
          ms = Number(process.hrtime.bigint() - t1) / 1e6;
          pages++;
        }
        if (i >= 0) {
          times.push(ms);
          items += first.items.length;
        }
      }
      const s = summarise(times);
      const plan = await planOf(dialect, opts.pgUrl, services, ACTORS[kind.key]);
      log(`not-yet-told ${dialect} ${kind.key} (${shape}): p50 ${round(s.p50)} ms p95 ${round(s.p95)} ms`);
      out.push({ dialect, actor: kind.key, description: kind.label, shape, runs, nextPages: pages, meanItems: round(items / runs, 1), p50Ms: round(s.p50), p95Ms: round(s.p95), p99Ms: round(s.p99), maxMs: round(s.max), plan });
    }
  } finally {
    await services.db.close();
  }
  return out;
}

/** The not-yet-told worklist benchmark on SQLite and (when reachable) PostgreSQL. */
export async function benchNotYetTold(opts: BenchOptions) {
  const results = [...(await benchDialect('sqlite', opts))];
  if (opts.pgUrl) results.push(...(await benchDialect('postgres', opts)));
  const rows: Row[] = results.map((r) => ({
    section: `not-yet-told ${r.dialect}`,
    name: `${r.actor} (${r.shape})`,
    value: `p95 ${r.p95Ms} ms (p50 ${r.p50Ms})`,
    goal: '< 20 ms',
    ok: (r.p95Ms as number) < 20,
  }));
  return { result: { people: PEOPLE, notToldShare: 0.05, cases: results }, rows };
}
