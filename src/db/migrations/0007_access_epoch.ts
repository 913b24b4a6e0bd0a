import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * What each table's changes mean for an authenticated caller: which events (and, for updates, which columns) can
 * change who a caller is or what a decision about them needs — their session or token, account, roles, grants,
 * acceptance of the current policy, and the policy's own clause numbers and rule modes. A change to any of them
 * moves the access epoch.
 */
export const EPOCH_SOURCES: readonly { table: string; events: readonly ('insert' | 'update' | 'delete')[]; columns?: readonly string[] }[] = [
  { table: 'users', events: ['update', 'delete'] },
  { table: 'user_roles', events: ['insert', 'update', 'delete'] },
  // Not last_seen_at: refreshed once a minute per session, it changes nothing about the caller.
  { table: 'sessions', events: ['update', 'delete'], columns: ['user_id', 'expires_at', 'revoked_at', 'second_factor_at'] },
  { table: 'api_tokens', events: ['update', 'delete'], columns: ['user_id', 'token_hash', 'scopes', 'expires_at', 'revoked_at'] },
  { table: 'access_grants', events: ['insert', 'update', 'delete'] },
  { table: 'policy_documents', events: ['insert', 'update', 'delete'] },
  { table: 'policy_acceptances', events: ['insert', 'update', 'delete'] },
  // The organisation's policy state the engine keeps in memory (src/policy-document/sync.ts).
  { table: 'policy_rule_modes', events: ['insert', 'update', 'delete'] },
];

/**
 * The access epoch: one value that every change to authentication or actor facts moves, in the same transaction,
 * by database triggers — so a change made by any process (the server, the CLI, another instance) or any future
 * code path cannot forget it. The server keeps callers in memory and trusts them only while the epoch is unchanged
 * (src/accounts/caller-cache.ts).
 *
 * Each move draws a new random value (53 bits) rather than counting up: a counter returns to the same number after
 * a rollback, so a value read inside a transaction that later failed could come back meaning different facts. On
 * SQLite several requests share a transaction (src/db/units.ts), so that can happen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_epoch')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into access_epoch (id, n) values (1, 0)`.execute(db);

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`create function bump_access_epoch() returns trigger language plpgsql as $$
      begin update access_epoch set n = floor(random() * 9007199254740991)::bigint where id = 1; return null; end $$`.execute(db);
  }
  for (const { table, events, columns } of EPOCH_SOURCES) {
    for (const event of events) {
      const name = sql.raw(`access_epoch_${table}_${event}`);
      const on = sql.raw(`${event}${event === 'update' && columns ? ` of ${columns.join(', ')}` : ''} on ${table}`);
      if (postgres) {
        await sql`create trigger ${name} after ${on} for each statement execute function bump_access_epoch()`.execute(db);
      } else {
        await sql`create trigger ${name} after ${on} begin update access_epoch set n = random() & 9007199254740991 where id = 1; end`.execute(db);
      }
    }
  }
}
