import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

/**
 * Decides once per run whether the PostgreSQL half runs. `npm test` skips it (and says so) when the server is not
 * reachable; with CONFIDE_REQUIRE_PG=1 an unreachable server fails the run.
 */
export default async function setup(project: TestProject) {
  const url = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    await client.end();
    project.provide('pgUrl', url);
    console.log(`\n[confide] PostgreSQL tests: ON (${new URL(url).host})\n`);
  } catch (error) {
    await client.end().catch(() => {});
    if (process.env.CONFIDE_REQUIRE_PG === '1') {
      throw new Error(`CONFIDE_REQUIRE_PG=1 but PostgreSQL at ${new URL(url).host} is not reachable: ${(error as Error).message}`);
    }
    project.provide('pgUrl', null);
    console.log(`\n[confide] PostgreSQL tests: SKIPPED — server at ${new URL(url).host} not reachable. Set CONFIDE_REQUIRE_PG=1 to make this a failure.\n`);
  }
}
