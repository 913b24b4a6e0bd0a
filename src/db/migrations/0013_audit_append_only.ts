import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The audit tables nobody may change once written: entries, signed checkpoints and the keys that signed them. */
export const APPEND_ONLY_TABLES = ['audit_events', 'audit_checkpoints', 'audit_signers'] as const;

/**
 * The audit trail is append-only on both engines (1.1 records management, practice 4.3).
 *
 * - `audit_signers`: each Ed25519 key that signs checkpoints, with its public key and when it was first used, so
 *   `audit verify` checks every checkpoint against the key that signed it, whichever process (DATA_DIR) that was.
 * - Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit_events, audit_checkpoints and
 *   audit_signers, for every role — the application's own included. Until now PostgreSQL had no such guard: a bug or
 *   an injected statement running as the application could rewrite history, leaving only verify to notice. A table
 *   owner can still drop the triggers; the README's deployment section also withholds UPDATE/DELETE from the
 *   application's role, so the guard does not rest on the triggers alone. audit_head is updated by every append and
 *   is not guarded: the chain and the signed checkpoints reveal a rewritten head.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_signers')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('first_used_at', 'text', (c) => c.notNull())
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .execute();

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`create function audit_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP using errcode = '42501'; end $$`.execute(db);
  }
  for (const table of APPEND_ONLY_TABLES) {
    const t = sql.raw(table);
    if (postgres) {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${t} for each row execute function audit_append_only()`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${t} for each statement execute function audit_append_only()`.execute(db);
    } else {
      for (const op of ['update', 'delete']) {
        await sql`create trigger ${sql.raw(`${table}_no_${op}`)} before ${sql.raw(op)} on ${t} begin select raise(abort, ${sql.raw(`'audit table ${table} is append-only: ${op.toUpperCase()} refused'`)}); end`.execute(db);
      }
    }
  }
}
