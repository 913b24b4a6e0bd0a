import { sql, type Kysely } from 'kysely';
import type { DialectName } from './connect';
import type { Database } from './schema';

/** An arbitrary, fixed key for PostgreSQL's advisory lock on startup steps ("CONF" in ASCII). */
const STARTUP_LOCK_KEY = 0x434f4e46;

/**
 * Makes the "check, then create once" startup steps (the first administrator, the default policy document) of
 * processes starting together run one after another, so two servers started at once on an empty PostgreSQL database
 * do not both create them. Held until the caller's transaction ends. SQLite needs nothing: its transactions begin
 * `begin immediate` and so already run one at a time (src/db/sqlite-dialect.ts).
 */
export async function holdStartupLock(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${STARTUP_LOCK_KEY})`.execute(db);
}
