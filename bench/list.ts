/**
 * Need-to-know list of 50 over 1M people (issues 4, 9), for actors seeing 1k to 500k people and everyone, through the real code path: listPeople() from
 * src/people/queries.ts with a Ctx built for each actor by loadActor(), on SQLite and PostgreSQL.
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import type { Services } from '../src/context';
import type { DialectName } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { listPeople, listShape } from '../src/people/queries';
import { filter } from '../src/policy/filter';
import { createServices } from '../src/services';
import { ACTORS, GIVEN_SEARCH_TERMS, actorKinds, OUT_DIR, PEOPLE, PG_SCHEMA, SEARCH_TERMS, SQLITE_FILE, pgDataset, sqliteDataset } from './dataset';
import { type BenchOptions, type Row, benchCtx, log, round, summarise } from './lib';

/** Every visibility size of the sweep: 1k, 2k, 4k, 5k, 10k, 20k, 50k, 100k, 500k people, and everyone. */
const KINDS = actorKinds(PEOPLE);

/**
 * What each case searches for: nothing (the list), the start of a family name (4 letters, ~0.33 % of people), or
 * the start of a given name (3 letters, ~2.6 % of people: given or preferred, issue 13), or one letter (what a
 * search as you type asks first: ~10–20 % of people). BENCH_LIST_CASE=given (or none, family, initial;
 * comma-separated) runs only those.
 */
const SEARCHES = {
  none: { label: '', terms: [undefined] },
  family: { label: ' + name search', terms: SEARCH_TERMS },
  given: { label: ' + given-name search', terms: GIVEN_SEARCH_TERMS },
  initial: { label: ' + one-letter search', terms: ['a', 'm', 's', 'd', 'k'] },
} as const;
type SearchCase = keyof typeof SEARCHES;
const CASES = (process.env.BENCH_LIST_CASE?.split(',') ?? Object.keys(SEARCHES)) as SearchCase[];
for (const c of CASES) if (!(c in SEARCHES)) throw new Error(`BENCH_LIST_CASE: unknown case ${c} (none, family, given, initial)`);

function servicesFor(dialect: DialectName, pgUrl: string | null): Services {
  const config = loadConfig({ DATA_DIR: OUT_DIR, DATABASE_URL: dialect === 'postgres' ? pgUrl! : '', LOG_LEVEL: 'silent' });
  return createServices(config, {
    logger: pino({ level: 'silent' }),
    connect: dialect === 'postgres' ? { pgSchema: PG_SCHEMA, poolSize: 2 } : { sqliteFile: SQLITE_FILE },
  });
}


/** Runs listPeople once on a logging connection and returns the plan of its main query. */
async function planOf(dialect: DialectName, pgUrl: string | null, services: Services, userId: string, q: string | undefined): Promise<string[]> {
  const events: LogEvent[] = [];
  let db: Kysely<Database>;
  let raw: SQLite.Database | null = null;
  let pool: pg.Pool | null = null;
  if (dialect === 'sqlite') {
    raw = new SQLite(SQLITE_FILE, { readonly: true });
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log: (e) => { events.push(e); } });
  } else {
    pool = new pg.Pool({ connectionString: pgUrl!, max: 1, options: `-c search_path=${PG_SCHEMA}` });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => { events.push(e); } });
  }
  try {
    const ctx = await benchCtx(db, services, userId);
    events.length = 0;
    await listPeople(ctx, { limit: 50, q, includeArchived: 'false' });
    const main = events.filter((e) => /from "(people|page)"/.test(e.query.sql) && /order by/.test(e.query.sql)).at(-1);
    if (!main) return [];
    if (raw) {
      return (raw.prepare(`explain query plan ${main.query.sql}`).all(...(main.query.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
    }
    const res = await pool!.query(`explain (analyze, costs off, timing off, summary on) ${main.query.sql}`, main.query.parameters as unknown[]);
    return res.rows.map((r) => r['QUERY PLAN'] as string);
  } finally {
    await db.destroy();
  }
}

async function benchDialect(dialect: DialectName, opts: BenchOptions) {
  const db = dialect === 'sqlite' ? await sqliteDataset() : await pgDataset(opts.pgUrl!);
  await db.close();
  const services = servicesFor(dialect, opts.pgUrl);
  const runs = opts.quick ? 40 : 200;
  const out: Record<string, unknown>[] = [];
  try {
    for (const kind of KINDS) {
      const userId = ACTORS[kind.key];
      const ctx = await benchCtx(services.db.kysely, services, userId);
      const shape = listShape(ctx, filter(ctx.actor, 'person.read'));
      for (const search of CASES) {
        const terms: readonly (string | undefined)[] = SEARCHES[search].terms;
        const times: number[] = [];
        let items = 0;
        for (let i = -5; i < runs; i++) {
          const q = terms[(i + 5) % terms.length];
          const t0 = process.hrtime.bigint();
          const page = await listPeople(ctx, { limit: 50, q, includeArchived: 'false' });
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (i >= 0) {
            times.push(ms);
            items += page.items.length;
          }
        }
        const s = summarise(times);
        const plan = await planOf(dialect, opts.pgUrl, services, userId, terms[0]);
        log(`list ${dialect} ${kind.key}${SEARCHES[search].label} (${shape}): p50 ${round(s.p50)} ms p95 ${round(s.p95)} ms`);
        out.push({
          dialect, actor: kind.key, description: kind.label, search, shape, runs, meanItems: round(items / runs, 1),
          p50Ms: round(s.p50), p95Ms: round(s.p95), p99Ms: round(s.p99), maxMs: round(s.max), plan,
        });
      }
    }
  } finally {
    await services.db.close();
  }
  return out;
}

/** The list benchmark on SQLite and (when reachable) PostgreSQL. */
export async function benchList(opts: BenchOptions) {
  const results = [...(await benchDialect('sqlite', opts))];
  if (opts.pgUrl) results.push(...(await benchDialect('postgres', opts)));
  const rows: Row[] = results.map((r) => ({
    section: `list ${r.dialect}`,
    name: `${r.actor}${SEARCHES[r.search as SearchCase].label} (${r.shape})`,
    value: `p95 ${r.p95Ms} ms (p50 ${r.p50Ms})`,
    goal: '< 20 ms',
    ok: (r.p95Ms as number) < 20,
  }));
  return {
    result: { people: PEOPLE, searchTerms: SEARCH_TERMS, givenSearchTerms: GIVEN_SEARCH_TERMS, cases: results },
    rows,
  };
}
