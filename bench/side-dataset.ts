/**
 * The datasets of the sections that need their own data (consent history, the disclosure register, the management
 * review): one SQLite file under bench/out and one PostgreSQL schema per section and size, built once by the
 * section's `fill` and reused while complete, then opened like a server opens its database.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import type { Services } from '../src/context';
import { connect, type DialectName } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import type { Database } from '../src/db/schema';
import { createServices } from '../src/services';
import { log, round, timeMs } from './lib';

/** Where the datasets are cached (gitignored). */
export const OUT = join(import.meta.dirname, 'out');

/** One section's dataset: its name, size, how to tell it is complete and how to fill it. */
export interface SideDataset {
  /** File and schema name: bench/out/<name>-<n>.sqlite, schema bench_<name>_<n>. */
  name: string;
  n: number;
  /** On PostgreSQL the dataset is complete when this table holds `n` rows. */
  countTable: keyof Database & string;
  /** What a build says it is making, for the log. */
  describe: string;
  fill: (db: Kysely<Database>, dialect: DialectName, n: number) => Promise<void>;
}

/**
 * Opens (building if needed) a section's dataset for a dialect; returns where it is. A cached dataset whose
 * migrations cannot be brought up to date (built by code whose migrations came in another order) is built again.
 */
export async function sideDataset(spec: SideDataset, dialect: DialectName, pgUrl: string | null) {
  try {
    return await openOrBuild(spec, dialect, pgUrl, false);
  } catch (error) {
    if (!/corrupted migrations/.test((error as Error).message)) throw error;
    log(`the cached ${spec.name} dataset on ${dialect} has migrations in another order: building it again`);
    return openOrBuild(spec, dialect, pgUrl, true);
  }
}

async function openOrBuild(spec: SideDataset, dialect: DialectName, pgUrl: string | null, rebuild: boolean) {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `${spec.name}-${spec.n}.sqlite`);
  const schema = `bench_${spec.name}_${spec.n}`;
  let fresh = false;
  if (dialect === 'postgres') {
    const c = new pg.Client({ connectionString: pgUrl! });
    await c.connect();
    const exists = (await c.query('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [schema, spec.countTable])).rowCount;
    const complete = exists && !rebuild ? (await c.query(`select count(*)::int as n from ${schema}.${spec.countTable}`)).rows[0].n === spec.n : false;
    if (!complete) {
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.query(`create schema ${schema}`);
      fresh = true;
    }
    await c.end();
  } else {
    if (rebuild) rmSync(file, { force: true });
    fresh = !existsSync(file);
  }
  const db = connect({ databaseUrl: dialect === 'postgres' ? pgUrl! : '', dataDir: OUT, sqliteFile: file, pgSchema: schema, poolSize: 2 });
  await migrateToLatest(db);
  if (fresh) {
    log(`building the ${spec.name} dataset on ${dialect}: ${spec.describe} …`);
    const [, ms] = await timeMs(() => spec.fill(db.kysely, dialect, spec.n));
    log(`built in ${round(ms / 1000, 1)} s`);
  }
  await db.close();
  return { file, schema };
}

/** Services over a section's dataset, as a server would open it (silent logger). */
export function sideServices(dialect: DialectName, pgUrl: string | null, where: { file: string; schema: string }): Services {
  const config = loadConfig({ DATA_DIR: OUT, DATABASE_URL: dialect === 'postgres' ? pgUrl! : '', LOG_LEVEL: 'silent' });
  return createServices(config, { logger: pino({ level: 'silent' }), connect: dialect === 'postgres' ? { pgSchema: where.schema, poolSize: 2 } : { sqliteFile: where.file } });
}
