import { sql } from 'kysely';
import { APPEND_ONLY_TABLES } from '../../src/db/migrations/0013_audit_append_only';
import type { Db } from '../../src/db/connect';

/**
 * Plays an attacker who owns the database — the SQLite file, or the PostgreSQL role that owns the tables — and so
 * can remove the append-only guard of migration 0013 before tampering. The tamper tests need this: what they check
 * is that `audit verify` still names every kind of tampering when the guard is gone. The guard itself is tested in
 * test/integration/audit-guard.test.ts.
 */
export async function liftAuditGuard(handle: Pick<Db, 'kysely' | 'dialect'>): Promise<void> {
  const db = handle.kysely;
  for (const table of APPEND_ONLY_TABLES) {
    if (handle.dialect === 'postgres') await sql`alter table ${sql.raw(table)} disable trigger user`.execute(db);
    else for (const op of ['update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_no_${op}`)}`.execute(db);
  }
}
