import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Tables whose changes this migration adds to the access epoch's sources (see 0007_access_epoch): a break-glass on a
 * person opens each of that person's cases, and the actor's facts list those cases (src/accounts/actor.ts). A case
 * opened for the person during the emergency, or moved to another person, changes what the break-glass opens, so it
 * moves the epoch and a cached caller is reloaded on its next request.
 */
export const CASE_EPOCH_SOURCES: readonly { table: string; event: 'insert' | 'update'; columns?: readonly string[] }[] = [
  { table: 'cases', event: 'insert' },
  { table: 'cases', event: 'update', columns: ['person_id'] },
];

/** Adds the triggers; the PostgreSQL function bump_access_epoch() comes from 0007. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const { table, event, columns } of CASE_EPOCH_SOURCES) {
    const name = sql.raw(`access_epoch_${table}_${event}`);
    const on = sql.raw(`${event}${columns ? ` of ${columns.join(', ')}` : ''} on ${table}`);
    if (postgres) {
      await sql`create trigger ${name} after ${on} for each statement execute function bump_access_epoch()`.execute(db);
    } else {
      await sql`create trigger ${name} after ${on} begin update access_epoch set n = random() & 9007199254740991 where id = 1; end`.execute(db);
    }
  }
}
