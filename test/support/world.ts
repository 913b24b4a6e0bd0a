import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import type { Services } from '../../src/context';
import type { DialectName } from '../../src/db/connect';
import { ManualClock } from '../../src/lib/clock';
import { installDefaultPolicy } from '../../src/policy-document/store';
import { createServices, prepareDatabase } from '../../src/services';

/** The dialects this run covers: SQLite always, PostgreSQL when reachable (see global-setup). */
export function dialects(): DialectName[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, migrated database and app for one test file on one dialect. */
export interface World {
  dialect: DialectName;
  services: Services;
  app: FastifyInstance;
  clock: ManualClock;
  config: Config;
  /** On PostgreSQL, the schema this world's tables live in (for a second process to share it). */
  pgSchema?: string;
  close(): Promise<void>;
}

let counter = 0;

/** Creates an empty schema in the test PostgreSQL database (dropped with the run's others: global-setup.ts). */
export async function createPgSchema(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgUrl')! });
  await client.connect();
  await client.query(`create schema ${name}`);
  await client.end();
}

/** Creates an isolated world: its own temp DATA_DIR, and on PostgreSQL its own schema. */
export async function createWorld(dialect: DialectName, overrides: Partial<Config> = {}): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-test-'));
  const pgUrl = inject('pgUrl');
  const schema = `${inject('pgRun')}_${process.pid.toString(36)}_${counter++}`;
  if (dialect === 'postgres') {
    if (!pgUrl) throw new Error('PostgreSQL not available');
    await createPgSchema(schema);
  }
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: dialect === 'postgres' ? pgUrl! : '', LOG_LEVEL: 'silent' }, overrides);
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const services = createServices(config, { clock, logger: pino({ level: 'silent' }), connect: { pgSchema: dialect === 'postgres' ? schema : undefined } });
  await prepareDatabase(services);
  await installDefaultPolicy(services);
  const app = await buildApp(services);
  await app.ready();
  return {
    dialect, services, app, clock, config, pgSchema: dialect === 'postgres' ? schema : undefined,
    async close() {
      await app.close();
      await services.db.close();
      // PostgreSQL schemas are dropped together at the end of the run (see global-setup.ts).
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
