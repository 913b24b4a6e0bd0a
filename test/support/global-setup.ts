import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../scripts/web-build';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    /** Prefix of this run's PostgreSQL schemas, dropped together when the run ends. */
    pgRun: string;
  }
}

/**
 * Decides once per run whether the PostgreSQL half runs. `npm test` skips it (and says so) when the server is not
 * reachable; with CONFIDE_REQUIRE_PG=1 an unreachable server fails the run.
 */
export default async function setup(project: TestProject) {
  // The web app's tests (test/e2e, the bundle budget, the served page) need its build from the current sources.
  await ensureWebBuild({ quiet: true });
  const url = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const run = `t_${process.pid.toString(36)}${Date.now().toString(36)}`;
  project.provide('pgRun', run);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    await client.end();
    project.provide('pgUrl', url);
    console.log(`\n[confide] PostgreSQL tests: ON (${new URL(url).host})\n`);
    // Schemas are dropped once, after every file has finished: dropping one while another file's migrator
    // introspects the catalogue makes that introspection fail ("relation … does not exist").
    return async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1`, [`${run}\\_%`]);
      for (const r of rows) await c.query(`drop schema "${r.nspname}" cascade`);
      await c.end();
    };
  } catch (error) {
    await client.end().catch(() => {});
    if (process.env.CONFIDE_REQUIRE_PG === '1') {
      throw new Error(`CONFIDE_REQUIRE_PG=1 but PostgreSQL at ${new URL(url).host} is not reachable: ${(error as Error).message}`);
    }
    project.provide('pgUrl', null);
    console.log(`\n[confide] PostgreSQL tests: SKIPPED — server at ${new URL(url).host} not reachable. Set CONFIDE_REQUIRE_PG=1 to make this a failure.\n`);
  }
}
